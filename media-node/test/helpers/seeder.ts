/**
 * A real WebTorrent seeder on 127.0.0.1 with every public peer source off, seeding files the
 * test writes itself.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import WebTorrent from 'webtorrent'

interface SeedClient {
  seed(input: string | string[], opts: Record<string, unknown>, cb: (torrent: { infoHash: string; magnetURI: string }) => void): void
  address(): { port: number } | null
  listening: boolean
  once(event: string, fn: () => void): void
  on(event: string, fn: (err: Error) => void): void
  destroy(cb?: () => void): void
}

export interface Seeder {
  infoHash: string
  magnetURI: string
  /** `127.0.0.1:port` for addPeer. */
  peer: string
  dir: string
  stop(): Promise<void>
}

/**
 * Seeds `files` (relative path → content) as one torrent named `name`. Passing the same name
 * and contents gives the same info hash, so two seeders can serve one torrent.
 */
export async function startSeeder(name: string, files: Record<string, Uint8Array>, pieceLength = 16 * 1024): Promise<Seeder> {
  const dir = await mkdtemp(join(tmpdir(), 'bt-seed-'))
  const root = join(dir, name)
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), content)
  }
  const client = new WebTorrent({ dht: false, tracker: false, lsd: false, utPex: false, natUpnp: false, natPmp: false, webSeeds: false }) as unknown as SeedClient
  client.on('error', () => {})
  const torrent = await new Promise<{ infoHash: string; magnetURI: string }>((resolve) =>
    client.seed(root, { announce: [], pieceLength, createdBy: 'bittorrented-test', creationDate: new Date(0) }, resolve),
  )
  if (!client.listening) await new Promise<void>((r) => client.once('listening', r))
  return {
    infoHash: torrent.infoHash,
    magnetURI: torrent.magnetURI,
    peer: `127.0.0.1:${client.address()!.port}`,
    dir,
    async stop() {
      await new Promise<void>((r) => client.destroy(() => r()))
      await rm(dir, { recursive: true, force: true })
    },
  }
}
