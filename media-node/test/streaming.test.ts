/**
 * Streaming through the real Hono app and a real WebTorrent engine, fed by real seeders on
 * 127.0.0.1 (DHT, trackers and LSD off).
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { signUrl } from '@bittorrented/common'
import type { TorrentEngine } from '../src/adapters/torrent-engine.ts'
import { createApp } from '../src/http/app.ts'
import { PieceCache } from '../src/streaming/piece-cache.ts'
import { startSeeder, type Seeder } from './helpers/seeder.ts'
import { createTestEngine, type TestEngineOptions } from './helpers/test-engine.ts'

const signingKey = 'm'.repeat(48)
const log = pino({ level: 'silent' })
const movie = randomBytes(3 * 1024 * 1024 + 12_345)
const subtitles = new TextEncoder().encode('1\n00:00:01,000 --> 00:00:02,000\nHello\n')
let seeder: Seeder
let cacheDir: string
const engines: TorrentEngine[] = []

function engineWith(overrides: Partial<TestEngineOptions> = {}): TorrentEngine {
  const engine = createTestEngine({ cacheDir, staticPeers: [seeder.peer], log, ...overrides })
  engines.push(engine)
  return engine
}

function appWith(engine: TorrentEngine) {
  return createApp({ withDb: async () => Promise.reject(new Error('no database in these tests')), signingKey, log, engine })
}

const signed = (path: string, resource: string, method = 'GET') =>
  signUrl({ secret: signingKey, method, url: `http://node.local${path}`, subject: { userId: 'u1', profileId: 'p1', resource }, ttlSeconds: 60 })

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'bt-cache-'))
  seeder = await startSeeder('Test Movie (2026)', { 'Test.Movie.2026.1080p.mp4': movie, 'Test.Movie.2026.en.srt': subtitles })
}, 60_000)

afterAll(async () => {
  await Promise.all(engines.map((e) => e.destroy()))
  await seeder?.stop()
  await rm(cacheDir, { recursive: true, force: true })
})

describe('metadata', () => {
  test('a torrent the node has never seen: files, sizes and media types from the info dictionary', async () => {
    const app = appWith(engineWith())
    const res = await app.request(await signed(`/v1/torrents/${seeder.infoHash}`, `torrent:${seeder.infoHash}`))
    expect(res.status).toBe(200)
    const info = (await res.json()) as { name: string; files: Array<{ index: number; name: string; length: number; contentType: string; kind: string }> }
    expect(info.name).toBe('Test Movie (2026)')
    const byName = Object.fromEntries(info.files.map((f) => [f.name, f]))
    expect(byName['Test.Movie.2026.1080p.mp4']).toMatchObject({ length: movie.length, contentType: 'video/mp4', kind: 'video' })
    expect(byName['Test.Movie.2026.en.srt']).toMatchObject({ length: subtitles.length, kind: 'subtitle' })
  })

  test('a magnet link works where an info hash does', async () => {
    const app = appWith(engineWith())
    const magnet = encodeURIComponent(`magnet:?xt=urn:btih:${seeder.infoHash}&dn=Test`)
    const res = await app.request(await signed(`/v1/torrents/${magnet}`, `torrent:${seeder.infoHash}`))
    expect(res.status).toBe(200)
  })

  test('malformed info hashes, magnets and file indexes are 400s with a reason', async () => {
    const app = appWith(engineWith())
    for (const bad of ['abc', 'z'.repeat(40), encodeURIComponent('magnet:?xt=urn:btih:nothex'), encodeURIComponent('magnet:?dn=only-a-name')]) {
      const res = await app.request(await signed(`/v1/torrents/${bad}`, 'torrent:x'))
      expect(res.status, bad).toBe(400)
      expect(await res.json()).toMatchObject({ error: 'invalid_input', message: expect.any(String) })
    }
    const res = await app.request(await signed(`/v1/stream/${seeder.infoHash}/-1`, `torrent:${seeder.infoHash}`))
    expect(res.status).toBe(400)
  })
})

describe('range streaming', () => {
  let app: ReturnType<typeof appWith>
  let engine: TorrentEngine
  let fileIndex: number
  beforeAll(async () => {
    engine = engineWith()
    app = appWith(engine)
    const info = await engine.info(seeder.infoHash)
    fileIndex = info.files.findIndex((f) => f.name.endsWith('.mp4'))
  })
  const get = async (range?: string, method = 'GET') => {
    const url = await signed(`/v1/stream/${seeder.infoHash}/${fileIndex}`, `torrent:${seeder.infoHash}/${fileIndex}`, method)
    return app.request(url, { method, headers: range ? { Range: range } : {} })
  }
  const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer())

  test('a range at the start: 206, Content-Range and exactly those bytes', async () => {
    const res = await get('bytes=0-99')
    expect(res.status).toBe(206)
    expect(res.headers.get('Content-Range')).toBe(`bytes 0-99/${movie.length}`)
    expect(res.headers.get('Content-Length')).toBe('100')
    expect(res.headers.get('Accept-Ranges')).toBe('bytes')
    expect(res.headers.get('Content-Type')).toBe('video/mp4')
    expect(Buffer.from(await bytes(res)).equals(movie.subarray(0, 100))).toBe(true)
  })

  test('only the pieces asked for are fetched, never the whole torrent', async () => {
    const fresh = engineWith({ cacheDir: await mkdtemp(join(tmpdir(), 'bt-cache-')) })
    const freshApp = appWith(fresh)
    const url = await signed(`/v1/stream/${seeder.infoHash}/${fileIndex}`, `torrent:${seeder.infoHash}/${fileIndex}`)
    const res = await freshApp.request(url, { headers: { Range: 'bytes=1000000-1000999' } })
    expect(Buffer.from(await bytes(res)).equals(movie.subarray(1_000_000, 1_001_000))).toBe(true)
    expect(fresh.receivedFromPeers(seeder.infoHash)).toBeLessThan(movie.length / 4)
  })

  test('a range in the middle, the last byte, and a range past the end (416)', async () => {
    const mid = await get('bytes=1500000-1600000')
    expect(mid.status).toBe(206)
    expect(Buffer.from(await bytes(mid)).equals(movie.subarray(1_500_000, 1_600_001))).toBe(true)
    const last = await get(`bytes=${movie.length - 1}-`)
    expect(last.headers.get('Content-Range')).toBe(`bytes ${movie.length - 1}-${movie.length - 1}/${movie.length}`)
    expect(Buffer.from(await bytes(last)).equals(movie.subarray(movie.length - 1))).toBe(true)
    const past = await get(`bytes=${movie.length}-`)
    expect(past.status).toBe(416)
    expect(past.headers.get('Content-Range')).toBe(`bytes */${movie.length}`)
  })

  test('seeking far ahead, then back', async () => {
    const far = await get(`bytes=${movie.length - 50_000}-${movie.length - 40_001}`)
    expect(Buffer.from(await bytes(far)).equals(movie.subarray(movie.length - 50_000, movie.length - 40_000))).toBe(true)
    const back = await get('bytes=200000-200999')
    expect(Buffer.from(await bytes(back)).equals(movie.subarray(200_000, 201_000))).toBe(true)
  })

  test('no Range: 200 with the whole file; HEAD: the headers without a body', async () => {
    const whole = await get()
    expect(whole.status).toBe(200)
    expect(whole.headers.get('Content-Length')).toBe(String(movie.length))
    expect(Buffer.from(await bytes(whole)).equals(movie)).toBe(true)
    const head = await get('bytes=0-9', 'HEAD')
    expect(head.status).toBe(206)
    expect(head.headers.get('Content-Length')).toBe('10')
    expect((await bytes(head)).length).toBe(0)
  })

  test('a URL signed for GET answers HEAD too (players probe with HEAD); one signed ten years ahead is refused', async () => {
    const path = `/v1/stream/${seeder.infoHash}/${fileIndex}`
    const getUrl = await signed(path, `torrent:${seeder.infoHash}/${fileIndex}`)
    const head = await app.request(getUrl, { method: 'HEAD', headers: { Range: 'bytes=0-9' } })
    expect(head.status).toBe(206)
    expect(head.headers.get('X-Content-Type-Options')).toBe('nosniff')
    const forever = await signUrl({
      secret: signingKey,
      method: 'GET',
      url: `http://node.local${path}`,
      subject: { userId: 'u1', profileId: 'p1', resource: `torrent:${seeder.infoHash}/${fileIndex}` },
      ttlSeconds: 10 * 365 * 24 * 3600,
    })
    const refused = await app.request(forever, { headers: { Range: 'bytes=0-9' } })
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ message: expect.stringMatching(/expiry_too_far/) })
  })

  test('two clients on one file at once both get their bytes', async () => {
    const [a, b] = await Promise.all([get('bytes=0-499999'), get('bytes=2000000-2499999')])
    const [ba, bb] = await Promise.all([bytes(a), bytes(b)])
    expect(Buffer.from(ba).equals(movie.subarray(0, 500_000))).toBe(true)
    expect(Buffer.from(bb).equals(movie.subarray(2_000_000, 2_500_000))).toBe(true)
  })

  test('a file index past the last file is 404', async () => {
    const url = await signed(`/v1/stream/${seeder.infoHash}/7`, `torrent:${seeder.infoHash}/7`)
    expect((await app.request(url)).status).toBe(404)
  })
})

