/**
 * Where FFmpeg jobs run. `LocalRunner`: on this machine, behind the in-process bounded queue.
 * `BullmqRunner` (transcode/bullmq-runner.ts, when REDIS_URL is set): through a BullMQ queue that
 * every media node's workers take jobs from. HlsJobs sees only this interface.
 */
import { spawn } from 'node:child_process'
import type { TranscodeQueue } from './transcode-queue.ts'

export interface JobExit {
  /** FFmpeg's exit code; null when it was ended by a signal or could not start. */
  code: number | null
  signal: string | null
  /** The tail of FFmpeg's stderr. */
  stderr: string
}

export interface RunningJob {
  /** Settles once FFmpeg has ended, however it ended. */
  readonly exited: Promise<JobExit>
  /** SIGTERM: stop (FFmpeg closes its output); SIGKILL: as if it crashed. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): void
}

export interface JobRunner {
  /** Jobs waiting for a slot (for a shared queue: across every node, as last seen). */
  readonly depth: number
  /** Waits for a slot (a full line is refused with `busy`), then starts FFmpeg with `args`. */
  run(args: string[], label: string): Promise<RunningJob>
  /** Where the job of `label` stands in the waiting line (1 = next); null when it is not waiting. */
  position(label: string): number | null
  close(): Promise<void>
}

const STDERR_TAIL = 4000

/** Runs FFmpeg `nice`d and reports how it ended; never rejects. */
export function spawnFfmpeg(ffmpegPath: string, args: string[]): { exited: Promise<JobExit>; kill(signal: NodeJS.Signals): void } {
  const child = spawn('nice', ['-n', '10', ffmpegPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-STDERR_TAIL)))
  const exited = new Promise<JobExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, stderr }))
    child.once('error', (err) => resolve({ code: null, signal: null, stderr: `${stderr}\n${err.message}` }))
  })
  return { exited, kill: (signal) => child.kill(signal) }
}

export class LocalRunner implements JobRunner {
  constructor(
    private readonly queue: TranscodeQueue,
    private readonly ffmpegPath = 'ffmpeg',
  ) {}

  get depth(): number {
    return this.queue.depth
  }

  position(label: string): number | null {
    return this.queue.position(label)
  }

  async run(args: string[], label: string): Promise<RunningJob> {
    const release = await this.queue.acquire(label)
    const job = spawnFfmpeg(this.ffmpegPath, args)
    const exited = job.exited.finally(release)
    return { exited, stop: (signal = 'SIGTERM') => job.kill(signal) }
  }

  async close(): Promise<void> {}
}
