/**
 * On-demand HLS: one FFmpeg job per (file, rendition), shared by every viewer, producing MPEG-TS
 * segments from wherever it was started. A rendition either encodes (H.264/AAC, a keyframe forced
 * on each 4 s boundary) or copies the video as it is (remux: the boundaries are the source's own
 * keyframes, read from its index) with the audio copied or made AAC. FFmpeg's segment muxer cuts
 * at exactly the playlist's boundaries (`-segment_times`), so every segment is the one the
 * playlist announced, whichever job made it.
 *
 * A job writes into its own folder; a segment moves into the shared cache only once it is whole
 * (the muxer has begun the next one, or the job reached the end of the file), so a viewer never
 * gets half a segment and a stopped job leaves nothing short behind. A segment far from what the
 * job is making restarts it there; a job nobody asks anything of is stopped; a job that died is
 * started again by the next request. FFmpeg reads the node's own signed range URL, so it fetches
 * only the pieces it needs, and runs `nice`d behind the bounded queue.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { AppError } from '../errors.ts'
import { hlsSegmentArgs, type EncodeSettings, type SegmentJobShape } from './ffmpeg-args.ts'
import type { JobRunner, RunningJob } from './job-runner.ts'
import type { H264Encoder, X264Preset } from './hardware-encoders.ts'

export interface HlsJobOptions {
  dir: string
  /** Where FFmpeg runs: LocalRunner (in-process queue) or BullmqRunner (shared by media nodes). */
  runner: JobRunner
  log: Logger
  /** The largest output height; smaller sources keep theirs. */
  maxHeight: number
  /** A job with no segment requests for this long is stopped. */
  idleMs: number
  /** From detectH264Encoder(); libx264 when not given. */
  encoder?: H264Encoder
  /** libx264's preset (defaultX264Preset for the machine's cores); veryfast when not given. */
  x264Preset?: X264Preset
  /** Converted segments kept on disk, at most this many bytes (least recently served go first). */
  maxCacheBytes: number
}

/** What one rendition of one file is, and where its segments begin. */
export interface SegmentPlan extends SegmentJobShape {
  /** Which file (`<infoHash>-<fileIndex>`): the first part of the rendition's cache key. */
  source: string
}

/**
 * The rendition's cache folder: the file, a readable name of the rendition and a digest of
 * FFmpeg's whole argument list for it (segment boundaries, encoder, preset, height, audio), with
 * the per-job parts (input URL, output folder) left out. Whatever changes the bytes changes the
 * key, so a segment made one way is never served for a request of another.
 */
export function renditionKey(plan: SegmentPlan, settings: EncodeSettings): string {
  const args = hlsSegmentArgs(plan, settings, 0, '<source>', '<out>')
  const digest = createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 16)
  const video = plan.video === 'copy' ? 'copy' : 'h264'
  const audio = plan.video === 'copy' && plan.audio === 'encode' ? '-aac' : ''
  const track = plan.audioStream === null ? '' : `-a${plan.audioStream}`
  return `${plan.source}-${video}${audio}${track}-${digest}`
}

/** A segment to send: a whole file, or the bytes of one still being made (see openSegment). */
export type SegmentBody = { whole: string } | { growing: AsyncGenerator<Uint8Array> }

export type HlsStatus = { state: 'queued'; position: number } | { state: 'starting' } | { state: 'converting'; from: number; ready: number } | { state: 'idle' }

/** How far ahead of the job's next segment a request may be before the job is restarted there. */
const NEAR = 3
/**
 * How far a job may run ahead of the furthest segment anyone asked for: further, it stops and
 * frees its slot (it starts again from the first missing segment when a player gets there).
 * Tighter while others wait, so a queued viewer gets a slot in seconds, not after whole films.
 */
const AHEAD = 6
const AHEAD_WHILE_OTHERS_WAIT = 2
const WAIT_TIMEOUT_MS = 90_000
/** How often a request waiting on FFmpeg looks again. */
const POLL_MS = 20
const pause = () => new Promise((r) => setTimeout(r, POLL_MS))
const tooLong = () => new AppError('upstream_unavailable', 'Converting this part of the file is taking too long.')
const SEGMENT_FILE = /^seg-(\d+)\.ts$/

interface Job {
  key: string
  /** The job's own folder; whole segments move from here into the cache. */
  workDir: string
  start: number
  running: RunningJob
  exited: boolean
  /** FFmpeg finished the file (exit code 0): its last segment is whole too. */
  finished: boolean
  stderr: string
  lastRequest: number
  /** The furthest segment a player asked this job's file for. */
  requested: number
}

export class HlsJobs {
  private readonly jobs = new Map<string, Job>()
  private readonly starting = new Map<string, Promise<Job>>()
  private readonly keys = new WeakMap<SegmentPlan, string>()
  private readonly sweeper: NodeJS.Timeout

  constructor(private readonly opts: HlsJobOptions) {
    let ticks = 0
    this.sweeper = setInterval(() => {
      for (const job of this.jobs.values()) if (!job.exited) void this.promote(job)
      this.stopIdle(Date.now())
      this.stopRunaways()
      if (++ticks % 40 === 0) void this.trimCache().catch((err) => this.opts.log.warn({ err }, 'segment cache trim failed'))
    }, 250)
    this.sweeper.unref()
  }