describe('signed URLs and bounds', () => {
  test('unsigned, tampered and re-targeted URLs are refused with 403', async () => {
    const app = appWith(engineWith())
    expect((await app.request(`/v1/stream/${seeder.infoHash}/0`)).status).toBe(403)
    const ok = await signed(`/v1/stream/${seeder.infoHash}/0`, `torrent:${seeder.infoHash}/0`)
    expect((await app.request(ok.replace(`/${seeder.infoHash}/0`, `/${seeder.infoHash}/1`))).status).toBe(403)
    // Signed correctly, but for another torrent than the path names.
    const other = await signed(`/v1/stream/${seeder.infoHash}/0`, `torrent:${'0'.repeat(40)}/0`)
    expect((await app.request(other)).status).toBe(403)
  })

  test('no peer within the deadline: a clear no_peers answer', async () => {
    const lonely = engineWith({ staticPeers: [], metadataDeadlineMs: 300 })
    const app = appWith(lonely)
    const unknown = 'f'.repeat(40)
    const started = Date.now()
    const res = await app.request(await signed(`/v1/torrents/${unknown}`, `torrent:${unknown}`))
    expect(res.status).toBe(504)
    expect(await res.json()).toMatchObject({ error: 'no_peers', infoHash: unknown })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(lonely.has(unknown)).toBe(false)
  })

  test('an idle torrent is evicted; asking again brings it back', async () => {
    const engine = engineWith()
    const app = appWith(engine)
    await engine.info(seeder.infoHash)
    expect(engine.has(seeder.infoHash)).toBe(true)
    expect(engine.evictIdle(Date.now() + 120_000)).toEqual([seeder.infoHash])
    expect(engine.has(seeder.infoHash)).toBe(false)
    const res = await app.request(await signed(`/v1/stream/${seeder.infoHash}/0`, `torrent:${seeder.infoHash}/0`), { headers: { Range: 'bytes=0-9' } })
    expect(res.status).toBe(206)
  })

  test('at the torrent limit the least recently used idle torrent makes room', async () => {
    const second = await startSeeder('Another One', { 'song.mp3': randomBytes(200_000) })
    try {
      const engine = engineWith({ maxActiveTorrents: 1, staticPeers: [seeder.peer, second.peer] })
      await engine.info(seeder.infoHash)
      await engine.info(second.infoHash)
      expect(engine.has(seeder.infoHash)).toBe(false)
      expect(engine.has(second.infoHash)).toBe(true)
      expect(engine.activeTorrents).toBe(1)
    } finally {
      await second.stop()
    }
  })
})

