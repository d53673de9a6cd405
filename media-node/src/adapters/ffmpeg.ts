/**
 * Every FFmpeg and ffprobe process the node starts goes through here (Debian's binaries): the
 * long conversions (`spawnFfmpeg`: `nice`d, stoppable), short ones whose output is read
 * (`ffmpegOutput`: a timeout, a size cap, kill on abort), one-shot files (`runFfmpeg`) and probes
 * (`probeMedia`). What the arguments are is decided in transcode/ffmpeg-args.ts. Failures carry
 * the argv and stderr's tail.
 */
import { spawn } from 'node:child_process'
import ffmpeg from 'fluent-ffmpeg'
import type { MediaTags, ProbedMedia, ProbedStream } from '@bittorrented/common'

/** Debian's ffmpeg, found on PATH. */
export const FFMPEG_PATH = 'ffmpeg'

export interface FfmpegExit {
  /** FFmpeg's exit code; null when it was ended by a signal or could not start. */
  code: number | null
  signal: string | null
  /** The tail of FFmpeg's stderr. */
  stderr: string
}

const STDERR_TAIL = 4000

/** A long FFmpeg job, `nice`d behind whatever else the machine does; `exited` never rejects. */
export function spawnFfmpeg(args: string[], ffmpegPath = FFMPEG_PATH): { exited: Promise<FfmpegExit>; kill(signal: NodeJS.Signals): void } {
  const child = spawn('nice', ['-n', '10', ffmpegPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-STDERR_TAIL)))
  const exited = new Promise<FfmpegExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, stderr }))
    child.once('error', (err) => resolve({ code: null, signal: null, stderr: `${stderr}\n${err.message}` }))
  })
  return { exited, kill: (signal) => child.kill(signal) }
}

export interface OutputLimits {
  timeoutMs: number
  /** Past this much stdout FFmpeg is killed and the answer is `too_large`. */
  maxBytes?: number
  signal?: AbortSignal
}

export type FfmpegOutput = { ok: true; stdout: Buffer } | { ok: false; reason: 'failed' | 'too_large' | 'timeout' | 'aborted'; exit: FfmpegExit }

/** A short FFmpeg run whose stdout is the answer: killed past its time, its size or an abort. */
export function ffmpegOutput(args: string[], limits: OutputLimits, ffmpegPath = FFMPEG_PATH): Promise<FfmpegOutput> {
  return new Promise((resolve) => {
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let size = 0
    let stderr = ''
    let stopped: 'too_large' | 'timeout' | 'aborted' | null = null
    const stop = (why: NonNullable<typeof stopped>) => {
      stopped ??= why
      child.kill('SIGKILL')
    }
    const timer = setTimeout(() => stop('timeout'), limits.timeoutMs)
    const onAbort = () => stop('aborted')
    limits.signal?.addEventListener('abort', onAbort, { once: true })
    if (limits.signal?.aborted) stop('aborted')
    child.stdout.on('data', (d: Buffer) => {
      size += d.length
      if (limits.maxBytes !== undefined && size > limits.maxBytes) stop('too_large')
      else out.push(d)
    })
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-STDERR_TAIL)))
    const settle = (code: number | null, signal: string | null) => {
      clearTimeout(timer)
      limits.signal?.removeEventListener('abort', onAbort)
      const exit = { code, signal, stderr }
      if (stopped) resolve({ ok: false, reason: stopped, exit })
      else if (code !== 0) resolve({ ok: false, reason: 'failed', exit })
      else resolve({ ok: true, stdout: Buffer.concat(out) })
    }
    child.once('error', (err) => {
      stderr += `\n${err.message}`
      settle(null, null)
    })
    child.once('exit', settle)
  })
}

export interface FfmpegJob {
  inputs: Array<{ source: string; format?: string; options?: string[] }>
  output: string
  /** One token per argv entry (`['-c:v', 'libx264']`); values may contain spaces. */
  options: string[]
}

export function runFfmpeg(job: FfmpegJob): Promise<void> {
  return new Promise((resolve, reject) => {
    const command = ffmpeg()
    for (const input of job.inputs) {
      command.input(input.source)
      if (input.format) command.inputFormat(input.format)
      if (input.options) command.inputOptions(input.options)
    }
    let argv = ''
    command
      // Several arguments: fluent-ffmpeg then passes each one as is (one array would be split at spaces).
      .outputOptions(...(job.options as [string, ...string[]]))
      .output(job.output)
      .on('start', (line: string) => (argv = line))
      .on('end', () => resolve())
      .on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
        const tail = String(stderr ?? '')
          .split('\n')
          .slice(-8)
          .join('\n')
        reject(new Error(`ffmpeg failed: ${err.message}\n${argv}\n${tail}`, { cause: err }))
      })
      .run()
  })
}

export type { MediaTags, ProbedMedia, ProbedStream } from '@bittorrented/common'

/** ffprobe writes numbers, numeric strings or "N/A" (a subtitle stream's size): only a real positive number counts. */
const positive = (v: unknown): boolean => Number.isFinite(Number(v)) && Number(v) > 0

const STREAM_TYPES = new Set(['video', 'audio', 'subtitle'])

/** ffprobe a file or URL (http ranges work, so it reads only what it needs). */
export function probeMedia(source: string, timeoutMs = 20_000): Promise<ProbedMedia> {
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(source, ['-rw_timeout', String(timeoutMs * 1000)], (err: Error | null, data: ffmpeg.FfprobeData) => {
      if (err) return reject(new Error(`ffprobe failed: ${String(err.message).split('\n').slice(-3).join(' ')}`, { cause: err }))
      const raw = Object.fromEntries(Object.entries(data.format.tags ?? {}).map(([k, v]) => [k.toLowerCase(), String(v).trim()]))
      const track = Number.parseInt(raw.track ?? raw.tracknumber ?? '', 10)
      const tags: MediaTags = {
        ...(raw.title ? { title: raw.title } : {}),
        ...(raw.artist || raw.album_artist ? { artist: raw.artist ?? raw.album_artist } : {}),
        ...(raw.album ? { album: raw.album } : {}),
        ...(Number.isFinite(track) && track > 0 ? { track } : {}),
        ...(raw.date ? { date: raw.date } : {}),
        ...(raw.genre ? { genre: raw.genre } : {}),
      }
      const duration = Number(data.format.duration)
      const bitRate = Number(data.format.bit_rate)
      resolve({
        format: String(data.format.format_name ?? ''),
        tags,
        durationS: Number.isFinite(duration) && duration > 0 ? duration : null,
        startS: Number.isFinite(Number(data.format.start_time)) ? Number(data.format.start_time) : 0,
        bitRate: Number.isFinite(bitRate) && bitRate > 0 ? bitRate : null,
        streams: data.streams.map((s) => ({
          index: s.index,
          type: (STREAM_TYPES.has(String(s.codec_type)) ? s.codec_type : 'other') as ProbedStream['type'],
          codec: String(s.codec_name ?? 'unknown'),
          ...(positive(s.width) && positive(s.height) ? { width: Number(s.width), height: Number(s.height) } : {}),
          ...(positive(s.channels) ? { channels: Number(s.channels) } : {}),
          ...(positive(s.sample_rate) ? { sampleRate: Number(s.sample_rate) } : {}),
          ...(s.tags?.language ? { language: String(s.tags.language) } : {}),
          ...(s.tags?.title ? { title: String(s.tags.title) } : {}),
          isDefault: s.disposition?.default === 1,
        })),
      })
    })
  })
}
