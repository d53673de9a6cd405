import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import pino from 'pino'
import { signUrl } from '@bittorrented/common'
import { listMigrations, migrate, migrationsDir, startEmbeddedDatabase, withClient, type EmbeddedDatabase } from '@bittorrented/db'
import type { TorrentEngine } from '../src/adapters/torrent-engine.ts'
import { createDatabase, type Database } from '../src/db.ts'
import { createApp } from '../src/http/app.ts'
import { createTestEngine } from './helpers/test-engine.ts'

const signingKey = 's'.repeat(48)
const log = pino({ level: 'silent' })
let embedded: EmbeddedDatabase
let db: Database
let latestVersion: string
let engine: TorrentEngine

beforeAll(async () => {
  embedded = await startEmbeddedDatabase({ dataDir: null, port: 0 })
  const migrations = await listMigrations(migrationsDir)
  await withClient(embedded.url, (c) => migrate(c, migrations))
  latestVersion = migrations.at(-1)!.version
  db = createDatabase(embedded.url)
  engine = createTestEngine({ cacheDir: '/nonexistent-unused', maxConnsPerTorrent: 1, maxActiveTorrents: 1, metadataDeadlineMs: 100, idleEvictMs: 1000, readAheadBytes: 1 << 20, log })
})
afterAll(async () => {
  await engine?.destroy()
  await db?.close()
  await embedded?.stop()
})

describe('media node HTTP', () => {
  test('/healthz reports the database up at the newest migration', async () => {
    const app = createApp({ withDb: db.withDb, signingKey, log, engine })
    const res = await app.request('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ service: 'media-node', status: 'ok', database: { status: 'up', schemaVersion: latestVersion } })
  })

  test('/healthz answers 503 with the reason when the database is unreachable', async () => {
    const down = createDatabase('postgres://postgres:postgres@127.0.0.1:1/postgres')
    const app = createApp({ withDb: down.withDb, signingKey, log, engine })
    const res = await app.request('/healthz')
    expect(res.status).toBe(503)
    const body = (await res.json()) as { status: string; database: { status: string; error?: string } }
    expect(body.status).toBe('degraded')
    expect(body.database.status).toBe('down')
    expect(body.database.error).toMatch(/ECONNREFUSED/)
    await down.close()
  })

  test('a /v1 route without a signature is refused with 403', async () => {
    const app = createApp({ withDb: db.withDb, signingKey, log, engine })
    const res = await app.request('/v1/whoami')
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ error: 'not_allowed' })
  })

  test('a signed URL passes and carries its subject; tampered or expired ones are refused', async () => {
    const now = Date.UTC(2026, 10, 25)
    const app = createApp({ withDb: db.withDb, signingKey, log, engine, now: () => now })
    const subject = { userId: 'u1', profileId: 'p1', resource: 'diagnostics' }
    const url = await signUrl({ secret: signingKey, method: 'GET', url: 'http://node.local/v1/whoami', subject, ttlSeconds: 30, now })
    const ok = await app.request(url)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ subject })
    expect((await app.request(url.replace('p=p1', 'p=p2'))).status).toBe(403)
    const later = createApp({ withDb: db.withDb, signingKey, log, engine, now: () => now + 31_000 })
    expect((await later.request(url)).status).toBe(403)
  })

  test("no peers: the answer lists the catalog's other torrents of the same title", async () => {
    const [wanted, sibling, unrelated, adult] = ['1', '2', '3', '4'].map((d) => d.repeat(40))
    await withClient(embedded.url, (c) =>
      c.query(
        `insert into catalog.torrents (info_hash, name, size_bytes, file_count, source, seeders, is_adult) values
           ($1, 'Big Film 2026 1080p BluRay x264', 100, 1, 'demo', 0, false),
           ($2, 'Big Film 2026 720p WEB x264', 50, 1, 'demo', 12, false),
           ($3, 'Completely Different Album FLAC', 10, 3, 'demo', 40, false),
           -- a similar name, but adult: never offered for a title that is not
           ($4, 'Big Film 2026 XXX 1080p', 70, 1, 'demo', 99, true)`,
        [wanted, sibling, unrelated, adult],
      ),
    )
    const app = createApp({ withDb: db.withDb, signingKey, log, engine })
    const url = await signUrl({ secret: signingKey, method: 'GET', url: `http://node.local/v1/torrents/${wanted}`, subject: { userId: 'u', resource: `torrent:${wanted}` }, ttlSeconds: 30 })
    const res = await app.request(url)
    expect(res.status).toBe(504)
    expect(await res.json()).toMatchObject({
      error: 'no_peers',
      infoHash: wanted,
      alternatives: [{ infoHash: sibling, name: 'Big Film 2026 720p WEB x264', seeders: 12 }],
    })
  })

  test('unknown routes answer 404 JSON', async () => {
    const app = createApp({ withDb: db.withDb, signingKey, log, engine })
    const res = await app.request('/nope')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: 'not_found' })
  })
})