  get queueDepth(): number {
    return this.opts.runner.depth
  }

  get runningJobs(): number {
    return [...this.jobs.values()].filter((j) => !j.exited).length
  }

  /** What a player waiting on this rendition should be told: in line (and where), starting, converting. */
  status(plan: SegmentPlan): HlsStatus {
    const key = this.keyOf(plan)
    const position = this.opts.runner.position(key)
    if (position !== null) return { state: 'queued', position }
    if (this.starting.has(key)) return { state: 'starting' }
    const job = this.jobs.get(key)
    if (job && !job.exited) return { state: 'converting', from: job.start, ready: this.nextSegment(job) - job.start }
    return { state: 'idle' }
  }

  /** Where this node keeps `plan`'s segments (see renditionKey). */
  keyOf(plan: SegmentPlan): string {
    // A request asks several times for one plan: the digest of its arguments is made once.
    let key = this.keys.get(plan)
    if (key === undefined) {
      key = renditionKey(plan, this.settings)
      this.keys.set(plan, key)
    }
    return key
  }

  private get settings(): EncodeSettings {
    return { encoder: this.opts.encoder ?? 'libx264', x264Preset: this.opts.x264Preset, maxHeight: this.opts.maxHeight }
  }

  private segmentPath(key: string, n: number): string {
    return join(this.opts.dir, key, `seg-${n}.ts`)
  }

  /** Path of segment `n` of a rendition once it is whole, making it if needed. */
  async segment(plan: SegmentPlan, source: () => Promise<string>, n: number): Promise<string> {
    await this.produce(plan, source, n, false)
    return this.served(this.segmentPath(this.keyOf(plan), n))
  }

  /**
   * Segment `n` as soon as there is any of it: the whole file when it is made, else its bytes as
   * its job writes them, ending when it is whole — a player downloads a segment while it is being
   * made instead of after (a remuxed segment is one keyframe interval of the source, 17 MB at
   * 1080p). The generator fails if the job stops before the segment is whole; the player asks
   * again and gets it from the job that takes over.
   */
  async openSegment(plan: SegmentPlan, source: () => Promise<string>, n: number): Promise<SegmentBody> {
    const job = await this.produce(plan, source, n, true)
    const path = this.segmentPath(this.keyOf(plan), n)
    if (!job || existsSync(path)) return { whole: await this.served(path) }
    return { growing: this.follow(job, n) }
  }

  /**
   * Waits until segment `n` is whole (returns null) or, with `growing`, until a running job has
   * begun writing it (returns that job), starting or restarting a job as needed.
   */
  private async produce(plan: SegmentPlan, source: () => Promise<string>, n: number, growing: boolean): Promise<Job | null> {
    const key = this.keyOf(plan)
    const path = this.segmentPath(key, n)
    const job = this.jobs.get(key)
    if (job) {
      job.lastRequest = Date.now()
      job.requested = Math.max(job.requested, n)
    }
    if (existsSync(path)) return null
    let current = job
    if (!current || current.exited || n < current.start || n > this.nextSegment(current) + NEAR) current = await this.restart(plan, source, n)
    current.requested = Math.max(current.requested, n)
    const deadline = Date.now() + WAIT_TIMEOUT_MS
    while (!existsSync(path)) {
      if (growing && !current.exited && existsSync(this.workPath(current, n))) return current
      await this.promote(current)
      if (existsSync(path)) break
      if (current.exited) {
        // It stopped before making this segment (killed, or it went past it and was replaced).
        const latest = this.jobs.get(key)
        if (latest && latest !== current && !latest.exited) {
          current = latest
        } else if (current.stderr.includes('Invalid data') || current.stderr.includes('could not find codec')) {
          throw new AppError('unplayable_media', 'This file cannot be converted: it may be damaged.', { details: { ffmpeg: current.stderr.slice(-300) } })
        } else {
          current = await this.restart(plan, source, n)
        }
      }
      if (Date.now() > deadline) throw tooLong()
      await pause()
    }
    return null
  }

  private workPath(job: Job, n: number): string {
    return join(job.workDir, `seg-${n}.ts`)
  }

