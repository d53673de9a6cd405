/**
 * FFmpeg jobs through BullMQ (used when REDIS_URL is set): every media node adds its jobs to one
 * queue in Redis and runs a worker with `concurrency` slots that takes jobs from it, so nodes
 * share their transcoding capacity and the line of waiting jobs is one line for the cluster.
 *
 * A job is one FFmpeg run (its argv). The node that asked waits for the job to become active,
 * then watches the HLS folder for the segments as it does for a local run — so the HLS folder
 * must be storage every node mounts at the same path, and the source URL (the asking node's own
 * signed stream URL) must be reachable from the others. Stopping a job (a viewer went away, a far
 * seek) is a message on a Redis channel that the worker running it obeys. A worker that dies
 * fails its jobs rather than handing them to another (maxStalledCount 0): the asking node starts
 * a fresh one when a player asks again.
 */
import { randomUUID } from 'node:crypto'
import { Queue, QueueEvents, Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { AppError } from '../errors.ts'
import { spawnFfmpeg } from '../adapters/ffmpeg.ts'
import type { JobExit, JobRunner, RunningJob } from './job-runner.ts'

const QUEUE = 'bt-transcode'
const STOP_CHANNEL = 'bt-transcode:stop'

export interface BullmqRunnerOptions {
  redisUrl: string
  /** FFmpeg jobs this node's worker runs at once; 0 = this node only adds jobs. */
  concurrency: number
  /** Jobs allowed to wait (cluster-wide) before new ones are refused with `busy`. */
  maxWaiting: number
  log: Logger
  ffmpegPath?: string
  /** Queue name prefix in Redis (tests use their own). */
  prefix?: string
}

interface JobData {
  args: string[]
  label: string
}

export class BullmqRunner implements JobRunner {
  private readonly queue: Queue<JobData, JobExit>
  private readonly events: QueueEvents
  private readonly worker: Worker<JobData, JobExit> | null
  private readonly publisher: Redis
  private readonly subscriber: Redis
  /** Local FFmpeg processes of this node's worker, by job id. */
  private readonly local = new Map<string, (signal: NodeJS.Signals) => void>()
  /** Jobs this node added and waits on: active → started; completed/failed → exited. */
  private readonly watched = new Map<string, { started: () => void; ended: (exit: JobExit) => void }>()
  private waiting = 0
  /** Waiting job ids in line order (as last read from Redis), and this node's jobs not yet active, id → label. */
  private line: string[] = []
  private readonly labels = new Map<string, string>()
  private readonly poll: NodeJS.Timeout

  private constructor(private readonly opts: BullmqRunnerOptions) {
    const connection = { url: opts.redisUrl, maxRetriesPerRequest: null }
    const prefix = opts.prefix ?? 'bull'
    this.queue = new Queue<JobData, JobExit>(QUEUE, { connection, prefix })
    this.events = new QueueEvents(QUEUE, { connection, prefix })
    this.events.on('active', ({ jobId }) => this.watched.get(jobId)?.started())
    this.events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, returnvalue as unknown as JobExit))
    this.events.on('failed', ({ jobId, failedReason }) => this.settle(jobId, { code: null, signal: null, stderr: failedReason }))
    this.publisher = new Redis(opts.redisUrl, { maxRetriesPerRequest: null })
    this.subscriber = new Redis(opts.redisUrl, { maxRetriesPerRequest: null })
    void this.subscriber.subscribe(`${prefix}:${STOP_CHANNEL}`)
    this.subscriber.on('message', (_channel, message: string) => {
      const { jobId, signal } = JSON.parse(message) as { jobId: string; signal: NodeJS.Signals }
      this.local.get(jobId)?.(signal)
    })
    this.worker = opts.concurrency > 0 ? new Worker<JobData, JobExit>(QUEUE, (job) => this.process(job), { connection, prefix, concurrency: opts.concurrency, maxStalledCount: 0 }) : null
    this.worker?.on('error', (err) => opts.log.warn({ err }, 'transcode worker error'))
    this.poll = setInterval(() => void this.refreshDepth(), 500)
    this.poll.unref()
  }

  /** Connects (Redis must answer) and starts this node's worker. */
  static async connect(opts: BullmqRunnerOptions): Promise<BullmqRunner> {
    const runner = new BullmqRunner(opts)
    await Promise.all([runner.queue.waitUntilReady(), runner.events.waitUntilReady(), runner.worker?.waitUntilReady()])
    await runner.refreshDepth()
    return runner
  }

  get depth(): number {
    return this.waiting
  }

  private async refreshDepth(): Promise<number> {
    this.waiting = await this.queue.getWaitingCount().catch(() => this.waiting)
    // BullMQ lists waiting jobs newest first: the line is that list reversed.
    if (this.labels.size > 0)
      this.line = await this.queue.getWaiting(0, 200).then(
        (jobs) => jobs.map((j) => j.id!).reverse(),
        () => this.line,
      )
    return this.waiting
  }

  position(label: string): number | null {
    for (const [jobId, l] of this.labels) {
      if (l !== label) continue
      const at = this.line.indexOf(jobId)
      return at < 0 ? null : at + 1
    }
    return null
  }

  private settle(jobId: string, exit: JobExit): void {
    const w = this.watched.get(jobId)
    if (!w) return
    this.watched.delete(jobId)
    w.started()
    w.ended(exit)
  }

  private async process(job: Job<JobData, JobExit>): Promise<JobExit> {
    const run = spawnFfmpeg(job.data.args, this.opts.ffmpegPath)
    this.local.set(job.id!, run.kill)
    try {
      return await run.exited
    } finally {
      this.local.delete(job.id!)
    }
  }

  async run(args: string[], label: string): Promise<RunningJob> {
    if ((await this.refreshDepth()) >= this.opts.maxWaiting) throw new AppError('busy', `${this.waiting} conversions are already waiting; try again shortly.`)
    const jobId = randomUUID()
    let started!: () => void
    let ended!: (exit: JobExit) => void
    const active = new Promise<void>((r) => (started = r))
    const exited = new Promise<JobExit>((r) => (ended = r))
    this.watched.set(jobId, { started, ended })
    this.labels.set(jobId, label)
    try {
      await this.queue.add('ffmpeg', { args, label }, { jobId, removeOnComplete: true, removeOnFail: true, attempts: 1 })
    } catch (err) {
      this.watched.delete(jobId)
      this.labels.delete(jobId)
      throw new AppError('upstream_unavailable', 'The transcoding queue cannot be reached.', { cause: err })
    }
    // The job may have been taken before the events connection saw it: ask Redis as well.
    const state = await this.queue.getJobState(jobId).catch(() => 'unknown')
    if (state === 'active' || state === 'completed' || state === 'failed' || state === 'unknown') started()
    void this.refreshDepth()
    await active
    this.labels.delete(jobId)
    this.opts.log.debug({ jobId, label }, 'transcode job active')
    const stop = (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => void this.publisher.publish(`${this.opts.prefix ?? 'bull'}:${STOP_CHANNEL}`, JSON.stringify({ jobId, signal }))
    return { exited, stop }
  }

  async close(): Promise<void> {
    clearInterval(this.poll)
    for (const kill of this.local.values()) kill('SIGTERM')
    await this.worker?.close()
    await Promise.allSettled([this.queue.close(), this.events.close()])
    this.publisher.disconnect()
    this.subscriber.disconnect()
  }
}
