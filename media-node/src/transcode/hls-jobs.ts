/**
 * On-demand HLS: one FFmpeg job per (file, rendition), shared by every viewer, producing 4 s
 * H.264/AAC MPEG-TS segments from wherever it was started. A segment far from what the job is
 * making restarts it there; a job nobody asks anything of is stopped; a job that died is started
 * again by the next request. FFmpeg reads the node's own signed range URL, so it fetches only
 * the pieces it needs, and runs `nice`d behind the bounded queue.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rm, stat, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { AppError } from '../errors.ts'
import { SEGMENT_SECONDS } from './hls-playlist.ts'
import type { TranscodeQueue } from './transcode-queue.ts'
import { videoEncoderArgs, type H264Encoder } from './hardware-encoders.ts'

export interface HlsJobOptions {
  dir: string
  queue: TranscodeQueue
  log: Logger
  /** The largest output height; smaller sources keep theirs. */
  maxHeight: number
  /** A job with no segment requests for this long is stopped. */
  idleMs: number
  ffmpegPath?: string
  /** From detectH264Encoder(); libx264 when not given. */
  encoder?: H264Encoder
  /** Converted segments kept on disk, at most this many bytes (least recently served go first). */
  maxCacheBytes: number
}

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

interface Job {
  key: string
  dir: string
  start: number
  process: ChildProcess
  exited: boolean
  stderr: string
  lastRequest: number
  /** The furthest segment a player asked this job's file for. */
  requested: number
  release: () => void
}

export class HlsJobs {
  private readonly jobs = new Map<string, Job>()
  private readonly starting = new Map<string, Promise<Job>>()
  private readonly sweeper: NodeJS.Timeout

  constructor(private readonly opts: HlsJobOptions) {
    let ticks = 0
    this.sweeper = setInterval(() => {
      this.stopIdle(Date.now())
      this.stopRunaways()
      if (++ticks % 40 === 0) void this.trimCache().catch((err) => this.opts.log.warn({ err }, 'segment cache trim failed'))
    }, 250)
    this.sweeper.unref()
  }

  get queueDepth(): number {
    return this.opts.queue.depth
  }

  get runningJobs(): number {
    return [...this.jobs.values()].filter((j) => !j.exited).length
  }

  private segmentPath(key: string, n: number): string {
    return join(this.opts.dir, key, `seg-${n}.ts`)
  }

