/**
 * XMLTV guides, parsed as a stream with `saxes` (never a DOM: real guides run to hundreds of
 * MB): each `<channel>` and `<programme>` is handed on as soon as its closing tag is read.
 *
 * Safe by construction: saxes expands no entities but XML's five and numeric references, and
 * reads no external anything; a DOCTYPE that declares entities (the XML-bomb shape) is refused
 * outright with a clear message, a plain `<!DOCTYPE tv SYSTEM "xmltv.dtd">` is fine. Each text
 * is capped (`MAX_TEXT`), so one huge description cannot fill memory.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes'

export interface XmltvChannel {
  id: string
  displayNames: string[]
  icon: string | null
}

export interface XmltvProgramme {
  channel: string
  startMs: number
  stopMs: number | null
  title: string
  subTitle: string | null
  description: string | null
  categories: string[]
  /** From `episode-num system="xmltv_ns"` (zero-based there; one-based here), else `onscreen` S01E02. */
  season: number | null
  episode: number | null
  /** The first `<rating><value>`, with its system (MPAA, VCHIP, …). */
  rating: { system: string | null; value: string } | null
  icon: string | null
  /** Provider catch-up id (`catchup-id` attribute), if any. */
  catchupId: string | null
}

export interface XmltvCounts {
  channels: number
  programmes: number
  /** Programmes without a readable start, channel or title. */
  skipped: number
}

export class XmltvError extends Error {}

const MAX_TEXT = 16 * 1024

/** `20261203143000 +0100` (seconds and offset optional) → epoch ms; null when unreadable. */
export function parseXmltvTime(value: string | undefined): number | null {
  if (!value) return null
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?\s*(?:([+-])(\d{2}):?(\d{2}))?/.exec(value.trim())
  if (!m) return null
  const [, y, mo, d, h = '00', mi = '00', s = '00', sign, oh, om] = m
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  if (!Number.isFinite(utc)) return null
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000 : 0
  return utc - offset
}

/** `xmltv_ns` is `season.episode.part`, zero-based, each `n/total` or empty. */
function episodeOf(system: string | null, text: string): { season: number | null; episode: number | null } {
  if (system === 'xmltv_ns') {
    const [s, e] = text.split('.').map((p) => Number.parseInt(p.split('/')[0]!.trim(), 10))
    return { season: Number.isFinite(s) ? s! + 1 : null, episode: Number.isFinite(e) ? e! + 1 : null }
  }
  const m = /S(\d{1,3})\s*E(\d{1,4})/i.exec(text)
  return m ? { season: Number(m[1]), episode: Number(m[2]) } : { season: null, episode: null }
}

const attr = (tag: SaxesTagPlain, name: string): string | null => {
  const v = tag.attributes[name]
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null
}

/**
 * A push parser: `write` chunks of the guide's text, `close` at the end. Channels and programmes
 * go to the callbacks as they complete; programmes are grouped (`onProgrammes`) in batches of
 * `batch` so a caller can write them to the database without one await per row.
 */
export class XmltvParser {
  readonly counts: XmltvCounts = { channels: 0, programmes: 0, skipped: 0 }
  private readonly sax = new SaxesParser()
  private readonly stack: string[] = []
  private text = ''
  private channel: XmltvChannel | null = null
  private programme: (Omit<XmltvProgramme, 'startMs' | 'title'> & { startMs: number | null; title: string | null }) | null = null
  private episodeSystem: string | null = null
  private ratingSystem: string | null = null
  private batchOf: XmltvProgramme[] = []
  private failure: Error | null = null
  private sawRoot = false

  constructor(
    private readonly onChannel: (c: XmltvChannel) => void,
    private readonly onProgrammes: (p: XmltvProgramme[]) => void,
    private readonly batch = 1000,
  ) {
    this.sax.on('doctype', (doctype) => {
      if (/<!ENTITY/i.test(doctype)) this.fail('The guide declares XML entities (the shape of an XML bomb); it is refused.')
    })
    this.sax.on('error', (err) => this.fail(`The guide is not well-formed XML: ${err.message.split('\n')[0]}`))
    this.sax.on('opentag', (tag) => this.open(tag as SaxesTagPlain))
    this.sax.on('text', (t) => this.collect(t))
    this.sax.on('cdata', (t) => this.collect(t))
    this.sax.on('closetag', (tag) => this.closeTag(tag.name))
  }

  private fail(message: string): void {
    this.failure ??= new XmltvError(message)
  }

  private collect(t: string): void {
    if ((this.channel || this.programme) && this.text.length < MAX_TEXT) this.text += t.slice(0, MAX_TEXT - this.text.length)
  }

