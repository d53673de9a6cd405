/**
 * A podcast feed's bytes into what the catalog keeps: the show (title, author, artwork,
 * categories, `podcast:guid`, `itunes:new-feed-url`, the Podcasting 2.0 blocks kept as given)
 * and its episodes (enclosure, duration, season/episode, explicit, chapters and transcript URLs).
 *
 * Parsing is feedsmith's (RSS 2.0 with the iTunes and Podcasting 2.0 namespaces, and Atom); what
 * is ours is the edge around it: the bytes decoded by the charset the feed declares, with broken
 * bytes replaced rather than fatal; an entity-declaring DOCTYPE (the XML-bomb shape) refused
 * before any parser sees it; every string bounded to what the table holds; an item without an
 * enclosure (a blog post in a podcast feed) counted and skipped.
 */
import { parseFeed } from 'feedsmith'
import { AppError } from '../errors.ts'
import { declaresEntities } from '../net/xml-guard.ts'

export interface ParsedEpisode {
  guid: string
  title: string
  description: string | null
  publishedAt: Date | null
  enclosureUrl: string
  enclosureType: string | null
  enclosureLength: number | null
  durationS: number | null
  season: number | null
  episode: number | null
  episodeType: string | null
  explicit: boolean
  imageUrl: string | null
  chaptersUrl: string | null
  transcripts: Array<{ url: string; type: string; language?: string; rel?: string }>
  extras: Record<string, unknown>
}

export interface ParsedFeed {
  title: string
  author: string | null
  description: string | null
  link: string | null
  imageUrl: string | null
  language: string | null
  categories: string[]
  explicit: boolean
  podcastGuid: string | null
  /** `itunes:new-feed-url`: the publisher moved the feed there. */
  newFeedUrl: string | null
  extras: Record<string, unknown>
  episodes: ParsedEpisode[]
  /** Items left out, and why. */
  skipped: { noEnclosure: number; badEnclosure: number }
}

const cut = (s: unknown, max: number): string | null => {
  if (typeof s !== 'string') return null
  const t = s.trim()
  return t ? t.slice(0, max) : null
}
const int = (n: unknown): number | null => {
  const v = typeof n === 'string' ? Number(n) : n
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : null
}
/** An http(s) URL, resolved against the feed's own address, or null. */
function httpUrl(raw: unknown, base: string, max = 2048): string | null {
  if (typeof raw !== 'string' || !raw.trim()) return null
  try {
    const u = new URL(raw.trim(), base)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null
    const s = u.toString()
    return s.length <= max ? s : null
  } catch {
    return null
  }
}
function date(raw: unknown): Date | null {
  if (typeof raw !== 'string' && !(raw instanceof Date)) return null
  const d = new Date(raw)
  return Number.isNaN(d.getTime()) ? null : d
}
/** `itunes:duration` arrives as seconds or hh:mm:ss; feedsmith gives a number when it can. */
function seconds(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) && raw >= 0 ? Math.round(raw) : null
  if (typeof raw !== 'string') return null
  const parts = raw.trim().split(':').map(Number)
  if (!parts.length || parts.some((p) => !Number.isFinite(p) || p < 0)) return null
  return Math.round(parts.reduce((acc, p) => acc * 60 + p, 0))
}
const explicitOf = (v: unknown): boolean => v === true || (typeof v === 'string' && /^(yes|true|explicit)$/i.test(v.trim()))

/** The charset a feed declares (Content-Type, then the XML declaration), else UTF-8. */
export function feedCharset(bytes: Uint8Array, contentType: string | undefined): string {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1]
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200))
  const fromDecl = /<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1]
  for (const label of [fromDecl, fromHeader]) {
    if (!label) continue
    try {
      new TextDecoder(label)
      return label
    } catch {}
  }
  return 'utf-8'
}

