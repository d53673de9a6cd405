/**
 * Probing and playback decisions through the real node: ffprobe reads each file over the node's
 * own signed range route, from a real seeder; clips are made with the real ffmpeg here.
 */
import { type PlaybackAnswer, PlaybackAnswerSchema } from '@bittorrented/common'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { signUrl } from '@bittorrented/common'
import { probeMedia, runFfmpeg } from '../src/adapters/ffmpeg.ts'
import type { TorrentEngine } from '../src/adapters/torrent-engine.ts'
import type { Seeder } from './helpers/seeder.ts'
import { startTestNode, TEST_EDGE_ORIGIN, type TestNode } from './helpers/test-node.ts'
import { HlsJobs } from '../src/transcode/hls-jobs.ts'
import { TranscodeQueue } from '../src/transcode/transcode-queue.ts'
import { LocalRunner } from '../src/transcode/job-runner.ts'
import { CrashableRunner, renditionDirs } from './helpers/crashable-runner.ts'

const key = 'p'.repeat(48)
const log = pino({ level: 'silent' })
let work: string
let seeder: Seeder
let engine: TorrentEngine
let node: TestNode
let base: string
let hls: HlsJobs
let runner: CrashableRunner
let queue: TranscodeQueue

const card = { source: 'testsrc2=size=160x120:rate=25:duration=3', format: 'lavfi' }
const tone = { source: 'sine=frequency=440:sample_rate=44100:duration=3', format: 'lavfi' }

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bt-playback-'))
  await writeFile(join(work, 'subs.srt'), '1\n00:00:00,500 --> 00:00:02,000\nHello\n')
  const clips: Array<[string, Parameters<typeof runFfmpeg>[0]['options'], Array<{ source: string; format?: string }>]> = [
    ['a.h264.mp4', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart', '-shortest'], [card, tone]],
    ['b.h264.mkv', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'], [card, tone]],
    [
      'c.hevc.mkv',
      ['-map', '0:v', '-map', '1:a', '-map', '2:s', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-c:a', 'aac', '-c:s', 'srt'],
      [card, tone, { source: join(work, 'subs.srt') }],
    ],
    ['d.mpeg4.avi', ['-c:v', 'mpeg4', '-c:a', 'libmp3lame', '-shortest'], [card, tone]],
    ['e.flac', ['-c:a', 'flac', '-metadata', 'title=Pink Tone', '-metadata', 'artist=Test Tones', '-metadata', 'album=Clips', '-metadata', 'track=2'], [tone]],
    ['j.first.mp3', ['-c:a', 'libmp3lame', '-metadata', 'title=First Tone', '-metadata', 'artist=Test Tones', '-metadata', 'album=Clips', '-metadata', 'track=1/2'], [tone]],
    ['h.ac3.mka', ['-c:a', 'ac3'], [tone]],
    [
      'i.two-audio.mkv',
      ['-map', '0:v', '-map', '1:a', '-map', '2:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fra'],
      [card, tone, { source: 'sine=frequency=880:sample_rate=22050:duration=3', format: 'lavfi' }],
    ],
    [
      'k.h264.long.mkv',
      ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '125', '-force_key_frames', '1.2,2.0,7.6,13.4,13.8,22.1', '-c:a', 'aac', '-shortest'],
      [
        { source: 'testsrc2=size=640x360:rate=25:duration=30', format: 'lavfi' },
        { source: 'sine=frequency=550:sample_rate=44100:duration=30', format: 'lavfi' },
      ],
    ],
    ['l.h264-ac3.mkv', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'ac3', '-shortest'], [card, tone]],
    ['m.h264.avi', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'libmp3lame', '-shortest'], [card, tone]],
    [
      'g.hevc.long.mkv',
      ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-c:a', 'aac'],
      [
        { source: 'testsrc2=size=640x360:rate=25:duration=30', format: 'lavfi' },
        { source: 'sine=frequency=330:sample_rate=44100:duration=30', format: 'lavfi' },
      ],
    ],
  ]
  const files: Record<string, Uint8Array> = {}
  for (const [name, options, inputs] of clips) {
    await runFfmpeg({ inputs, output: join(work, name), options })
    files[name] = await readFile(join(work, name))
  }
  files['f.broken.mkv'] = randomBytes(300_000)
  files['subs.srt'] = await readFile(join(work, 'subs.srt'))
  queue = new TranscodeQueue(1, 5)
  node = await startTestNode({ name: 'Playback Clips', files, work, signingKey: key, runner: (runner = new CrashableRunner(new LocalRunner(queue))), hlsCacheBytes: 1 << 30, log })
  ;({ seeder, engine, base, hls } = node)
}, 120_000)

