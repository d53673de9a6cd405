/**
 * `npm start` end to end: the launcher brings up the embedded database, the media node, the
 * party dev server and the edge app on workerd, prints one URL, and Ctrl-C stops all of it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { repoRoot } from '@bittorrented/db'
import { isListening } from '@bittorrented/scripts/free-port'
import { startPlatform, type Platform } from '@bittorrented/scripts/platform'
import { spawnLogged } from '@bittorrented/scripts/spawn-logged'

let platform: Platform
beforeAll(async () => {
  platform = await startPlatform()
}, 180_000)
afterAll(async () => {
  await platform?.stop()
})

describe('npm start', () => {
  test('prints one URL on the edge port and the demo login', () => {
    expect(platform.url).toBe(`http://127.0.0.1:${platform.ports.EDGE_PORT}`)
    expect(platform.process.output()).toMatch(/Demo login: demo@bittorrented\.local \/ watch-together/)
  })

  test('the URL serves the landing page rendered by the Worker, and the status page shows every part up', async () => {
    const res = await fetch(platform.url)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1>BitTorrented</h1>')
    expect(html).toContain('href="/sign-in"')
    // The CSS comes from the Worker's static assets.
    const css = html.match(/href="(\/assets\/[^"]+\.css)"/)?.[1]
    expect(css).toBeDefined()
    const asset = await fetch(new URL(css!, platform.url))
    expect(asset.status).toBe(200)
    // Hashed build files never change under their name: cached for a year, never revalidated (issue #24).
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const status = await (await fetch(`${platform.url}/status`)).text()
    expect(status).toContain('Everything is running')
  })

  test('/healthz of the edge app and of the media node say the database is up', async () => {
    for (const base of [platform.url, `http://127.0.0.1:${platform.ports.MEDIA_NODE_PORT}`]) {
      const res = await fetch(`${base}/healthz`)
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ status: 'ok', database: { status: 'up', schemaVersion: expect.stringMatching(/^\d{14}$/) } })
    }
  })

  test('db:migrate while the platform runs goes through the running embedded database and changes nothing', async () => {
    const migrateRun = spawnLogged(['--import', 'tsx', 'supabase/src/cli/migrate.ts'], { cwd: repoRoot, env: { ...platform.env, LOG_LEVEL: 'info' } })
    expect(await migrateRun.exited).toBe(0)
    expect(migrateRun.output()).toMatch(/"applied":0/)
  })

  test('a second npm start in the same checkout is refused at once, naming the running one (issue #24)', async () => {
    const second = spawnLogged(['--import', 'tsx', 'scripts/start.ts'], { cwd: repoRoot, env: { ...platform.env, EDGE_PORT: '1' } })
    expect(await second.exited).toBe(1)
    expect(second.output()).toContain(`BitTorrented is already running from this checkout (pid ${platform.process.child.pid}, ${platform.url}`)
    // The running one is untouched.
    expect((await fetch(`${platform.url}/healthz`)).status).toBe(200)
  })

  test('Ctrl-C stops every part and frees every port', async () => {
    expect(await platform.stop()).toBe(0)
    for (const port of Object.values(platform.ports)) expect(await isListening(port)).toBe(false)
  })
})
