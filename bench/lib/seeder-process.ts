/**
 * A loopback seeder in its own process (for benchmarks): seeds every folder under the
 * directory given as argument, public peer sources off, then prints one JSON line
 * {"peer": "127.0.0.1:port", "torrents": [{"name", "infoHash"}]} and seeds until killed.
 * The same folders give the same info hashes in every seeder process.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import WebTorrent from 'webtorrent'

interface Client {
  seed(input: string, opts: Record<string, unknown>, cb: (t: { infoHash: string; name: string }) => void): void
  address(): { port: number } | null
  listening: boolean
  once(event: string, fn: () => void): void
  on(event: string, fn: (err: Error) => void): void
  destroy(cb?: () => void): void
}

const root = process.argv[2]!
const client = new WebTorrent({ dht: false, tracker: false, lsd: false, utPex: false, natUpnp: false, natPmp: false, webSeeds: false }) as unknown as Client
client.on('error', (err) => process.stderr.write(`seeder error: ${err.message}\n`))
const torrents: Array<{ name: string; infoHash: string }> = []
for (const name of (await readdir(root)).sort()) {
  const t = await new Promise<{ infoHash: string; name: string }>((resolve) =>
    client.seed(join(root, name), { announce: [], createdBy: 'bittorrented-bench', creationDate: new Date(0), pieceLength: 256 * 1024 }, resolve),
  )
  torrents.push({ name: t.name, infoHash: t.infoHash })
}
if (!client.listening) await new Promise<void>((r) => client.once('listening', r))
process.stdout.write(`${JSON.stringify({ peer: `127.0.0.1:${client.address()!.port}`, torrents })}\n`)
process.on('SIGTERM', () => client.destroy(() => process.exit(0)))
