/**
 * A segment is sent while FFmpeg is still making it. The source comes from a real HTTP server of
 * the test's own that holds back the rest of the file until told, so "still being made" is a
 * state the test controls, not a race: FFmpeg has written part of segment 0 and waits for input.
 */
import { createServer, type Server } from 'node:http'
import { readFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { runFfmpeg } from '../src/adapters/ffmpeg.ts'
import { HlsJobs, type SegmentBody } from '../src/transcode/hls-jobs.ts'
import { gridStarts } from '../src/transcode/hls-playlist.ts'
import { LocalRunner } from '../src/transcode/job-runner.ts'
import { TranscodeQueue } from '../src/transcode/transcode-queue.ts'
import { CrashableRunner } from './helpers/crashable-runner.ts'

const log = pino({ level: 'silent' })
let work: string
let clip: Uint8Array
let server: Server
let url: string
/** The first request for the clip gets this share of it, then waits for `release`; later requests get it all. */
const HELD_AFTER = 0.3
let release: () => void = () => {}
let held: Promise<void> = Promise.resolve()
let requests = 0

function holdNextRequest(): void {
  requests = 0
  held = new Promise((r) => (release = r))
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bt-growing-'))
  // 12 s of a busy picture: three 4 s segments, a few hundred kB each.
  await runFfmpeg({
    inputs: [
      { source: 'testsrc2=size=640x360:rate=25:duration=12', format: 'lavfi' },
      { source: 'sine=frequency=440:sample_rate=48000:duration=12', format: 'lavfi' },
    ],
    output: join(work, 'clip.mkv'),
    options: ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-c:a', 'aac'],
  })
  clip = await readFile(join(work, 'clip.mkv'))
  server = createServer(async (_req, res) => {
    const first = requests++ === 0
    // No ranges: FFmpeg reads the file from the start, as a stream.
    res.writeHead(200, { 'Content-Type': 'video/x-matroska', 'Content-Length': String(clip.length) })
    const cut = first ? Math.floor(clip.length * HELD_AFTER) : clip.length
    res.write(clip.subarray(0, cut))
    if (first) await held
    res.end(clip.subarray(cut))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/clip.mkv`
})

afterAll(async () => {
  release()
  server?.closeAllConnections()
  await new Promise((r) => server?.close(r))
  await rm(work, { recursive: true, force: true, maxRetries: 5 })
})

/** Jobs of their own for each test: one slot, in the test's own folder. */
const runner = new CrashableRunner(new LocalRunner(new TranscodeQueue(1, 5)))
const jobsIn = (folder: string) => new HlsJobs({ dir: join(work, folder), runner, log, maxHeight: 720, idleMs: 60_000, maxCacheBytes: 1 << 30 })
const planFor = (source: string) => ({ source, starts: gridStarts(12), video: 'encode' as const, audio: 'encode' as const, audioStream: null, sourceStartS: 0 })

/** Segment 0 of `key`, asked for while the source is held back: still being made. */
async function openWhileHeld(hls: HlsJobs, key: string): Promise<AsyncGenerator<Uint8Array>> {
  holdNextRequest()
  const body = await hls.openSegment(planFor(key), async () => url, 0)
  if (!('growing' in body)) throw new Error('segment 0 was whole while its source was held back')
  return body.growing
}

async function collect(body: SegmentBody): Promise<Uint8Array> {
  if ('whole' in body) return readFile(body.whole)
  const parts: Uint8Array[] = []
  for await (const chunk of body.growing) parts.push(chunk)
  return Buffer.concat(parts)
}

describe('segments sent while they are being made', () => {
  test('the bytes flow before the segment is whole, and add up to exactly the whole segment', async () => {
    const hls = jobsIn('hls-a')
    try {
      const growing = await openWhileHeld(hls, 'clip-a')
      // FFmpeg has only part of the source: the first bytes of segment 0 arrive anyway.
      const first = await growing.next()
      expect(first.done).toBe(false)
      const parts = [first.value as Uint8Array]
      release()
      for await (const chunk of growing) parts.push(chunk)
      const sent = Buffer.concat(parts)
      // What was sent is the segment as the cache now holds it, byte for byte.
      const whole = await hls.segment(planFor('clip-a'), async () => url, 0)
      expect(sent.length).toBeGreaterThan(50_000)
      expect(Buffer.compare(sent, await readFile(whole))).toBe(0)
      // Asked again, the segment is a whole file.
      expect('whole' in (await hls.openSegment(planFor('clip-a'), async () => url, 0))).toBe(true)
    } finally {
      release()
      await hls.destroy()
    }
  }, 60_000)

  test('a job killed while its segment is being sent fails that response; asking again gets the whole segment', async () => {
    const hls = jobsIn('hls-b')
    try {
      const growing = await openWhileHeld(hls, 'clip-b')
      expect((await growing.next()).done).toBe(false)
      expect(runner.crash('clip-b')).toBe(true)
      // Never a short segment passed off as whole: the rest of this response is an error.
      await expect(collect({ growing })).rejects.toMatchObject({ code: 'upstream_unavailable' })
      release()
      // The next request starts a new job (the source now arrives whole) and gets all of it.
      const again = await collect(await hls.openSegment(planFor('clip-b'), async () => url, 0))
      const whole = await readFile(await hls.segment(planFor('clip-b'), async () => url, 0))
      expect(Buffer.compare(again, whole)).toBe(0)
      expect(whole.length).toBeGreaterThan(50_000)
    } finally {
      release()
      await hls.destroy()
    }
  }, 60_000)
})

describe('renditions made with other settings', () => {
  test('two output heights in one cache never share a segment', async () => {
    release()
    const tall = new HlsJobs({ dir: join(work, 'hls-shared'), runner, log, maxHeight: 720, idleMs: 60_000, maxCacheBytes: 1 << 30 })
    const short = new HlsJobs({ dir: join(work, 'hls-shared'), runner, log, maxHeight: 144, idleMs: 60_000, maxCacheBytes: 1 << 30 })
    try {
      const plan = planFor('clip-shared')
      const first = await tall.segment(plan, async () => url, 0)
      const second = await short.segment(plan, async () => url, 0)
      expect(second).not.toBe(first)
      const { execFileSync } = await import('node:child_process')
      // MPEG-TS lists the stream under its program too: the first line is enough.
      const height = (file: string) => Number.parseInt(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=height', '-of', 'csv=p=0', file]).toString(), 10)
      // The clip is 360 lines: kept at a 720 cap, made smaller at a 144 cap.
      expect(height(first)).toBe(360)
      expect(height(second)).toBe(144)
    } finally {
      await tall.destroy()
      await short.destroy()
    }
  }, 60_000)
})