/** Decodes and parses a feed; a feed that is not RSS or Atom, or is a bomb, is refused with the reason. */
export function parsePodcastFeed(bytes: Uint8Array, feedUrl: string, contentType?: string): ParsedFeed {
  const text = new TextDecoder(feedCharset(bytes, contentType), { fatal: false }).decode(bytes)
  if (declaresEntities(text)) throw new AppError('invalid_input', 'The feed declares XML entities (the shape of an XML bomb); it is refused.')
  let parsed: ReturnType<typeof parseFeed>
  try {
    parsed = parseFeed(text)
  } catch {
    throw new AppError('invalid_input', 'That address did not answer with a podcast feed (RSS or Atom).')
  }
  if (parsed.format === 'rss') return fromRss(parsed.feed as unknown as RssLike, feedUrl)
  if (parsed.format === 'atom') return fromAtom(parsed.feed as unknown as AtomLike, feedUrl)
  throw new AppError('invalid_input', `That is a ${parsed.format} feed; podcasts come as RSS.`)
}

// The parts of feedsmith's result read here (its types are wide generics; these are what we use).
interface RssLike {
  title?: string
  link?: string
  description?: string
  language?: string
  image?: { url?: string }
  categories?: Array<{ name?: string }>
  items?: RssItemLike[]
  itunes?: { image?: string; author?: string; explicit?: boolean; newFeedUrl?: string; categories?: Array<{ text?: string; categories?: Array<{ text?: string }> }> }
  podcast?: Record<string, unknown> & { guid?: string }
}
interface RssItemLike {
  title?: string
  description?: string
  content?: { encoded?: string }
  guid?: { value?: string } | string
  pubDate?: string
  enclosures?: Array<{ url?: string; length?: number; type?: string }>
  itunes?: { duration?: number | string; image?: string; explicit?: boolean; episode?: number; season?: number; episodeType?: string; title?: string }
  podcast?: {
    chapters?: { url?: string }
    transcripts?: Array<{ url?: string; type?: string; language?: string; rel?: string }>
    season?: { number?: number }
    episode?: { number?: number }
    persons?: unknown
    values?: unknown
    soundbites?: unknown
    alternateEnclosures?: unknown
  }
}
/** Atom text constructs arrive as `{value}` (or a plain string from older versions). */
type AtomText = string | { value?: string }
const atomText = (t: AtomText | undefined): string | undefined => (typeof t === 'string' ? t : t?.value)

interface AtomLike {
  title?: AtomText
  subtitle?: AtomText
  authors?: Array<{ name?: string }>
  icon?: string
  logo?: string
  links?: Array<{ href?: string; rel?: string }>
  entries?: Array<{ id?: string; title?: AtomText; summary?: AtomText; published?: string; updated?: string; links?: Array<{ href?: string; rel?: string; type?: string; length?: number }> }>
}

