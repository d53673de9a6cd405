import { AppError } from '../errors.ts'

/**
 * At most `concurrency` FFmpeg jobs at once; the rest wait in line, at most `maxWaiting` of them
 * (a longer line is refused with `busy` rather than left to pile up).
 */
export class TranscodeQueue {
  private running = 0
  private readonly waiting: Array<{ label: string; go: () => void }> = []

  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
  ) {}

  get depth(): number {
    return this.waiting.length
  }

  get active(): number {
    return this.running
  }

  /** 1 for the next in line; null when `label` is not waiting. */
  position(label: string): number | null {
    const at = this.waiting.findIndex((w) => w.label === label)
    return at < 0 ? null : at + 1
  }

  /** Resolves with a release function once a slot is free. */
  async acquire(label = ''): Promise<() => void> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw new AppError('busy', `${this.waiting.length} conversions are already waiting; try again shortly.`)
      await new Promise<void>((go) => this.waiting.push({ label, go }))
    } else {
      this.running++
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      if (next) next.go()
      else this.running--
    }
  }
}
