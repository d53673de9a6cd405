/**
 * A torrent its source listed only in part (Bitmagnet keeps the first 100 files of a torrent over
 * its threshold): when a person opens it, the node fetches the metadata (BEP 9) from the swarm and
 * the catalog gets every file — relative paths, media types — once, and never a hostile path.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { signUrl } from '@bittorrented/common'
import { listMigrations, migrate, migrationsDir, startEmbeddedDatabase, withClient, type EmbeddedDatabase } from '@bittorrented/db'
import type { TorrentEngine } from '../src/adapters/torrent-engine.ts'
import { createDatabase, type Database } from '../src/db.ts'
import { createApp } from '../src/http/app.ts'
import { startSeeder, type Seeder } from './helpers/seeder.ts'
import { createTestEngine } from './helpers/test-engine.ts'

const signingKey = 'c'.repeat(48)
let embedded: EmbeddedDatabase
let db: Database
let seeder: Seeder
let engine: TorrentEngine
let cacheDir: string

beforeAll(async () => {
  embedded = await startEmbeddedDatabase({ dataDir: null, port: 0 })
  await withClient(embedded.url, async (c) => migrate(c, await listMigrations(migrationsDir)))
  db = createDatabase(embedded.url)
  const files: Record<string, Uint8Array> = {}
  for (let i = 0; i < 5; i++) files[`disc${i}/Part.${i}.mkv`] = new Uint8Array(2048).fill(i)
  seeder = await startSeeder('Many.Parts.2020', files)
  cacheDir = await mkdtemp(join(tmpdir(), 'bt-complete-'))
  engine = createTestEngine({ cacheDir, staticPeers: [seeder.peer] })
  // As the importer left it: 2 of the 5 files, Bitmagnet's count, the list marked incomplete.
  await withClient(embedded.url, async (c) => {
    await c.query(`insert into catalog.torrents (info_hash, name, size_bytes, file_count, source, files_complete) values ($1, 'Many.Parts.2020', 10240, 5, 'bitmagnet', false)`, [seeder.infoHash])
    await c.query(
      `insert into catalog.torrent_files (info_hash, file_index, path, size_bytes, media_type) values ($1, 0, 'disc0/Part.0.mkv', 2048, 'video'), ($1, 1, 'disc1/Part.1.mkv', 2048, 'video')`,
      [seeder.infoHash],
    )
  })
}, 60_000)

afterAll(async () => {
  await engine?.destroy()
  await seeder?.stop()
  await db?.close()
  await embedded?.stop()
  await rm(cacheDir, { recursive: true, force: true })
})

test('opening the torrent fills in every file from its metadata, once', async () => {
  const app = createApp({ withDb: db.withDb, signingKey, log: pino({ level: 'silent' }), engine })
  const url = await signUrl({
    secret: signingKey,
    method: 'GET',
    url: `http://node.local/v1/torrents/${seeder.infoHash}`,
    subject: { userId: 'u', resource: `torrent:${seeder.infoHash}` },
    ttlSeconds: 60,
  })
  expect((await app.request(url)).status).toBe(200)
  const rows = await withClient(
    embedded.url,
    async (c) => (await c.query(`select file_index, path, media_type from catalog.torrent_files where info_hash = $1 order by file_index`, [seeder.infoHash])).rows,
  )
  expect(rows.map((r) => r.path).sort()).toEqual(['disc0/Part.0.mkv', 'disc1/Part.1.mkv', 'disc2/Part.2.mkv', 'disc3/Part.3.mkv', 'disc4/Part.4.mkv'])
  expect(rows.every((r) => r.media_type === 'video')).toBe(true)
  const t = await withClient(embedded.url, async (c) => (await c.query(`select file_count, files_complete from catalog.torrents where info_hash = $1`, [seeder.infoHash])).rows[0])
  expect(t).toEqual({ file_count: 5, files_complete: true })
  // A second opening changes nothing (the list is complete now).
  await withClient(embedded.url, (c) => c.query(`update catalog.torrent_files set path = 'kept.mkv' where info_hash = $1 and file_index = 4`, [seeder.infoHash]))
  expect((await app.request(url)).status).toBe(200)
  const kept = await withClient(embedded.url, async (c) => (await c.query(`select path from catalog.torrent_files where info_hash = $1 and file_index = 4`, [seeder.infoHash])).rows[0].path)
  expect(kept).toBe('kept.mkv')
})
