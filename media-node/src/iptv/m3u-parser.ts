/**
 * IPTV playlists (M3U/M3U8 as IPTV panels and lists write them), parsed as a stream of lines:
 * a 100k-channel playlist is never held as one string, and each channel is handed on as soon as
 * its URL line arrives.
 *
 * Understood: the `#EXTM3U` header (`x-tvg-url` / `url-tvg`, several comma-separated guides;
 * `catchup`, `catchup-days`, `catchup-source`, `tvg-shift`), `#EXTINF` attributes in any case
 * and quoted or not (`tvg-id`, `tvg-name`, `tvg-logo`, `tvg-chno` / `channel-number`,
 * `tvg-language`, `tvg-country`, `group-title`, `catchup*`, `timeshift`, `user-agent`,
 * `http-referrer`), the name after the first comma outside quotes, `#EXTGRP`, `#EXTVLCOPT`
 * (user agent, referrer), `#KODIPROP`, Kodi's `url|User-Agent=…&Referer=…`, a BOM, CRLF and
 * indented lines. Unknown attributes are kept (`extras`).
 *
 * Never fatal: an entry without a URL, a URL without an entry, a stray comma before the name,
 * an unterminated quote — each is skipped or repaired and counted in `problems`.
 *
 * Why not a package: `iptv-playlist-parser` patches `String.prototype` and needs the whole text;
 * `@iptv/playlist` needs the whole text and drops `#EXTVLCOPT`/`#EXTGRP`/`#KODIPROP`.
 */

export interface CatchupInfo {
  /** `default`, `append`, `shift`, `flussonic`, `xc`, … as written (lowercased). */
  type: string
  days: number | null
  /** The template (`…?utc={utc}&lutc={lutc}`, `${start}`, `{Y}{m}{d}` …); null for types that need none. */
  source: string | null
}

export interface M3uChannel {
  name: string
  url: string
  tvgId: string | null
  tvgName: string | null
  logo: string | null
  /** The channel number the list gives (`tvg-chno`, `channel-number`). */
  number: number | null
  /** `group-title`, else the `#EXTGRP` line. */
  group: string | null
  language: string | null
  country: string | null
  catchup: CatchupInfo | null
  /** Headers the stream needs (from attributes, `#EXTVLCOPT` or Kodi's pipe suffix). */
  userAgent: string | null
  referrer: string | null
  kodiProps: Record<string, string>
  /** Attributes we do not model, by lowercased name. */
  extras: Record<string, string>
  durationS: number | null
}

export interface M3uHeader {
  /** Guide URLs from `x-tvg-url` and `url-tvg`, in order, without repeats. */
  guideUrls: string[]
  catchup: CatchupInfo | null
  tvgShiftH: number | null
  extras: Record<string, string>
}

export interface M3uProblems {
  /** `#EXTINF` lines with no URL before the next one (or the end). */
  entriesWithoutUrl: number
  /** URL lines with no `#EXTINF` before them (kept, named after the URL). */
  urlsWithoutEntry: number
  /** Names repaired: a stray comma or blank before them, or none at all. */
  namesRepaired: number
  /** Lines that are not a URL, a comment or a directive we know. */
  unreadableLines: number
  /** The text did not start with `#EXTM3U` (still read). */
  missingHeader: boolean
}

export interface M3uResult {
  header: M3uHeader
  problems: M3uProblems
  channels: number
}

/** Attribute names as lists write them, to ours. */
const KNOWN = new Set([
  'tvg-id',
  'tvg-name',
  'tvg-logo',
  'tvg-chno',
  'channel-number',
  'tvg-language',
  'tvg-country',
  'group-title',
  'catchup',
  'catchup-type',
  'catchup-days',
  'catchup-source',
  'timeshift',
  'user-agent',
  'http-user-agent',
  'http-referrer',
  'referrer',
  'x-tvg-url',
  'url-tvg',
  'tvg-shift',
])

/**
 * `key="value"` pairs (or `key=value` up to the next blank) of an EXTINF or EXTM3U line, and
 * where the attributes end (the first comma outside quotes, or the end).
 */
export function parseAttributes(text: string): { attrs: Map<string, string>; end: number } {
  const attrs = new Map<string, string>()
  let i = 0
  const n = text.length
  while (i < n) {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++
    if (i >= n || text[i] === ',') break
    const keyStart = i
    while (i < n && text[i] !== '=' && text[i] !== ' ' && text[i] !== ',' && text[i] !== '\t') i++
    const key = text.slice(keyStart, i).toLowerCase()
    if (text[i] !== '=') {
      // A bare word (the duration, or noise): skip it.
      continue
    }
    i++
    let value: string
    if (text[i] === '"' || text[i] === "'") {
      const quote = text[i]
      const close = text.indexOf(quote!, i + 1)
      if (close < 0) {
        // Unterminated: the value runs to the last comma (the name follows it), else to the end.
        const comma = text.lastIndexOf(',')
        const stop = comma > i ? comma : n
        value = text.slice(i + 1, stop)
        i = stop
      } else {
        value = text.slice(i + 1, close)
        i = close + 1
      }
    } else {
      const valueStart = i
      while (i < n && text[i] !== ' ' && text[i] !== ',' && text[i] !== '\t') i++
      value = text.slice(valueStart, i)
    }
    if (key && !attrs.has(key)) attrs.set(key, value.trim())
  }
  return { attrs, end: i }
}

