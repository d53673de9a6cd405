/**
 * `npm run bench:stream`: the media node as it runs in production (its own process, Hono,
 * signed URLs, WebTorrent, the piece cache), fed by 3 loopback seeders in their own processes.
 * - time to first byte of a 64 KiB range on an info hash the node has never seen (metadata +
 *   first piece), over 5 different torrents; then the same requests again, from the cache;
 * - sustained throughput of one whole-file stream;
 * - the node's peak RSS while 10 streams run at once.
 * Baselines beside them: raw WebTorrent on this machine, 322 ms to first byte when added
 * deselected (../shared/TOOLCHAIN.md); the seed's SLO, 3 s. Goals: < 400 ms, < 50 ms from cache,
 * RSS < 400 MB. Last line: one JSON object.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import os from 'node:os'
import { join } from 'node:path'
import { fileResource, signUrl } from '@bittorrented/common'
import { freePort } from '@bittorrented/scripts/free-port'
import { latencyStats } from './lib/latency-stats.ts'
import { firstLine, ProcessGroup, startMediaNode } from './lib/processes.ts'

const COLD_TORRENTS = 5
const COLD_MB = 16
const BIG_MB = Number(process.env.BENCH_STREAM_MB ?? 128)
const CONCURRENT = 10
const key = randomBytes(32).toString('hex')
const log = (line: string) => process.stderr.write(`${line}\n`)

const work = await mkdtemp(join(tmpdir(), 'bt-bench-stream-'))
const group = new ProcessGroup()
try {
  log(`making ${COLD_TORRENTS} × ${COLD_MB} MB and 1 × ${BIG_MB} MB of test data`)
  const media = join(work, 'media')
  for (let i = 0; i < COLD_TORRENTS; i++) {
    await mkdir(join(media, `cold-${i}`), { recursive: true })
    await writeFile(join(media, `cold-${i}`, 'film.mp4'), randomBytes(COLD_MB * 1024 * 1024))
  }
  await mkdir(join(media, 'big'), { recursive: true })
  const big = Buffer.alloc(BIG_MB * 1024 * 1024)
  for (let off = 0; off < big.length; off += 1 << 24) randomBytes(Math.min(1 << 24, big.length - off)).copy(big, off)
  await writeFile(join(media, 'big', 'film.mp4'), big)

  log('starting 3 seeders')
  const seeders = await Promise.all(
    [0, 1, 2].map(async () => JSON.parse(await firstLine(group.node(['bench/lib/seeder-process.ts', media]))) as { peer: string; torrents: Array<{ name: string; infoHash: string }> }),
  )
  const byName = Object.fromEntries(seeders[0]!.torrents.map((t) => [t.name, t.infoHash]))

  const port = await freePort()
  log('starting the media node')
  const node = await startMediaNode(group, port, {
    MEDIA_SIGNING_KEY: key,
    MEDIA_CACHE_DIR: join(work, 'cache'),
    STATIC_PEERS: seeders.map((s) => s.peer).join(','),
  })
  const base = `http://127.0.0.1:${port}`

  const streamUrl = (infoHash: string) =>
    signUrl({ secret: key, method: 'GET', url: `${base}/v1/stream/${infoHash}/0`, subject: { userId: 'bench', profileId: 'bench', resource: fileResource(infoHash, 0) }, ttlSeconds: 600 })
  async function firstByte(infoHash: string, range: string): Promise<number> {
    const t0 = performance.now()
    const res = await fetch(await streamUrl(infoHash), { headers: { Range: range } })
    const reader = res.body!.getReader()
    await reader.read()
    const ms = performance.now() - t0
    await reader.cancel()
    if (res.status !== 206) throw new Error(`expected 206, got ${res.status}`)
    return ms
  }

  log('time to first byte, never-seen torrents')
  const cold: number[] = []
  for (let i = 0; i < COLD_TORRENTS; i++) cold.push(await firstByte(byName[`cold-${i}`]!, 'bytes=0-65535'))
  log('time to first byte, from the cache')
  const cached: number[] = []
  for (let i = 0; i < COLD_TORRENTS; i++) cached.push(await firstByte(byName[`cold-${i}`]!, 'bytes=0-65535'))

  log(`sustained throughput: one ${BIG_MB} MB stream`)
  const t0 = performance.now()
  const whole = await fetch(await streamUrl(byName.big!))
  let bytes = 0
  for await (const chunk of whole.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length
  const seconds = (performance.now() - t0) / 1000
  if (bytes !== big.length) throw new Error(`stream gave ${bytes} of ${big.length} bytes`)
  const throughput = BIG_MB / seconds

  log(`${CONCURRENT} concurrent streams, sampling the node's RSS`)
  let peakRssKb = 0
  const sample = async () => {
    const status = await readFile(`/proc/${node.pid}/status`, 'utf8').catch(() => '')
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
    peakRssKb = Math.max(peakRssKb, kb)
  }
  const sampler = setInterval(() => void sample(), 50)
  const slice = Math.floor(big.length / CONCURRENT)
  await Promise.all(
    Array.from({ length: CONCURRENT }, async (_, i) => {
      const res = await fetch(await streamUrl(byName.big!), { headers: { Range: `bytes=${i * slice}-${(i + 1) * slice - 1}` } })
      for await (const _chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        // drain
      }
    }),
  )
  clearInterval(sampler)
  await sample()

  const c = latencyStats(cold)
  const h = latencyStats(cached)
  console.log(`media node stream benchmark, 3 loopback seeders, ${os.cpus().length} cores`)
  console.log(`first byte, never-seen torrent: p50 ${c.p50} ms, max ${c.max} ms   (raw WebTorrent deselected: 322 ms; seed SLO 3000 ms; goal < 400 ms)`)
  console.log(`first byte, from the cache:     p50 ${h.p50} ms, max ${h.max} ms   (goal < 50 ms)`)
  console.log(`one stream: ${throughput.toFixed(1)} MB/s   (raw WebTorrent deselected: 89 MiB/s)`)
  console.log(`peak RSS with ${CONCURRENT} streams: ${(peakRssKb / 1024).toFixed(0)} MB   (goal < 400 MB)`)
  console.log(
    JSON.stringify({
      ttfb_cold_p50_ms: c.p50,
      ttfb_cold_max_ms: c.max,
      ttfb_cached_p50_ms: h.p50,
      ttfb_cached_max_ms: h.max,
      throughput_mb_s: Math.round(throughput * 10) / 10,
      rss_mb: Math.round(peakRssKb / 1024),
      baseline_ttfb_ms: 322,
      seed_slo_ttfb_ms: 3000,
      goal_ttfb_ms: 400,
      goal_cached_ttfb_ms: 50,
      goal_rss_mb: 400,
    }),
  )
} finally {
  await group.stop()
  await rm(work, { recursive: true, force: true })
}
