/**
 * Where FFmpeg jobs run. `LocalRunner`: on this machine, behind the in-process bounded queue.
 * `BullmqRunner` (transcode/bullmq-runner.ts, when REDIS_URL is set): through a BullMQ queue that
 * every media node's workers take jobs from. HlsJobs sees only this interface.
 */
import { FFMPEG_PATH, spawnFfmpeg, type FfmpegExit } from '../adapters/ffmpeg.ts'
import type { TranscodeQueue } from './transcode-queue.ts'

export type JobExit = FfmpegExit

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

export class LocalRunner implements JobRunner {
  constructor(
    private readonly queue: TranscodeQueue,
    private readonly ffmpegPath = FFMPEG_PATH,
  ) {}

  get depth(): number {
    return this.queue.depth
  }

  position(label: string): number | null {
    return this.queue.position(label)
  }

  async run(args: string[], label: string): Promise<RunningJob> {
    const release = await this.queue.acquire(label)
    const job = spawnFfmpeg(args, this.ffmpegPath)
    const exited = job.exited.finally(release)
    return { exited, stop: (signal = 'SIGTERM') => job.kill(signal) }
  }

  async close(): Promise<void> {}
}