  /**
   * The bytes of segment `n` as `job` writes them. It is whole once promoted into the cache (the
   * same file, renamed: this handle keeps reading it to its end). A cached file that is not this
   * one came from another job, and this one was cut short: fail, the player asks again.
   */
  private async *follow(job: Job, n: number): AsyncGenerator<Uint8Array> {
    const cached = this.segmentPath(job.key, n)
    const handle = await open(this.workPath(job, n), 'r').catch(() => open(cached, 'r'))
    const cut = () => new AppError('upstream_unavailable', 'This part of the video stopped being made; ask for it again.')
    const deadline = Date.now() + WAIT_TIMEOUT_MS
    try {
      const ino = (await handle.stat()).ino
      let position = 0
      // A fresh buffer only once the last one went out (the stream may still hold it), not on every look.
      let chunk = new Uint8Array(256 * 1024)
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, position)
        if (bytesRead > 0) {
          position += bytesRead
          yield chunk.subarray(0, bytesRead)
          chunk = new Uint8Array(chunk.length)
          continue
        }
        const whole = await stat(cached).catch(() => null)
        if (whole) {
          if (whole.ino !== ino) throw cut()
          if (position >= whole.size) {
            await this.served(cached)
            return
          }
          continue
        }
        if (job.exited) throw cut()
        if (Date.now() > deadline) throw tooLong()
        await this.promote(job)
        if (!existsSync(cached)) await pause()
      }
    } finally {
      await handle.close()
    }
  }

  /**
   * Moves a job's whole segments into the cache: each one the muxer has moved past, and the last
   * one too once FFmpeg finished the file.
   */
  private async promote(job: Job): Promise<void> {
    const names = await readdir(job.workDir).catch(() => [] as string[])
    const numbers = names
      .map((name) => SEGMENT_FILE.exec(name)?.[1])
      .filter((m): m is string => m !== undefined)
      .map(Number)
      .sort((a, b) => a - b)
    const highest = numbers[numbers.length - 1]
    for (const n of numbers) {
      if (n === highest && !job.finished) break
      await rename(join(job.workDir, `seg-${n}.ts`), this.segmentPath(job.key, n)).catch(() => {})
    }
  }

  /** Marks a segment as just served: the cache trims the least recently served first. */
  private async served(path: string): Promise<string> {
    const now = new Date()
    await utimes(path, now, now).catch(() => {})
    return path
  }

  /**
   * Deletes the least recently served segments until the cache fits its cap. A deleted segment
   * is simply made again if a player asks for it later.
   */
  async trimCache(): Promise<number> {
    const segments: Array<{ path: string; size: number; used: number }> = []
    for (const dir of await readdir(this.opts.dir).catch(() => [] as string[])) {
      for (const name of await readdir(join(this.opts.dir, dir)).catch(() => [] as string[])) {
        if (!SEGMENT_FILE.test(name)) continue
        const s = await stat(join(this.opts.dir, dir, name)).catch(() => null)
        if (s) segments.push({ path: join(this.opts.dir, dir, name), size: s.size, used: s.mtimeMs })
      }
    }
    let total = segments.reduce((sum, s) => sum + s.size, 0)
    let removed = 0
    for (const s of segments.sort((a, b) => a.used - b.used)) {
      if (total <= this.opts.maxCacheBytes) break
      await rm(s.path, { force: true })
      total -= s.size
      removed++
    }
    return removed
  }

  private nextSegment(job: Job): number {
    let n = job.start
    while (existsSync(this.segmentPath(job.key, n))) n++
    return n
  }

  private restart(plan: SegmentPlan, source: () => Promise<string>, from: number): Promise<Job> {
    const key = this.keyOf(plan)
    const pending = this.starting.get(key)
    if (pending) return pending
    const run = (async () => {
      this.stop(key)
      const url = await source()
      const workDir = join(this.opts.dir, key, `job-${from}-${Date.now().toString(36)}`)
      await mkdir(workDir, { recursive: true })
      const running = await this.opts.runner.run(hlsSegmentArgs(plan, this.settings, from, url, workDir), key).catch(async (err: unknown) => {
        await rm(workDir, { recursive: true, force: true })
        throw err
      })
      const job: Job = { key, workDir, start: from, running, exited: false, finished: false, stderr: '', lastRequest: Date.now(), requested: from }
      void running.exited.then(async ({ code, signal, stderr }) => {
        job.stderr = stderr
        job.finished = code === 0
        // Whole segments go to the cache first; the rest (a segment cut short) goes away.
        await this.promote(job)
        job.exited = true
        await rm(workDir, { recursive: true, force: true })
        if (code !== 0 && signal !== 'SIGTERM') this.opts.log.warn({ key, code, signal, stderr: stderr.slice(-500) }, 'HLS job ended early')
      })
      this.jobs.set(key, job)
      this.opts.log.info({ key, from, video: plan.video, audio: plan.audio }, 'HLS job started')
      return job
    })().finally(() => this.starting.delete(key))
    this.starting.set(key, run)
    return run
  }

  private stop(key: string, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): void {
    const job = this.jobs.get(key)
    if (job && !job.exited) job.running.stop(signal)
  }

  private stopRunaways(): void {
    const limit = this.opts.runner.depth > 0 ? AHEAD_WHILE_OTHERS_WAIT : AHEAD
    for (const [key, job] of this.jobs) if (!job.exited && this.nextSegment(job) - job.requested > limit) this.stop(key)
  }

  stopIdle(now: number): void {
    for (const [key, job] of this.jobs) if (!job.exited && now - job.lastRequest > this.opts.idleMs) this.stop(key)
  }

  async destroy(removeSegments = false): Promise<void> {
    clearInterval(this.sweeper)
    for (const key of this.jobs.keys()) this.stop(key)
    if (removeSegments) await rm(this.opts.dir, { recursive: true, force: true, maxRetries: 5 })
  }
}