function fromRss(f: RssLike, feedUrl: string): ParsedFeed {
  const skipped = { noEnclosure: 0, badEnclosure: 0 }
  const episodes: ParsedEpisode[] = []
  const seen = new Set<string>()
  for (const item of f.items ?? []) {
    const enclosure = item.enclosures?.[0]
    if (!enclosure?.url) {
      skipped.noEnclosure++
      continue
    }
    const enclosureUrl = httpUrl(enclosure.url, feedUrl, 4096)
    if (!enclosureUrl) {
      skipped.badEnclosure++
      continue
    }
    const rawGuid = typeof item.guid === 'string' ? item.guid : item.guid?.value
    const guid = cut(rawGuid, 2048) ?? enclosureUrl
    if (seen.has(guid)) continue
    seen.add(guid)
    const p = item.podcast ?? {}
    const transcripts = (p.transcripts ?? []).flatMap((t) => {
      const url = httpUrl(t.url, feedUrl)
      return url && t.type ? [{ url, type: t.type.slice(0, 100), ...(t.language ? { language: t.language.slice(0, 35) } : {}), ...(t.rel ? { rel: t.rel.slice(0, 20) } : {}) }] : []
    })
    const extras: Record<string, unknown> = {}
    for (const k of ['persons', 'values', 'soundbites', 'alternateEnclosures'] as const) if (p[k] !== undefined) extras[k] = p[k]
    episodes.push({
      guid,
      title: cut(item.title, 1000) ?? cut(item.itunes?.title, 1000) ?? 'Untitled episode',
      description: cut(item.content?.encoded, 65536) ?? cut(item.description, 65536),
      publishedAt: date(item.pubDate),
      enclosureUrl,
      enclosureType: cut(enclosure.type, 100),
      enclosureLength: int(enclosure.length),
      durationS: seconds(item.itunes?.duration),
      season: int(item.itunes?.season) ?? int(p.season?.number),
      episode: int(item.itunes?.episode) ?? int(p.episode?.number),
      episodeType: cut(item.itunes?.episodeType, 20),
      explicit: explicitOf(item.itunes?.explicit),
      imageUrl: httpUrl(item.itunes?.image, feedUrl),
      chaptersUrl: httpUrl(p.chapters?.url, feedUrl),
      transcripts,
      extras,
    })
  }
  const categories = [...new Set([...(f.itunes?.categories ?? []).flatMap((c) => [c.text, ...(c.categories ?? []).map((s) => s.text)]), ...(f.categories ?? []).map((c) => c.name)])]
    .filter((c): c is string => typeof c === 'string' && c.trim().length > 0)
    .map((c) => c.trim().slice(0, 100))
    .slice(0, 20)
  const p = f.podcast ?? {}
  const extras: Record<string, unknown> = {}
  for (const k of ['fundings', 'values', 'persons', 'locked', 'medium']) if (p[k] !== undefined) extras[k] = p[k]
  return {
    title: cut(f.title, 500) ?? new URL(feedUrl).hostname,
    author: cut(f.itunes?.author, 500),
    description: cut(f.description, 16384),
    link: httpUrl(f.link, feedUrl),
    imageUrl: httpUrl(f.itunes?.image, feedUrl) ?? httpUrl(f.image?.url, feedUrl),
    language: cut(f.language, 35),
    categories,
    explicit: explicitOf(f.itunes?.explicit),
    podcastGuid: cut(p.guid, 200),
    newFeedUrl: httpUrl(f.itunes?.newFeedUrl, feedUrl),
    extras,
    episodes,
    skipped,
  }
}

function fromAtom(f: AtomLike, feedUrl: string): ParsedFeed {
  const skipped = { noEnclosure: 0, badEnclosure: 0 }
  const episodes: ParsedEpisode[] = []
  for (const e of f.entries ?? []) {
    const link = e.links?.find((l) => l.rel === 'enclosure')
    const enclosureUrl = link ? httpUrl(link.href, feedUrl, 4096) : null
    if (!link) skipped.noEnclosure++
    else if (!enclosureUrl) skipped.badEnclosure++
    if (!enclosureUrl) continue
    episodes.push({
      guid: cut(e.id, 2048) ?? enclosureUrl,
      title: cut(atomText(e.title), 1000) ?? 'Untitled episode',
      description: cut(atomText(e.summary), 65536),
      publishedAt: date(e.published ?? e.updated),
      enclosureUrl,
      enclosureType: cut(link?.type, 100),
      enclosureLength: int(link?.length),
      durationS: null,
      season: null,
      episode: null,
      episodeType: null,
      explicit: false,
      imageUrl: null,
      chaptersUrl: null,
      transcripts: [],
      extras: {},
    })
  }
  return {
    title: cut(atomText(f.title), 500) ?? new URL(feedUrl).hostname,
    author: cut(f.authors?.[0]?.name, 500),
    description: cut(atomText(f.subtitle), 16384),
    link: httpUrl(f.links?.find((l) => l.rel === 'alternate' || !l.rel)?.href, feedUrl),
    imageUrl: httpUrl(f.logo ?? f.icon, feedUrl),
    language: null,
    categories: [],
    explicit: false,
    podcastGuid: null,
    newFeedUrl: null,
    extras: {},
    episodes,
    skipped,
  }
}