const intOrNull = (v: string | undefined): number | null => {
  if (v === undefined || v.trim() === '') return null
  const x = Number(v)
  return Number.isFinite(x) ? Math.trunc(x) : null
}
const textOrNull = (v: string | undefined): string | null => (v === undefined || v.trim() === '' ? null : v.trim())

function catchupOf(attrs: Map<string, string>): CatchupInfo | null {
  const type = textOrNull(attrs.get('catchup') ?? attrs.get('catchup-type'))?.toLowerCase() ?? null
  const timeshift = intOrNull(attrs.get('timeshift'))
  const days = intOrNull(attrs.get('catchup-days')) ?? timeshift
  const source = textOrNull(attrs.get('catchup-source'))
  if (!type && days === null && !source) return null
  return { type: type ?? (source ? 'default' : 'shift'), days, source }
}

function extrasOf(attrs: Map<string, string>): Record<string, string> {
  const extras: Record<string, string> = {}
  for (const [k, v] of attrs) if (!KNOWN.has(k)) extras[k] = v
  return extras
}

/** Kodi's `url|User-Agent=…&Referer=…`: the URL and its headers. */
export function splitPipeHeaders(line: string): { url: string; userAgent: string | null; referrer: string | null } {
  const bar = line.indexOf('|')
  if (bar < 0) return { url: line, userAgent: null, referrer: null }
  const url = line.slice(0, bar).trim()
  let userAgent: string | null = null
  let referrer: string | null = null
  for (const part of line.slice(bar + 1).split('&')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const key = part.slice(0, eq).trim().toLowerCase()
    let value = part.slice(eq + 1).trim()
    try {
      value = decodeURIComponent(value)
    } catch {
      // Kept as written.
    }
    if (key === 'user-agent') userAgent = value
    else if (key === 'referer' || key === 'referrer') referrer = value
  }
  return { url, userAgent, referrer }
}

const URL_LINE = /^[a-z][a-z0-9+.-]*:\/\//i

interface Pending {
  attrs: Map<string, string>
  name: string
  durationS: number | null
  group: string | null
  userAgent: string | null
  referrer: string | null
  kodiProps: Record<string, string>
}

/** A line-by-line parser: feed it lines, it calls `onChannel` for each channel as it completes. */
export class M3uParser {
  readonly header: M3uHeader = { guideUrls: [], catchup: null, tvgShiftH: null, extras: {} }
  readonly problems: M3uProblems = { entriesWithoutUrl: 0, urlsWithoutEntry: 0, namesRepaired: 0, unreadableLines: 0, missingHeader: false }
  channels = 0
  private pending: Pending | null = null
  private first = true

  constructor(private readonly onChannel: (channel: M3uChannel) => void) {}

  line(raw: string): void {
    let line = raw.trim()
    if (this.first) {
      line = line.replace(/^\uFEFF/, '').trim()
      if (line === '') return
      this.first = false
      if (/^#EXTM3U/i.test(line)) {
        this.readHeader(line.slice(7))
        return
      }
      this.problems.missingHeader = true
    }
    if (line === '') return
    if (line.startsWith('#')) this.directive(line)
    else if (URL_LINE.test(line) || line.includes('://')) this.url(line)
    else this.problems.unreadableLines++
  }

  /** The end of the text: an entry still waiting for its URL is counted. */
  end(): M3uResult {
    if (this.pending) this.problems.entriesWithoutUrl++
    this.pending = null
    return { header: this.header, problems: this.problems, channels: this.channels }
  }

  private readHeader(rest: string): void {
    const { attrs } = parseAttributes(rest)
    const guides = [attrs.get('x-tvg-url'), attrs.get('url-tvg')].filter((v): v is string => !!v).flatMap((v) => v.split(','))
    for (const g of guides.map((u) => u.trim()).filter((u) => URL_LINE.test(u))) if (!this.header.guideUrls.includes(g)) this.header.guideUrls.push(g)
    this.header.catchup = catchupOf(attrs)
    this.header.tvgShiftH = intOrNull(attrs.get('tvg-shift'))
    this.header.extras = extrasOf(attrs)
  }

