import { AppError } from '../errors.ts'

/**
 * At most `concurrency` FFmpeg jobs at once; the rest wait in line, at most `maxWaiting` of them
 * (a longer line is refused with `busy` rather than left to pile up).
 */
export class TranscodeQueue {
  private running = 0
  private readonly waiting: Array<() => void> = []

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

  /** Resolves with a release function once a slot is free. */
  async acquire(): Promise<() => void> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw new AppError('busy', `${this.waiting.length} conversions are already waiting; try again shortly.`)
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    } else {
      this.running++
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }
}