describe('metrics', () => {
  test('/metrics counts streams, cache hits, bytes served and time to first byte', async () => {
    const engine = engineWith({ cacheDir: await mkdtemp(join(tmpdir(), 'bt-cache-')) })
    const app = appWith(engine)
    const info = await engine.info(seeder.infoHash)
    const index = info.files.findIndex((f) => f.name.endsWith('.mp4'))
    const url = await signed(`/v1/stream/${seeder.infoHash}/${index}`, `torrent:${seeder.infoHash}/${index}`)
    await (await app.request(url, { headers: { Range: 'bytes=0-999' } })).arrayBuffer()
    await (await app.request(url, { headers: { Range: 'bytes=0-999' } })).arrayBuffer()
    const text = await (await app.request('/metrics')).text()
    expect(text).toMatch(/bt_streams_total\{cache="miss"\} 1/)
    expect(text).toMatch(/bt_streams_total\{cache="hit"\} 1/)
    expect(text).toMatch(/bt_stream_bytes_served_total 2000/)
    expect(text).toMatch(/bt_stream_time_to_first_byte_seconds_count 2/)
    expect(text).toMatch(/bt_active_torrents 1/)
  })

  test('with a metrics token, /metrics refuses requests without it', async () => {
    const app = createApp({ withDb: async () => Promise.reject(new Error('unused')), signingKey, log, engine: engineWith(), metricsToken: 't'.repeat(20) })
    expect((await app.request('/metrics')).status).toBe(403)
    expect((await app.request('/metrics', { headers: { Authorization: `Bearer ${'t'.repeat(20)}` } })).status).toBe(200)
  })
})