afterAll(async () => {
  await node?.stop()
  // A piece write can still be landing as the engine stops: retry the removal.
  await rm(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 })
})

const CHROMIUM = 'c=mp4,webm,ogg,mp3,flac,wav&v=h264,vp8,vp9,av1&a=aac,mp3,opus,vorbis,flac'

async function signedFor(name: string, path: (index: number) => string) {
  const index = (await engine.info(seeder.infoHash)).files.findIndex((f) => f.name === name)
  return signUrl({ secret: key, method: 'GET', url: `${base}${path(index)}`, subject: { userId: 'u', resource: `torrent:${seeder.infoHash}/${index}` }, ttlSeconds: 600 })
}

async function probeBytes(bytes: Uint8Array) {
  const file = join(work, `probe-${Math.random().toString(36).slice(2)}.ts`)
  await writeFile(file, bytes)
  return probeMedia(file)
}

async function playback(name: string, caps = CHROMIUM) {
  const index = (await engine.info(seeder.infoHash)).files.findIndex((f) => f.name === name)
  const url = await signUrl({
    secret: key,
    method: 'GET',
    url: `${base}/v1/playback/${seeder.infoHash}/${index}`,
    subject: { userId: 'u', resource: `torrent:${seeder.infoHash}/${index}` },
    ttlSeconds: 60,
  })
  const res = await fetch(`${url}&${caps}`)
  const body: unknown = await res.json()
  // Every answer is what the edge app's client parses (common/media-node-wire.ts).
  if (res.ok) {
    const parsed = PlaybackAnswerSchema.safeParse(body)
    if (!parsed.success) throw new Error(`${name}: the answer does not match the wire contract: ${parsed.error.message}`)
  }
  return { status: res.status, body: body as PlaybackAnswer }
}

describe('probing and deciding', () => {
  test('each path: MP4 direct, H.264 MKV remux, HEVC MKV with subtitles transcode, AVI MPEG-4 transcode, FLAC direct', async () => {
    const expected: Record<string, string> = { 'a.h264.mp4': 'direct', 'b.h264.mkv': 'remux', 'c.hevc.mkv': 'transcode', 'd.mpeg4.avi': 'transcode', 'e.flac': 'direct' }
    for (const [name, mode] of Object.entries(expected)) {
      const { status, body } = await playback(name)
      expect(status, name).toBe(200)
      expect(body.decision.mode, name).toBe(mode)
      expect(body.media.durationS, name).toBeGreaterThan(2.5)
      expect(body.media.durationS, name).toBeLessThan(3.5)
    }
    const hevc = (await playback('c.hevc.mkv')).body
    expect(hevc.media.streams.map((s: { type: string; codec: string }) => `${s.type}:${s.codec}`)).toEqual(['video:hevc', 'audio:aac', 'subtitle:subrip'])
  })

  test('H.264 with AC-3 in Matroska: the video is copied, only the audio converted', async () => {
    const { body } = await playback('l.h264-ac3.mkv')
    expect(body.decision).toMatchObject({ mode: 'remux', video: { copy: true }, audio: { codec: 'ac3', copy: false } })
  })

  test('H.264 in AVI has no keyframe index to cut at, so it is converted, and the reason says why', async () => {
    const { body } = await playback('m.h264.avi')
    expect(body.decision.mode).toBe('transcode')
    expect(body.decision.reason).toMatch(/no keyframe index/)
  })

  test('damaged media is a clear 422, and the node goes on serving the others', async () => {
    const broken = await playback('f.broken.mkv')
    expect(broken.status).toBe(422)
    expect(broken.body).toMatchObject({ error: 'unplayable_media', message: expect.stringMatching(/damaged or incomplete/) })
    expect((await playback('a.h264.mp4')).status).toBe(200)
  })

  test('unknown capability names are a 400', async () => {
    expect((await playback('a.h264.mp4', 'c=mp4&v=h264,realvideo&a=aac')).status).toBe(400)
  })
})

