import { probeMedia, type ProbedMedia } from '../adapters/ffmpeg.ts'
import { AppError } from '../errors.ts'

/**
 * ffprobe runs once per file: results are kept (bounded, least recently used out first), and
 * concurrent requests for the same file share one probe.
 */
export class ProbeCache {
  private readonly done = new Map<string, ProbedMedia>()
  private readonly pending = new Map<string, Promise<ProbedMedia>>()

  constructor(private readonly max = 1000) {}

  async get(key: string, source: () => Promise<string>): Promise<ProbedMedia> {
    const hit = this.done.get(key)
    if (hit) {
      this.done.delete(key)
      this.done.set(key, hit)
      return hit
    }
    let running = this.pending.get(key)
    if (!running) {
      running = source()
        .then((url) => probeMedia(url))
        .then(
          (media) => {
            this.done.set(key, media)
            if (this.done.size > this.max) this.done.delete(this.done.keys().next().value!)
            return media
          },
          (err: Error) => {
            throw new AppError('unplayable_media', 'This file cannot be read as audio or video: it may be damaged or incomplete.', { cause: err })
          },
        )
        .finally(() => this.pending.delete(key))
      this.pending.set(key, running)
    }
    return running
  }
}
