/**
 * The local demo swarm of `npm start`: seeds generated media (and the real payloads of
 * ../shared/fixtures/torrents/webtorrent-fixtures when present) on 127.0.0.1, enters the
 * torrents in the catalog, then prints one JSON line `{"event":"ready","peer":…}` and keeps
 * seeding until stopped. Public peer sources are off: this swarm is for this machine only.
 */
import { existsSync } from 'node:fs'
import { cp, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import pino from 'pino'
import WebTorrent from 'webtorrent'
import { z } from 'zod'
import { inCatalogTransaction, upsertCatalogEntries } from '../catalog/catalog-writer.ts'
import { ensureDemoMedia } from './demo-media.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const config = z
  .object({
    DATABASE_URL: z.string().url(),
    BT_DEMO_MEDIA_DIR: z.string().default(join(repoRoot, '.data', 'demo-media')),
    DEMO_SWARM_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    DEMO_FIXTURES_DIR: z.string().default(join(repoRoot, '..', 'shared', 'fixtures', 'torrents', 'webtorrent-fixtures')),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  })
  .parse(process.env)
const log = pino({ name: 'demo-swarm', level: config.LOG_LEVEL })

interface SeededTorrent {
  infoHash: string
  name: string
  length: number
  files: Array<{ path: string; length: number }>
  progress: number
  on(event: string, fn: () => void): void
  once(event: string, fn: () => void): void
  ready: boolean
}
interface Seeder {
  seed(input: string, opts: Record<string, unknown>, cb: (t: SeededTorrent) => void): void
  add(id: Uint8Array, opts: Record<string, unknown>, cb: (t: SeededTorrent) => void): void
  remove(id: string, opts: Record<string, unknown>, cb: () => void): void
  address(): { port: number } | null
  listening: boolean
  once(event: string, fn: () => void): void
  on(event: string, fn: (err: Error) => void): void
  destroy(cb?: () => void): void
}

const client = new WebTorrent({
  dht: false,
  tracker: false,
  lsd: false,
  utPex: false,
  natUpnp: false,
  natPmp: false,
  webSeeds: false,
  torrentPort: config.DEMO_SWARM_PORT,
  torrentHost: '127.0.0.1',
}) as unknown as Seeder
client.on('error', (err) => log.warn({ err }, 'seeder error'))

const seeded: SeededTorrent[] = []
const folders = await ensureDemoMedia(config.BT_DEMO_MEDIA_DIR, (line) => log.info(line))
// The demo media's ratings; the real-world payloads come unrated (hidden from profiles with a ceiling).
const ratingOf = new Map(folders.map((f) => [f.name, f.rating]))
for (const folder of folders) {
  // Fixed creation date and creator: the same media gives the same info hash on every start.
  seeded.push(await new Promise<SeededTorrent>((resolve) => client.seed(folder.dir, { announce: [], createdBy: 'BitTorrented demo', creationDate: new Date(0), name: folder.name }, resolve)))
}

// The real-world payloads, under their real torrents' info hashes. They are copied into the
// data directory first (shared/ is read-only and never part of the repository).
for (const [torrentFile, payload] of [
  ['alice.torrent', 'alice.txt'],
  ['leaves.torrent', 'Leaves of Grass by Walt Whitman.epub'],
  ['folder.torrent', 'folder'],
] as const) {
  const src = join(config.DEMO_FIXTURES_DIR, payload)
  if (!existsSync(src) || !existsSync(join(config.DEMO_FIXTURES_DIR, torrentFile))) continue
  const dir = join(config.BT_DEMO_MEDIA_DIR, 'fixtures')
  await mkdir(dir, { recursive: true })
  await cp(src, join(dir, payload), { recursive: true })
  const metainfo = await readFile(join(config.DEMO_FIXTURES_DIR, torrentFile))
  const torrent = await new Promise<SeededTorrent>((resolve) => client.add(metainfo, { path: dir, announce: [] }, resolve))
  if (!torrent.ready) await new Promise<void>((r) => torrent.once('ready', r))
  if (torrent.progress < 1) {
    log.warn({ torrentFile }, 'payload does not match its torrent; not seeding it')
    await new Promise<void>((r) => client.remove(torrent.infoHash, {}, r))
    continue
  }
  seeded.push(torrent)
}

if (!client.listening) await new Promise<void>((r) => client.once('listening', r))
const peer = `127.0.0.1:${client.address()!.port}`

// Enter every seeded torrent in the catalog, as the service that discovered it.
const db = new pg.Client({ connectionString: config.DATABASE_URL })
await db.connect()
try {
  await inCatalogTransaction(db, () =>
    upsertCatalogEntries(
      db,
      seeded.map((t) => ({
        infoHash: t.infoHash,
        name: t.name,
        sizeBytes: t.length,
        files: t.files.map((f) => ({ path: f.path, length: f.length })),
        source: 'demo',
        seeders: 1,
        leechers: 0,
        contentRating: ratingOf.get(t.name) ?? null,
      })),
    ),
  )
} finally {
  await db.end()
}

process.stdout.write(`${JSON.stringify({ event: 'ready', peer, torrents: seeded.map((t) => ({ infoHash: t.infoHash, name: t.name })) })}\n`)
log.info({ peer, torrents: seeded.length }, 'demo swarm seeding')

const stop = () => client.destroy(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