describe('HLS on demand', () => {
  const playlistOf = async (name: string) => {
    const url = await signedFor(name, (i) => `/v1/hls/${seeder.infoHash}/${i}/index.m3u8`)
    const res = await fetch(url, { headers: { Origin: TEST_EDGE_ORIGIN } })
    expect(res.status).toBe(200)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(TEST_EDGE_ORIGIN)
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    // Another site's page gets no CORS grant (the signed URL alone is not an invitation to every origin).
    const foreign = await fetch(url, { headers: { Origin: 'http://attacker.test' } })
    expect(foreign.headers.get('Access-Control-Allow-Origin')).toBeNull()
    await foreign.arrayBuffer()
    return res.text()
  }
  const segmentUrls = (playlist: string) =>
    playlist
      .split('\n')
      .filter((l) => l.startsWith('/v1/'))
      .map((l) => `${base}${l}`)

  const ffprobeLines = async (bytes: Uint8Array, args: string[]) => {
    const { execFileSync } = await import('node:child_process')
    const file = join(work, `q-${Math.random().toString(36).slice(2)}.ts`)
    await writeFile(file, bytes)
    // MPEG-TS lists each stream under its program too: keep each line once.
    return [
      ...new Set(
        execFileSync('ffprobe', ['-v', 'error', ...args, '-of', 'csv=p=0', file])
          .toString()
          .trim()
          .split('\n')
          .filter(Boolean),
      ),
    ]
  }

  test('remux: the playlist cuts at the source keyframes, and each segment is the copied H.264 of the length it announces', async () => {
    const res = await fetch(await signedFor('k.h264.long.mkv', (i) => `/v1/hls/${seeder.infoHash}/${i}/index.m3u8`).then((u) => `${u}&mode=remux`))
    const playlist = await res.text()
    const lengths = [...playlist.matchAll(/#EXTINF:([\d.]+),/g)].map((m) => Number(m[1]))
    // Keyframes (25 fps, AAC priming shifts them by 0.023 s) at 0.02, 1.22, 2.02, 7.02, 7.62, 12.62, 13.42,
    // 13.82, 18.82, 22.14, 27.14: a segment begins at the first keyframe at least 4 s after the last began.
    const starts = lengths.map((_, n) => lengths.slice(0, n).reduce((a, b) => a + b, 0))
    expect(starts.map((s) => s.toFixed(1))).toEqual(['0.0', '7.0', '12.6', '18.8', '27.1'])
    expect(playlist).toMatch(/#EXT-X-TARGETDURATION:\d+/)
    const urls = segmentUrls(playlist)
    expect(urls.every((u) => u.includes('&mode=remux'))).toBe(true)
    const late = urls.findIndex((_, n) => starts[n]! >= 0.8 * 30 - 4)
    for (const n of [late, 0, 1]) {
      const bytes = new Uint8Array(await (await fetch(urls[n]!)).arrayBuffer())
      const [video] = await ffprobeLines(bytes, ['-select_streams', 'v:0', '-show_entries', 'stream=codec_name,profile,width'])
      // x264 ultrafast writes Constrained Baseline; a conversion would have made High: this is the source, copied.
      expect(video).toBe('h264,Constrained Baseline,640')
      const keyframes = (await ffprobeLines(bytes, ['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags'])).filter((l) => l.includes('K'))
      const pts = (await ffprobeLines(bytes, ['-select_streams', 'v:0', '-show_entries', 'packet=pts_time'])).map((l) => Number.parseFloat(l))
      const span = Math.max(...pts) - Math.min(...pts) + 0.04
      expect(span, `segment ${n}`).toBeCloseTo(lengths[n]!, 1)
      expect(keyframes.length).toBeGreaterThanOrEqual(1)
      if (n === late) {
        const first = await ffprobeLines(new Uint8Array(await (await fetch(urls[0]!)).arrayBuffer()), ['-select_streams', 'v:0', '-show_entries', 'packet=pts_time'])
        expect(Math.min(...pts) - Math.min(...first.map((l) => Number.parseFloat(l)))).toBeCloseTo(starts[n]!, 1)
      }
    }
  })

  test('remux with AC-3 audio: the video copied, the audio AAC', async () => {
    const res = await fetch(await signedFor('l.h264-ac3.mkv', (i) => `/v1/hls/${seeder.infoHash}/${i}/index.m3u8`).then((u) => `${u}&mode=remux`))
    const urls = segmentUrls(await res.text())
    const bytes = new Uint8Array(await (await fetch(urls[0]!)).arrayBuffer())
    expect(await ffprobeLines(bytes, ['-show_entries', 'stream=codec_name,profile'])).toEqual(['h264,Constrained Baseline', 'aac,LC'])
  })

  test('remux asked for a file that cannot be remuxed (no index) gets the conversion', async () => {
    const res = await fetch(await signedFor('m.h264.avi', (i) => `/v1/hls/${seeder.infoHash}/${i}/index.m3u8`).then((u) => `${u}&mode=remux`))
    const urls = segmentUrls(await res.text())
    const bytes = new Uint8Array(await (await fetch(urls[0]!)).arrayBuffer())
    expect((await ffprobeLines(bytes, ['-select_streams', 'v:0', '-show_entries', 'stream=codec_name,profile']))[0]).toBe('h264,High')
  })

  test('the playlist lists every segment up front; a segment decodes as H.264/AAC of the right length', async () => {
    const playlist = await playlistOf('c.hevc.mkv')
    expect(playlist).toContain('#EXT-X-ENDLIST')
    const urls = segmentUrls(playlist)
    expect(urls).toHaveLength(1)
    const seg = await fetch(urls[0]!)
    expect(seg.status).toBe(200)
    const media = await probeBytes(new Uint8Array(await seg.arrayBuffer()))
    expect(media.streams.map((s) => `${s.type}:${s.codec}`)).toEqual(['video:h264', 'audio:aac'])
    expect(media.durationS).toBeGreaterThan(2.5)
  })

  test('seeking to 80 % returns a segment that starts there', async () => {
    const urls = segmentUrls(await playlistOf('g.hevc.long.mkv'))
    expect(urls).toHaveLength(8)
    const late = await probeBytes(new Uint8Array(await (await fetch(urls[6]!)).arrayBuffer()))
    const first = await probeBytes(new Uint8Array(await (await fetch(urls[0]!)).arrayBuffer()))
    const startOf = async (u: string) => {
      const { execFileSync } = await import('node:child_process')
      const file = join(work, `s-${Math.random().toString(36).slice(2)}.ts`)
      await writeFile(file, new Uint8Array(await (await fetch(u)).arrayBuffer()))
      return Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=start_time', '-of', 'csv=p=0', file]).toString())
    }
    expect(late.durationS).toBeGreaterThan(3)
    expect(first.durationS).toBeGreaterThan(3)
    expect((await startOf(urls[6]!)) - (await startOf(urls[0]!))).toBeCloseTo(24, 0)
  })

  test('FFmpeg killed mid-job: the next request starts it again', async () => {
    const index = (await engine.info(seeder.infoHash)).files.findIndex((f) => f.name === 'g.hevc.long.mkv')
    const key = `${seeder.infoHash}-${index}-h264`
    await hls.destroy(false)
    const { rm: remove } = await import('node:fs/promises')
    for (const dir of await renditionDirs(join(work, 'hls'), key)) await remove(dir, { recursive: true, force: true, maxRetries: 5 })
    const urls = segmentUrls(await playlistOf('g.hevc.long.mkv'))
    expect((await fetch(urls[1]!)).status).toBe(200)
    expect(runner.crash(key)).toBe(true)
    const [dir] = await renditionDirs(join(work, 'hls'), key)
    const { existsSync } = await import('node:fs')
    const missing = urls.findIndex((_, n) => !existsSync(join(dir!, `seg-${n}.ts`)))
    const res = await fetch(urls[missing === -1 ? 7 : missing]!)
    expect(res.status).toBe(200)
    expect((await probeBytes(new Uint8Array(await res.arrayBuffer()))).streams[0]!.codec).toBe('h264')
  })

  test('a segment whose job is stopped while it is being sent ends the connection: never a short segment that looks whole', async () => {
    const index = (await engine.info(seeder.infoHash)).files.findIndex((f) => f.name === 'g.hevc.long.mkv')
    const key = `${seeder.infoHash}-${index}-h264`
    const { existsSync } = await import('node:fs')
    let cut = 0
    for (let attempt = 0; attempt < 3; attempt++) {
      await hls.destroy(false)
      const { rm: remove } = await import('node:fs/promises')
      for (const dir of await renditionDirs(join(work, 'hls'), key)) await remove(dir, { recursive: true, force: true, maxRetries: 5 })
      const urls = segmentUrls(await playlistOf('g.hevc.long.mkv'))
      const res = await fetch(urls[2]!)
      expect(res.status).toBe(200)
      // The headers came as soon as FFmpeg began the segment; stop the job before it is whole.
      runner.crash(key)
      const body = await res.arrayBuffer().then(
        (b) => new Uint8Array(b),
        () => null,
      )
      if (body === null) {
        cut++
        continue
      }
      // It finished before the stop: then what came is the whole segment, byte for byte.
      const cached = join((await renditionDirs(join(work, 'hls'), key))[0]!, 'seg-2.ts')
      expect(existsSync(cached)).toBe(true)
      expect(Buffer.compare(body, await readFile(cached))).toBe(0)
    }
    // Made at a few times real time, a 4 s segment takes long enough that the stop lands in it.
    expect(cut).toBeGreaterThan(0)
  })

  test('two conversions with room for one: the second waits its turn, neither is lost', async () => {
    const [a, b] = await Promise.all([playlistOf('d.mpeg4.avi'), playlistOf('b.h264.mkv')])
    let deepest = 0
    const sampler = setInterval(() => (deepest = Math.max(deepest, queue.depth)), 2)
    // The player's "starting…" line: the one waiting is told it is next in line.
    const statusOf = async (name: string) => (await (await fetch(`${await signedFor(name, (i) => `/v1/hls/${seeder.infoHash}/${i}/index.m3u8`)}&status=1`)).json()) as Record<string, unknown>
    expect(await statusOf('b.h264.mkv')).toEqual({ state: 'idle', mode: 'transcode', waiting: 0 })
    let settled = false
    const pending = Promise.all([fetch(segmentUrls(a)[0]!), fetch(segmentUrls(b)[0]!)]).finally(() => (settled = true))
    const seen: Array<Record<string, unknown>> = []
    while (!settled && !seen.some((st) => st.state === 'queued')) {
      seen.push(...(await Promise.all([statusOf('d.mpeg4.avi'), statusOf('b.h264.mkv')])))
      await new Promise((r) => setTimeout(r, 20))
    }
    const results = await pending
    clearInterval(sampler)
    // (An earlier test's job may still hold the slot: then both wait, 1st and 2nd in line.)
    const queued = seen.filter((st) => st.state === 'queued')
    expect(queued.length).toBeGreaterThanOrEqual(1)
    for (const st of queued) {
      expect(st.position as number).toBeGreaterThanOrEqual(1)
      expect(st.position as number).toBeLessThanOrEqual(st.waiting as number)
    }
    expect(seen.some((st) => st.state === 'converting' || st.state === 'starting')).toBe(true)
    expect(results.map((r) => r.status)).toEqual([200, 200])
    expect(deepest).toBeGreaterThanOrEqual(1)
    expect(queue.depth).toBe(0)
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/bt_transcode_queue_depth 0/)
  })

  test('audio a browser cannot play (AC-3) comes out as AAC-only HLS', async () => {
    expect((await playback('h.ac3.mka')).body.decision.mode).toBe('transcode')
    const urls = segmentUrls(await playlistOf('h.ac3.mka'))
    const seg = await probeBytes(new Uint8Array(await (await fetch(urls[0]!)).arrayBuffer()))
    expect(seg.streams.map((s) => `${s.type}:${s.codec}`)).toEqual(['audio:aac'])
  })

  test('a file with two audio tracks: both are listed, and HLS can carry the second one', async () => {
    const { body } = await playback('i.two-audio.mkv')
    expect(body.audioTracks.map((t) => t.language)).toEqual(['eng', 'fra'])
    const second = body.audioTracks[1]!.index
    const res = await fetch(await signedFor('i.two-audio.mkv', (i) => `/v1/hls/${seeder.infoHash}/${i}/index.m3u8`).then((u) => `${u}&audio=${second}`))
    const urls = segmentUrls(await res.text())
    expect(urls[0]).toContain(`&audio=${second}`)
    const seg = await probeBytes(new Uint8Array(await (await fetch(urls[0]!)).arrayBuffer()))
    // The French track was made at 22.05 kHz, the English one at 44.1 kHz: the segment carries the French.
    expect(seg.streams.find((s) => s.type === 'audio')?.sampleRate).toBe(22050)
    const bad = await fetch(await signedFor('i.two-audio.mkv', (i) => `/v1/hls/${seeder.infoHash}/${i}/index.m3u8`).then((u) => `${u}&audio=0`))
    expect(bad.status).toBe(400)
  })

  test('the segment cache is trimmed to its cap, least recently served first', async () => {
    const dir = join(work, 'trim')
    const { mkdir: mk, readdir: ls, utimes: touch } = await import('node:fs/promises')
    await mk(join(dir, 'film'), { recursive: true })
    for (let n = 0; n < 10; n++) {
      await writeFile(join(dir, 'film', `seg-${n}.ts`), Buffer.alloc(1000))
      await touch(join(dir, 'film', `seg-${n}.ts`), new Date(1000 * (n + 1)), new Date(1000 * (n + 1)))
    }
    const small = new HlsJobs({ dir, runner: new LocalRunner(new TranscodeQueue(1, 1)), log, maxHeight: 720, idleMs: 60_000, maxCacheBytes: 4500 })
    expect(await small.trimCache()).toBe(6)
    expect((await ls(join(dir, 'film'))).sort()).toEqual(['seg-6.ts', 'seg-7.ts', 'seg-8.ts', 'seg-9.ts'])
    await small.destroy()
  })

  test('HLS of a damaged file is a clear 422', async () => {
    const res = await fetch(await signedFor('f.broken.mkv', (i) => `/v1/hls/${seeder.infoHash}/${i}/index.m3u8`))
    expect(res.status).toBe(422)
  })
})

describe('albums', () => {
  test("a torrent's audio files come with their tags, in track order", async () => {
    const url = await signUrl({ secret: key, method: 'GET', url: `${base}/v1/album/${seeder.infoHash}`, subject: { userId: 'u', resource: `torrent:${seeder.infoHash}` }, ttlSeconds: 60 })
    const body = (await (await fetch(url)).json()) as { album: string; artist: string; tracks: Array<{ title: string; track: number | null; durationS: number }> }
    expect(body).toMatchObject({ album: 'Clips', artist: 'Test Tones' })
    expect(body.tracks.slice(0, 2).map((t) => [t.track, t.title])).toEqual([
      [1, 'First Tone'],
      [2, 'Pink Tone'],
    ])
    expect(body.tracks[0]!.durationS).toBeGreaterThan(2.5)
  })
})

describe('subtitles', () => {
  test('an embedded SRT track and a subtitle file both come out as WebVTT', async () => {
    const embedded = await fetch(await signedFor('c.hevc.mkv', (i) => `/v1/subtitles/${seeder.infoHash}/${i}/2.vtt`))
    expect(embedded.status).toBe(200)
    expect(embedded.headers.get('Content-Type')).toMatch(/text\/vtt/)
    const text = await embedded.text()
    expect(text.startsWith('WEBVTT')).toBe(true)
    // The cue keeps its time, give or take the container's start offset (one audio frame here).
    expect(text).toMatch(/00:00\.5\d\d --> 00:02\.0\d\d/)
    expect(text).toContain('Hello')
    const file = await fetch(await signedFor('subs.srt', (i) => `/v1/subtitles/${seeder.infoHash}/${i}/file.vtt`))
    expect(file.status).toBe(200)
    expect(await file.text()).toContain('Hello')
  })

  test('a track that is not a subtitle is a 404', async () => {
    expect((await fetch(await signedFor('c.hevc.mkv', (i) => `/v1/subtitles/${seeder.infoHash}/${i}/0.vtt`))).status).toBe(404)
  })
})