  /**
   * Path of segment `n` once it exists, making it if needed. `audioStream` picks the audio track
   * (a stream index from the probe); the default is the file's first audio track.
   */
  async segment(key: string, source: () => Promise<string>, n: number, audioStream: number | null = null): Promise<string> {
    const path = this.segmentPath(key, n)
    const job = this.jobs.get(key)
    if (job) {
      job.lastRequest = Date.now()
      job.requested = Math.max(job.requested, n)
    }
    if (existsSync(path)) return this.served(path)
    let current = job
    if (!current || current.exited || n < current.start || n > this.nextSegment(current) + NEAR) current = await this.restart(key, source, n, audioStream)
    current.requested = Math.max(current.requested, n)
    const deadline = Date.now() + WAIT_TIMEOUT_MS
    while (!existsSync(path)) {
      if (current.exited) {
        if (existsSync(path)) break
        // It stopped before making this segment (killed, or it went past it and was replaced).
        const latest = this.jobs.get(key)
        if (latest && latest !== current && !latest.exited) {
          current = latest
        } else if (current.stderr.includes('Invalid data') || current.stderr.includes('could not find codec')) {
          throw new AppError('unplayable_media', 'This file cannot be converted: it may be damaged.', { details: { ffmpeg: current.stderr.slice(-300) } })
        } else {
          current = await this.restart(key, source, n, audioStream)
        }
      }
      if (Date.now() > deadline) throw new AppError('upstream_unavailable', 'Converting this part of the file is taking too long.')
      await new Promise((r) => setTimeout(r, 100))
    }
    return this.served(path)
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
        if (!/^seg-\d+\.ts$/.test(name)) continue
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

  private restart(key: string, source: () => Promise<string>, from: number, audioStream: number | null): Promise<Job> {
    const pending = this.starting.get(key)
    if (pending) return pending
    const run = (async () => {
      this.stop(key)
      const release = await this.opts.queue.acquire()
      try {
        const url = await source()
        const dir = join(this.opts.dir, key)
        await mkdir(dir, { recursive: true })
        const offset = from * SEGMENT_SECONDS
        const args = [
          '-n', '10', this.opts.ffmpegPath ?? 'ffmpeg',
          '-hide_banner', '-loglevel', 'error', '-nostdin',
          ...(this.opts.encoder === 'h264_vaapi' ? ['-vaapi_device', '/dev/dri/renderD128'] : []),
          '-ss', String(offset), '-i', url,
          '-map', '0:v:0?', '-map', audioStream === null ? '0:a:0?' : `0:${audioStream}`,
          ...videoEncoderArgs(this.opts.encoder ?? 'libx264'),
          ...(this.opts.encoder === 'h264_vaapi' ? [] : ['-pix_fmt', 'yuv420p']),
          '-vf', `scale=-2:'min(${this.opts.maxHeight},ih)'${this.opts.encoder === 'h264_vaapi' ? ',format=nv12,hwupload' : ''}`,
          '-force_key_frames', `expr:gte(t,n_forced*${SEGMENT_SECONDS})`,
          '-c:a', 'aac', '-b:a', '128k', '-ac', '2',
          '-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_list_size', '0', '-hls_segment_type', 'mpegts',
          '-hls_flags', 'temp_file+independent_segments', '-start_number', String(from), '-output_ts_offset', String(offset),
          '-hls_segment_filename', join(dir, 'seg-%d.ts'), join(dir, `job-${from}.m3u8`),
        ]
        const child = spawn('nice', args, { stdio: ['ignore', 'ignore', 'pipe'] })
        const job: Job = { key, dir, start: from, process: child, exited: false, stderr: '', lastRequest: Date.now(), requested: from, release }
        child.stderr!.on('data', (d) => (job.stderr = (job.stderr + d).slice(-4000)))
        child.once('exit', (code, signal) => {
          job.exited = true
          job.release()
          if (code !== 0 && signal !== 'SIGTERM') this.opts.log.warn({ key, code, signal, stderr: job.stderr.slice(-500) }, 'transcode job ended early')
        })
        child.once('error', () => {
          job.exited = true
          job.release()
        })
        this.jobs.set(key, job)
        this.opts.log.info({ key, from }, 'transcode job started')
        return job
      } catch (err) {
        release()
        throw err
      }
    })().finally(() => this.starting.delete(key))
    this.starting.set(key, run)
    return run
  }

  private stop(key: string): void {
    const job = this.jobs.get(key)
    if (job && !job.exited) job.process.kill('SIGTERM')
  }

  private stopRunaways(): void {
    const limit = this.opts.queue.depth > 0 ? AHEAD_WHILE_OTHERS_WAIT : AHEAD
    for (const [key, job] of this.jobs) if (!job.exited && this.nextSegment(job) - job.requested > limit) this.stop(key)
  }

  stopIdle(now: number): void {
    for (const [key, job] of this.jobs) if (!job.exited && now - job.lastRequest > this.opts.idleMs) this.stop(key)
  }

  /** For tests and shutdown: the process of a running job. */
  processOf(key: string): ChildProcess | null {
    const job = this.jobs.get(key)
    return job && !job.exited ? job.process : null
  }

  async destroy(removeSegments = false): Promise<void> {
    clearInterval(this.sweeper)
    for (const key of this.jobs.keys()) this.stop(key)
    if (removeSegments) await rm(this.opts.dir, { recursive: true, force: true, maxRetries: 5 })
  }
}
