/**
 * `npm start` end to end: the launcher brings up the embedded database, the media node, the
 * party dev server and the edge app on workerd, prints one URL, and Ctrl-C stops all of it.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { repoRoot } from '@bittorrented/db'
import { freePort, isListening } from '../scripts/lib/free-port.ts'
import { spawnLogged, type LoggedProcess } from './helpers/spawn-logged.ts'

let dataDir: string
let ports: { EDGE_PORT: number; MEDIA_NODE_PORT: number; PARTY_PORT: number; DB_PORT: number }
let platform: LoggedProcess
let url: string
let env: Record<string, string | undefined>

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bt-start-'))
  ports = { EDGE_PORT: await freePort(), MEDIA_NODE_PORT: await freePort(), PARTY_PORT: await freePort(), DB_PORT: await freePort() }
  env = { ...process.env, DATABASE_URL: '', BT_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }
  for (const [k, v] of Object.entries(ports)) env[k] = String(v)
  platform = spawnLogged(['--import', 'tsx', 'scripts/start.ts'], { cwd: repoRoot, env })
  url = (await platform.waitFor(/BitTorrented is running at (http:\/\/127\.0\.0\.1:\d+)/, 150_000))[1]!
}, 180_000)

afterAll(async () => {
  if (platform && platform.child.exitCode === null) {
    platform.child.kill('SIGINT')
    await platform.exited
  }
  await rm(dataDir, { recursive: true, force: true })
})

describe('npm start', () => {
  test('prints one URL on the edge port and the demo login', () => {
    expect(url).toBe(`http://127.0.0.1:${ports.EDGE_PORT}`)
    expect(platform.output()).toMatch(/Demo login: demo@bittorrented\.local \/ watch-together/)
  })

  test('the URL serves the home page rendered by the Worker, with every part up', async () => {
    const res = await fetch(url)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1>BitTorrented</h1>')
    expect(html).toContain('Everything is running')
    // The CSS comes from the Worker's static assets.
    const css = html.match(/href="(\/assets\/[^"]+\.css)"/)?.[1]
    expect(css).toBeDefined()
    expect((await fetch(new URL(css!, url))).status).toBe(200)
  })

  test('/healthz of the edge app and of the media node say the database is up', async () => {
    for (const base of [url, `http://127.0.0.1:${ports.MEDIA_NODE_PORT}`]) {
      const res = await fetch(`${base}/healthz`)
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ status: 'ok', database: { status: 'up', schemaVersion: expect.stringMatching(/^\d{14}$/) } })
    }
  })

  test('db:migrate while the platform runs goes through the running embedded database and changes nothing', async () => {
    const migrateRun = spawnLogged(['--import', 'tsx', 'supabase/src/cli/migrate.ts'], { cwd: repoRoot, env: { ...env, LOG_LEVEL: 'info' } })
    expect(await migrateRun.exited).toBe(0)
    expect(migrateRun.output()).toMatch(/"applied":0/)
  })

  test('Ctrl-C stops every part and frees every port', async () => {
    platform.child.kill('SIGINT')
    expect(await platform.exited).toBe(0)
    for (const port of Object.values(ports)) expect(await isListening(port)).toBe(false)
  })
})
