/**
 * SHOUTcast/Icecast in-band metadata (ICY). Asked with `Icy-MetaData: 1`, a server that supports
 * it answers `icy-metaint: N` and, after every N bytes of audio, sends one length byte L and
 * L × 16 bytes of `StreamTitle='…';StreamUrl='…';`. Browsers cannot read it (and would play the
 * metadata as noise), so the node takes it out: `IcyDemuxer` passes the audio on and reports each
 * new title. Titles arrive in UTF-8 or, from older servers, Latin-1: invalid UTF-8 is read as Latin-1.
 */
import { Transform, type TransformCallback } from 'node:stream'

/** `StreamTitle='Artist - Song';` → "Artist - Song" (null when there is none or it is empty). */
export function streamTitleOf(meta: Buffer): string | null {
  const end = meta.indexOf(0)
  const bytes = end >= 0 ? meta.subarray(0, end) : meta
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    text = new TextDecoder('latin1').decode(bytes)
  }
  const m = /StreamTitle='(.*?)';/s.exec(text)
  const title = m?.[1]?.trim()
  return title ? title.slice(0, 300) : null
}

export class IcyDemuxer extends Transform {
  private untilMeta: number
  private metaLeft = -1
  private meta: Buffer[] = []

  constructor(
    private readonly metaint: number,
    private readonly onTitle: (title: string) => void,
  ) {
    super()
    this.untilMeta = metaint
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let at = 0
    while (at < chunk.length) {
      if (this.metaLeft < 0 && this.untilMeta > 0) {
        const take = Math.min(this.untilMeta, chunk.length - at)
        this.push(chunk.subarray(at, at + take))
        at += take
        this.untilMeta -= take
        continue
      }
      if (this.metaLeft < 0) {
        // The length byte.
        this.metaLeft = chunk[at]! * 16
        at++
        this.meta = []
      }
      if (this.metaLeft > 0) {
        const take = Math.min(this.metaLeft, chunk.length - at)
        this.meta.push(chunk.subarray(at, at + take))
        at += take
        this.metaLeft -= take
      }
      if (this.metaLeft === 0) {
        if (this.meta.length) {
          const title = streamTitleOf(Buffer.concat(this.meta))
          if (title) this.onTitle(title)
        }
        this.metaLeft = -1
        this.untilMeta = this.metaint
      }
    }
    done()
  }
}