  private directive(line: string): void {
    const upper = line.slice(0, 12).toUpperCase()
    if (upper.startsWith('#EXTINF:')) {
      if (this.pending) this.problems.entriesWithoutUrl++
      this.pending = this.readExtinf(line.slice(8))
    } else if (upper.startsWith('#EXTGRP:')) {
      if (this.pending) this.pending.group ??= textOrNull(line.slice(8))
    } else if (upper.startsWith('#EXTVLCOPT:')) {
      if (!this.pending) return
      const opt = line.slice(11)
      const eq = opt.indexOf('=')
      const key = opt.slice(0, eq).trim().toLowerCase()
      const value = opt.slice(eq + 1).trim()
      if (key === 'http-user-agent') this.pending.userAgent ??= value
      else if (key === 'http-referrer' || key === 'http-referer') this.pending.referrer ??= value
    } else if (upper.startsWith('#KODIPROP:')) {
      if (!this.pending) return
      const prop = line.slice(10)
      const eq = prop.indexOf('=')
      if (eq > 0) this.pending.kodiProps[prop.slice(0, eq).trim()] = prop.slice(eq + 1).trim()
    } else if (upper.startsWith('#EXTM3U')) {
      // A second header (concatenated lists): its guides count too.
      this.readHeader(line.slice(7))
    }
    // Any other comment (#EXT-X-…, #PLAYLIST, plain remarks) is ignored.
  }

  private readExtinf(rest: string): Pending {
    // `-1 tvg-id="…" …,Name`: the duration, the attributes, then the name.
    const duration = /^\s*(-?\d+(?:\.\d+)?)/.exec(rest)
    const afterDuration = duration ? rest.slice(duration[0].length) : rest
    const { attrs, end } = parseAttributes(afterDuration)
    let name = afterDuration.slice(end + 1)
    // `,,Name` or `, Name`: a stray comma or blank; `…,` with nothing after: no name.
    const cleaned = name.replace(/^[\s,]+/, '').trim()
    if (cleaned !== name.trim() || cleaned === '') this.problems.namesRepaired++
    name = cleaned
    return {
      attrs,
      name,
      durationS: duration ? Number(duration[1]) : null,
      group: textOrNull(attrs.get('group-title')),
      userAgent: textOrNull(attrs.get('user-agent') ?? attrs.get('http-user-agent')),
      referrer: textOrNull(attrs.get('http-referrer') ?? attrs.get('referrer')),
      kodiProps: {},
    }
  }

  private url(line: string): void {
    const { url, userAgent, referrer } = splitPipeHeaders(line)
    const p = this.pending
    this.pending = null
    if (!p) this.problems.urlsWithoutEntry++
    const attrs = p?.attrs ?? new Map<string, string>()
    const name =
      p?.name ||
      textOrNull(attrs.get('tvg-name')) ||
      url
        .replace(/[?#].*$/, '')
        .split('/')
        .filter(Boolean)
        .at(-1) ||
      url
    if (p && !p.name) p.name = name
    this.channels++
    this.onChannel({
      name,
      url,
      tvgId: textOrNull(attrs.get('tvg-id')),
      tvgName: textOrNull(attrs.get('tvg-name')),
      logo: textOrNull(attrs.get('tvg-logo')),
      number: intOrNull(attrs.get('tvg-chno') ?? attrs.get('channel-number')),
      group: p?.group ?? null,
      language: textOrNull(attrs.get('tvg-language')),
      country: textOrNull(attrs.get('tvg-country')),
      catchup: catchupOf(attrs) ?? (this.header.catchup && { ...this.header.catchup }),
      userAgent: p?.userAgent ?? userAgent,
      referrer: p?.referrer ?? referrer,
      kodiProps: p?.kodiProps ?? {},
      extras: extrasOf(attrs),
      durationS: p?.durationS ?? null,
    })
  }
}

/**
 * Parses a playlist from a stream of text chunks (a response body, a file); each channel goes to
 * `onChannel` as soon as it is read. The longest line is bounded (`maxLineBytes`) so a file of
 * one endless line cannot fill memory.
 */
export async function parseM3uStream(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  onChannel: (channel: M3uChannel) => void | Promise<void>,
  maxLineBytes = 64 * 1024,
): Promise<M3uResult> {
  const decoder = new TextDecoder('utf-8')
  const queue: M3uChannel[] = []
  const parser = new M3uParser((c) => queue.push(c))
  let carry = ''
  // A line longer than maxLineBytes is dropped whole: its start is counted, the rest skipped.
  let skipping = false
  const flush = async () => {
    for (const c of queue.splice(0)) await onChannel(c)
  }
  for await (const chunk of chunks) {
    const text = carry + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))
    let start = 0
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      if (skipping) skipping = false
      else parser.line(text.slice(start, nl))
      start = nl + 1
    }
    carry = text.slice(start)
    if (carry.length > maxLineBytes) {
      if (!skipping) parser.problems.unreadableLines++
      skipping = true
      carry = ''
    }
    await flush()
  }
  carry += decoder.decode()
  if (carry && !skipping) parser.line(carry)
  const result = parser.end()
  await flush()
  return result
}

/** A whole playlist held as text (an upload, a test). */
export async function parseM3uText(text: string): Promise<{ result: M3uResult; channels: M3uChannel[] }> {
  const channels: M3uChannel[] = []
  const result = await parseM3uStream([text], (c) => {
    channels.push(c)
  })
  return { result, channels }
}
