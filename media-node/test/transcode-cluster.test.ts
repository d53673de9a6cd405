/**
 * FFmpeg jobs through BullMQ on the real Redis (REDIS_URL; CI and the project's machines run
 * one): two "nodes" share one queue — one only adds jobs, the other's worker runs them — with a
 * queue of their own (a random prefix) so runs never meet.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue } from 'bullmq'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { probeMedia, runFfmpeg } from '../src/adapters/ffmpeg.ts'
import { BullmqRunner } from '../src/transcode/bullmq-runner.ts'
import { HlsJobs } from '../src/transcode/hls-jobs.ts'
import { gridStarts } from '../src/transcode/hls-playlist.ts'

const redisUrl = process.env.REDIS_URL
const log = pino({ level: 'silent' })
const prefix = `bt-test-${randomBytes(4).toString('hex')}`
const quick = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=1', '-f', 'null', '-']
/** Runs in real time (-re) for a minute unless stopped. */
const slow = ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=60', '-f', 'null', '-']

describe.skipIf(!redisUrl)('transcoding through BullMQ (REDIS_URL)', () => {
  let asker: BullmqRunner
  let worker: BullmqRunner
  let work: string

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'bt-cluster-'))
    asker = await BullmqRunner.connect({ redisUrl: redisUrl!, concurrency: 0, maxWaiting: 1, log, prefix })
    worker = await BullmqRunner.connect({ redisUrl: redisUrl!, concurrency: 1, maxWaiting: 1, log, prefix })
  })

  afterAll(async () => {
    await asker?.close()
    await worker?.close()
    const queue = new Queue('bt-transcode', { connection: { url: redisUrl! }, prefix })
    await queue.obliterate({ force: true }).catch(() => {})
    await queue.close()
    await rm(work, { recursive: true, force: true })
  })

  test('a node without workers gets its job run by another node', async () => {
    const job = await asker.run(quick, 'quick')
    expect(await job.exited).toMatchObject({ code: 0 })
  })

  test('one slot across the cluster: a second job waits in the shared line, a third is refused, none is lost', async () => {
    const first = await asker.run(slow, 'slow-1')
    const second = asker.run(quick, 'waits')
    await expect.poll(() => asker.depth, { timeout: 5_000 }).toBe(1)
    // Where the waiting job stands in the shared line (the player's "you are 1st in line").
    await expect.poll(() => asker.position('waits'), { timeout: 5_000 }).toBe(1)
    expect(asker.position('slow-1')).toBeNull()
    await expect(asker.run(quick, 'refused')).rejects.toMatchObject({ code: 'busy' })
    // Stopping the running job (a message the worker's node obeys) frees the slot for the next.
    first.stop()
    const ended = await first.exited
    expect(ended.code).not.toBe(0)
    expect(await (await second).exited).toMatchObject({ code: 0 })
    await expect.poll(() => asker.depth, { timeout: 5_000 }).toBe(0)
  })

  test('HLS segments made by the other node land where the asking node waits for them', async () => {
    const clip = join(work, 'clip.mkv')
    await runFfmpeg({ inputs: [{ source: 'testsrc2=size=320x180:rate=25:duration=9', format: 'lavfi' }], output: clip, options: ['-c:v', 'libx264', '-preset', 'ultrafast'] })
    const hls = new HlsJobs({ dir: join(work, 'hls'), runner: asker, log, maxHeight: 720, idleMs: 60_000, maxCacheBytes: 1 << 30 })
    const plan = { source: 'clip', starts: gridStarts(9), video: 'encode' as const, audio: 'encode' as const, audioStream: null, sourceStartS: 0 }
    const path = await hls.segment(plan, async () => clip, 1)
    expect(existsSync(path)).toBe(true)
    const media = await probeMedia(path)
    expect(media.streams[0]?.codec).toBe('h264')
    expect(media.durationS).toBeCloseTo(4, 0)
    await hls.destroy()
  })
})