  write(chunk: string): void {
    if (this.failure) throw this.failure
    try {
      this.sax.write(chunk)
    } catch (err) {
      this.fail(`The guide is not well-formed XML: ${(err as Error).message.split('\n')[0]}`)
    }
    if (this.failure) throw this.failure
  }

  /** The end of the guide: the last batch goes out, and the counts come back. */
  close(): XmltvCounts {
    if (!this.failure && !this.sawRoot) throw new XmltvError('This is not an XMLTV guide (no <tv> element).')
    if (!this.failure) {
      try {
        this.sax.close()
      } catch (err) {
        this.fail(`The guide is not well-formed XML: ${(err as Error).message.split('\n')[0]}`)
      }
    }
    if (this.failure) throw this.failure
    if (!this.sawRoot) throw new XmltvError('This is not an XMLTV guide (no <tv> element).')
    this.flush()
    return this.counts
  }

  private flush(): void {
    if (this.batchOf.length) this.onProgrammes(this.batchOf.splice(0))
  }

  private open(tag: SaxesTagPlain): void {
    this.stack.push(tag.name)
    this.text = ''
    const name = tag.name
    if (this.stack.length === 1) {
      if (name !== 'tv') this.fail(`This is not an XMLTV guide (it starts with <${name}>).`)
      this.sawRoot = true
      return
    }
    if (name === 'channel' && this.stack.length === 2) {
      this.channel = { id: attr(tag, 'id') ?? '', displayNames: [], icon: null }
    } else if (name === 'programme' && this.stack.length === 2) {
      this.programme = {
        channel: attr(tag, 'channel') ?? '',
        startMs: parseXmltvTime(attr(tag, 'start') ?? undefined),
        stopMs: parseXmltvTime(attr(tag, 'stop') ?? undefined),
        title: null,
        subTitle: null,
        description: null,
        categories: [],
        season: null,
        episode: null,
        rating: null,
        icon: null,
        catchupId: attr(tag, 'catchup-id'),
      }
    } else if (name === 'icon') {
      const src = attr(tag, 'src')
      if (this.channel && !this.channel.icon) this.channel.icon = src
      else if (this.programme && !this.programme.icon) this.programme.icon = src
    } else if (name === 'episode-num') {
      this.episodeSystem = attr(tag, 'system')
    } else if (name === 'rating') {
      this.ratingSystem = attr(tag, 'system')
    }
  }

  private closeTag(name: string): void {
    this.stack.pop()
    const text = this.text.trim()
    this.text = ''
    const c = this.channel
    const p = this.programme
    if (c) {
      if (name === 'display-name' && text) c.displayNames.push(text)
      else if (name === 'channel') {
        this.channel = null
        if (c.id) {
          this.counts.channels++
          this.onChannel(c)
        }
      }
      return
    }
    if (!p) return
    switch (name) {
      case 'title':
        p.title ??= text || null
        break
      case 'sub-title':
        p.subTitle ??= text || null
        break
      case 'desc':
        p.description ??= text || null
        break
      case 'category':
        if (text && p.categories.length < 8) p.categories.push(text)
        break
      case 'episode-num':
        if (p.season === null && p.episode === null && text) Object.assign(p, episodeOf(this.episodeSystem, text))
        break
      case 'value':
        if (this.stack.at(-1) === 'rating' && !p.rating && text) p.rating = { system: this.ratingSystem, value: text }
        break
      case 'programme': {
        this.programme = null
        if (p.startMs === null || !p.channel || !p.title) {
          this.counts.skipped++
          break
        }
        this.counts.programmes++
        this.batchOf.push({ ...p, startMs: p.startMs, title: p.title })
        if (this.batchOf.length >= this.batch) this.flush()
        break
      }
    }
  }
}

/** Parses a guide from text chunks (a decoded response body, a file); see XmltvParser. */
export async function parseXmltvStream(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  handlers: { onChannel: (c: XmltvChannel) => void; onProgrammes: (p: XmltvProgramme[]) => void | Promise<void> },
  batch = 1000,
): Promise<XmltvCounts> {
  const decoder = new TextDecoder('utf-8')
  const pending: XmltvProgramme[][] = []
  const parser = new XmltvParser(handlers.onChannel, (p) => pending.push(p), batch)
  for await (const chunk of chunks) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))
    for (const group of pending.splice(0)) await handlers.onProgrammes(group)
  }
  const tail = decoder.decode()
  if (tail) parser.write(tail)
  const counts = parser.close()
  for (const group of pending.splice(0)) await handlers.onProgrammes(group)
  return counts
}