describe('the piece cache', () => {
  const CAP = 1024 * 1024
  const HEAD = 64 * 1024

  async function diskBytes(dir: string): Promise<number> {
    const { readdir, stat } = await import('node:fs/promises')
    let total = 0
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size
    }
    return total
  }

  test('streaming a file three times the cap never puts more than the cap on disk; seeking back still works', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bt-cap-'))
    const cache = new PieceCache(dir, CAP, HEAD)
    await cache.init()
    const engine = engineWith({ cache, readAheadBytes: CAP / 4 })
    const app = appWith(engine)
    const index = (await engine.info(seeder.infoHash)).files.findIndex((f) => f.name.endsWith('.mp4'))
    const url = await signed(`/v1/stream/${seeder.infoHash}/${index}`, `torrent:${seeder.infoHash}/${index}`)

    let peak = 0
    const sampler = setInterval(() => (peak = Math.max(peak, cache.totalBytes)), 2)
    const whole = new Uint8Array(await (await app.request(url)).arrayBuffer())
    clearInterval(sampler)
    expect(Buffer.from(whole).equals(movie)).toBe(true)
    expect(peak).toBeLessThanOrEqual(CAP)
    expect(cache.totalBytes).toBeLessThanOrEqual(CAP)
    expect(await diskBytes(dir)).toBeLessThanOrEqual(CAP)

    // The middle was evicted long ago: asking again fetches it again.
    const mid = await app.request(url, { headers: { Range: 'bytes=1000000-1009999' } })
    expect(Buffer.from(await mid.arrayBuffer()).equals(movie.subarray(1_000_000, 1_010_000))).toBe(true)
    expect(await diskBytes(dir)).toBeLessThanOrEqual(CAP)
  })

  test('instant start: the head of a streamed file survives eviction and a restarted node plays it from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bt-head-'))
    const first = new PieceCache(dir, CAP, HEAD)
    await first.init()
    const engine1 = engineWith({ cache: first, readAheadBytes: CAP / 4 })
    const index = (await engine1.info(seeder.infoHash)).files.findIndex((f) => f.name.endsWith('.mp4'))
    const url = await signed(`/v1/stream/${seeder.infoHash}/${index}`, `torrent:${seeder.infoHash}/${index}`)
    await (await appWith(engine1).request(url)).arrayBuffer()
    await engine1.destroy()

    const second = new PieceCache(dir, CAP, HEAD)
    await second.init()
    expect(second.totalBytes).toBeGreaterThan(0)
    // Only the seeder's metadata is needed; the first bytes come from disk.
    const engine2 = engineWith({ cache: second, readAheadBytes: CAP / 4 })
    const app2 = appWith(engine2)
    expect(await engine2.isCached(seeder.infoHash, index, 0)).toBe(true)
    const res = await app2.request(url, { headers: { Range: `bytes=0-${HEAD - 1}` } })
    expect(Buffer.from(await res.arrayBuffer()).equals(movie.subarray(0, HEAD))).toBe(true)
    // From peers only the info dictionary (BEP 9, ~4 KB here), not one 16 KB piece.
    expect(engine2.receivedFromPeers(seeder.infoHash)).toBeLessThan(16 * 1024)
  })

  test('the cache writes nothing but <info hash>/<number>.piece under its directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bt-paths-'))
    const cache = new PieceCache(dir, CAP, 0)
    await cache.init()
    await expect(cache.put('../../etc', 0, new Uint8Array(1), false)).rejects.toThrow(/not a piece/)
    await expect(cache.put('a'.repeat(40), -1, new Uint8Array(1), false)).rejects.toThrow(/not a piece/)
    await cache.put('a'.repeat(40), 3, new Uint8Array(10), false)
    const { readdir } = await import('node:fs/promises')
    expect(await readdir(dir, { recursive: true })).toEqual(expect.arrayContaining(['a'.repeat(40), `${'a'.repeat(40)}/3.piece`]))
    expect((await readdir(dir, { recursive: true })).length).toBe(2)
  })
})

