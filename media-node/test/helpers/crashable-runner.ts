/**
 * A JobRunner for tests that can crash a running FFmpeg job (SIGKILL, as a crash would) by its
 * label: HlsJobs labels each job with its rendition key. Production code has no such door; the
 * runner is what HlsJobs is given, so the test holds it.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { JobRunner, RunningJob } from '../../src/transcode/job-runner.ts'

export class CrashableRunner implements JobRunner {
  private readonly running: Array<{ label: string; job: RunningJob; exited: boolean }> = []

  constructor(private readonly inner: JobRunner) {}

  get depth(): number {
    return this.inner.depth
  }

  position(label: string): number | null {
    return this.inner.position(label)
  }

  async run(args: string[], label: string): Promise<RunningJob> {
    const job = await this.inner.run(args, label)
    const entry = { label, job, exited: false }
    this.running.push(entry)
    void job.exited.then(() => (entry.exited = true))
    return job
  }

  /** Kills the newest running job whose label starts with `labelPrefix`; false when none runs. */
  crash(labelPrefix: string): boolean {
    const entry = this.running.findLast((r) => !r.exited && r.label.startsWith(labelPrefix))
    if (!entry) return false
    entry.job.stop('SIGKILL')
    return true
  }

  close(): Promise<void> {
    return this.inner.close()
  }
}

/** The cache folders under `hlsDir` of renditions whose key starts with `prefix` (see renditionKey). */
export async function renditionDirs(hlsDir: string, prefix: string): Promise<string[]> {
  const names = await readdir(hlsDir).catch(() => [] as string[])
  return names.filter((n) => n.startsWith(`${prefix}-`)).map((n) => join(hlsDir, n))
}
