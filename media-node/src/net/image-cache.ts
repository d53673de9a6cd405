/**
 * Pictures whose address someone else chose (a channel's logo, a podcast's artwork, a station's
 * favicon), fetched through the SSRF guard and kept an hour in memory, so a browser never loads
 * them from the provider and a page of tiles costs the provider one fetch each. Only image types
 * pass, and an SVG is served under a CSP that lets it run nothing.
 */
import type { Context } from 'hono'
import type { Logger } from 'pino'
import { AppError } from '../errors.ts'
import { readBytes, safeFetch } from './safe-fetch.ts'

const MAX_BYTES = 1024 * 1024
const TTL_MS = 60 * 60_000
const KEPT = 2000
const IMAGE_TYPE = /^image\/(png|jpeg|gif|webp|avif|svg\+xml|x-icon|vnd\.microsoft\.icon)$/

export class ImageCache {
  private readonly images = new Map<string, { bytes: Uint8Array; type: string; until: number } | null>()
  constructor(private readonly opts: { allow: ReadonlySet<string>; log?: Logger; now?: () => number; what?: string }) {}

  /** The picture for `key`, fetched from the address `find` gives (null: none) when not kept. */
  async get(key: string, find: () => Promise<string | null | undefined>): Promise<{ bytes: Uint8Array; type: string } | null> {
    const now = this.opts.now ?? Date.now
    let image = this.images.get(key)
    if (image === undefined || (image && image.until < now())) {
      image = null
      const url = await find()
      if (url) {
        try {
          const res = await safeFetch(url, { maxBytes: MAX_BYTES, timeoutMs: 10_000, allow: this.opts.allow, what: this.opts.what ?? 'The picture' })
          const type = String(res.headers['content-type'] ?? '')
            .split(';')[0]!
            .trim()
            .toLowerCase()
          const body = await readBytes(res.body)
          if (res.status === 200 && IMAGE_TYPE.test(type)) image = { bytes: body, type, until: now() + TTL_MS }
        } catch (err) {
          this.opts.log?.info({ key, err: (err as Error).message }, 'picture not fetched')
        }
      }
      this.images.set(key, image)
      if (this.images.size > KEPT) this.images.delete(this.images.keys().next().value!)
    }
    return image
  }

  /** Answers `c` with the picture, or a 404 in words. */
  static respond(c: Context, image: { bytes: Uint8Array; type: string } | null, missing: string): Response {
    if (!image) throw new AppError('not_found', missing)
    return c.body(image.bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': image.type,
      'Cache-Control': 'private, max-age=3600',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    })
  }
}