describe('a one-byte range', () => {
  test('bytes=0-0 answers one byte and does not select the whole file', async () => {
    const engine = engineWith({ cacheDir: await mkdtemp(join(tmpdir(), 'bt-cache-')) })
    const app = appWith(engine)
    const index = (await engine.info(seeder.infoHash)).files.findIndex((f) => f.name.endsWith('.mp4'))
    const res = await app.request(await signed(`/v1/stream/${seeder.infoHash}/${index}`, `torrent:${seeder.infoHash}/${index}`), { headers: { Range: 'bytes=0-0' } })
    expect(res.headers.get('Content-Range')).toBe(`bytes 0-0/${movie.length}`)
    expect(Buffer.from(await res.arrayBuffer()).equals(movie.subarray(0, 1))).toBe(true)
    expect(engine.receivedFromPeers(seeder.infoHash)).toBeLessThan(movie.length / 4)
  })
})

describe('more than one seeder', () => {
  test('a seeder that dies mid-stream: the stream goes on from the other seeder', async () => {
    const content = randomBytes(2 * 1024 * 1024)
    const files = { 'Failover.Film.2026.mp4': content }
    const [a, b] = [await startSeeder('Failover Film', files), await startSeeder('Failover Film', files)]
    try {
      expect(a.infoHash).toBe(b.infoHash)
      const engine = engineWith({ cacheDir: await mkdtemp(join(tmpdir(), 'bt-cache-')), staticPeers: [a.peer, b.peer], readAheadBytes: 256 * 1024 })
      const app = appWith(engine)
      const res = await app.request(await signed(`/v1/stream/${a.infoHash}/0`, `torrent:${a.infoHash}/0`))
      const reader = res.body!.getReader()
      const parts: Uint8Array[] = []
      let received = 0
      let killed = false
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        parts.push(value)
        received += value.length
        if (!killed && received > 256 * 1024) {
          killed = true
          await a.stop()
        }
      }
      expect(killed).toBe(true)
      expect(Buffer.concat(parts).equals(content)).toBe(true)
    } finally {
      await a.stop().catch(() => {})
      await b.stop()
    }
  })
})
