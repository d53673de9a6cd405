/**
 * Finding podcasts: Podcast Index (signed with the four headers its API asks for) and Apple's
 * iTunes Search (keyless), asked at once and merged, de-duplicated by feed address and
 * `podcast:guid`. Either may be down or unconfigured: the other's answer is still given, and the
 * result says which sources answered. Our own fetch clients (../shared/EXTERNAL-APIS.md §4: the
 * npm client sends a fractional X-Auth-Date and cannot change its base URL).
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { readText, safeFetch } from '../net/safe-fetch.ts'
import { normalizeFeedUrl } from './feed-refresh.ts'

export interface DirectoryConfig {
  podcastIndex: { baseUrl: string; key: string; secret: string } | null
  itunesBaseUrl: string | null
  allow: ReadonlySet<string>
  timeoutMs: number
  now?: () => number
}

export interface DirectoryPodcast {
  feedUrl: string
  title: string
  author: string | null
  description: string | null
  artwork: string | null
  categories: string[]
  podcastGuid: string | null
  episodeCount: number | null
  sources: Array<'podcastindex' | 'itunes'>
}

export interface DirectoryAnswer {
  podcasts: DirectoryPodcast[]
  /** Sources that could not answer, in words. */
  unavailable: string[]
}

const USER_AGENT = 'BitTorrented/0.1'
const MAX_BYTES = 4 * 1024 * 1024

/** The four Podcast Index headers: the date is whole seconds, the hash SHA-1 of key + secret + date. */
export function podcastIndexHeaders(key: string, secret: string, nowMs: number): Record<string, string> {
  const date = String(Math.floor(nowMs / 1000))
  return {
    'User-Agent': USER_AGENT,
    'X-Auth-Key': key,
    'X-Auth-Date': date,
    Authorization: createHash('sha1')
      .update(key + secret + date)
      .digest('hex'),
  }
}

const PiFeedSchema = z
  .object({
    url: z.string(),
    title: z.string().catch(''),
    author: z.string().nullish().catch(null),
    description: z.string().nullish().catch(null),
    artwork: z.string().nullish().catch(null),
    image: z.string().nullish().catch(null),
    podcastGuid: z.string().nullish().catch(null),
    episodeCount: z.number().nullish().catch(null),
    categories: z.record(z.string()).nullish().catch(null),
    dead: z.union([z.number(), z.boolean()]).nullish().catch(null),
  })
  .passthrough()
const PiFeedsSchema = z.object({ status: z.union([z.literal('true'), z.literal(true)]), feeds: z.array(z.unknown()) })
const PiCategoriesSchema = z.object({ feeds: z.array(z.object({ id: z.number(), name: z.string() })) })
const ItunesSchema = z.object({ results: z.array(z.unknown()) })
const ItunesResultSchema = z
  .object({
    feedUrl: z.string(),
    collectionName: z.string().catch(''),
    artistName: z.string().nullish().catch(null),
    artworkUrl600: z.string().nullish().catch(null),
    artworkUrl100: z.string().nullish().catch(null),
    genres: z.array(z.string()).nullish().catch(null),
    trackCount: z.number().nullish().catch(null),
  })
  .passthrough()

const webUrl = (s: string | null | undefined) => (s && /^https?:\/\//i.test(s) ? s.slice(0, 2048) : null)

export class PodcastDirectory {
  constructor(private readonly config: DirectoryConfig) {}

  private async getJson(url: string, headers: Record<string, string>, what: string): Promise<unknown> {
    const res = await safeFetch(url, { maxBytes: MAX_BYTES, timeoutMs: this.config.timeoutMs, allow: this.config.allow, headers, what })
    const text = await readText(res.body)
    if (res.status !== 200) throw new Error(`${what} answered ${res.status}${res.status === 401 ? ' (the API key was refused)' : ''}`)
    // iTunes answers text/javascript: the body is parsed as JSON whatever the type says.
    return JSON.parse(text)
  }

  private pi(path: string, query: Record<string, string>): Promise<unknown> {
    const pi = this.config.podcastIndex!
    const url = new URL(`${pi.baseUrl.replace(/\/$/, '')}/${path}`)
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
    return this.getJson(url.toString(), podcastIndexHeaders(pi.key, pi.secret, (this.config.now ?? Date.now)()), 'Podcast Index')
  }

  private static fromPi(raw: unknown): DirectoryPodcast | null {
    const f = PiFeedSchema.safeParse(raw)
    if (!f.success || f.data.dead === 1 || f.data.dead === true) return null
    let feedUrl: string
    try {
      feedUrl = normalizeFeedUrl(f.data.url)
    } catch {
      return null
    }
    return {
      feedUrl,
      title: f.data.title || feedUrl,
      author: f.data.author ?? null,
      description: f.data.description?.slice(0, 2000) ?? null,
      artwork: webUrl(f.data.artwork) ?? webUrl(f.data.image),
      categories: Object.values(f.data.categories ?? {}),
      podcastGuid: f.data.podcastGuid ?? null,
      episodeCount: f.data.episodeCount ?? null,
      sources: ['podcastindex'],
    }
  }

  private async searchPodcastIndex(term: string, max: number): Promise<DirectoryPodcast[]> {
    const body = PiFeedsSchema.parse(await this.pi('search/byterm', { q: term, max: String(max) }))
    return body.feeds.map(PodcastDirectory.fromPi).filter((p): p is DirectoryPodcast => p !== null)
  }

  private async searchItunes(term: string, max: number): Promise<DirectoryPodcast[]> {
    const url = new URL(`${this.config.itunesBaseUrl!.replace(/\/$/, '')}/search`)
    url.searchParams.set('term', term)
    url.searchParams.set('media', 'podcast')
    url.searchParams.set('limit', String(Math.min(max, 200)))
    const body = ItunesSchema.parse(await this.getJson(url.toString(), { 'User-Agent': USER_AGENT }, 'iTunes Search'))
    const out: DirectoryPodcast[] = []
    for (const raw of body.results) {
      // An Apple-only show has no feed URL: nothing to subscribe to.
      const r = ItunesResultSchema.safeParse(raw)
      if (!r.success) continue
      let feedUrl: string
      try {
        feedUrl = normalizeFeedUrl(r.data.feedUrl)
      } catch {
        continue
      }
      out.push({
        feedUrl,
        title: r.data.collectionName || feedUrl,
        author: r.data.artistName ?? null,
        description: null,
        artwork: webUrl(r.data.artworkUrl600) ?? webUrl(r.data.artworkUrl100),
        categories: (r.data.genres ?? []).filter((g) => g !== 'Podcasts'),
        podcastGuid: null,
        episodeCount: r.data.trackCount ?? null,
        sources: ['itunes'],
      })
    }
    return out
  }

  /** Both directories at once, merged: Podcast Index's order first, iTunes-only shows after. */
  async search(term: string, max = 30): Promise<DirectoryAnswer> {
    const q = term.trim().slice(0, 200)
    if (!q) return { podcasts: [], unavailable: [] }
    const asks: Array<[string, Promise<DirectoryPodcast[]>]> = []
    if (this.config.podcastIndex) asks.push(['Podcast Index', this.searchPodcastIndex(q, max)])
    if (this.config.itunesBaseUrl) asks.push(['iTunes Search', this.searchItunes(q, max)])
    const settled = await Promise.allSettled(asks.map(([, p]) => p))
    const unavailable = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${asks[i]![0]} did not answer.`] : []))
    return { podcasts: mergeDirectoryResults(settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))).slice(0, max), unavailable }
  }

  /** Podcast Index's trending shows (empty when it is not configured). */
  async trending(max = 20, category?: string): Promise<DirectoryAnswer> {
    if (!this.config.podcastIndex) return { podcasts: [], unavailable: ['Podcast Index is not configured.'] }
    try {
      const body = PiFeedsSchema.parse(await this.pi('podcasts/trending', { max: String(max), ...(category ? { cat: category } : {}) }))
      return { podcasts: body.feeds.map(PodcastDirectory.fromPi).filter((p): p is DirectoryPodcast => p !== null), unavailable: [] }
    } catch {
      return { podcasts: [], unavailable: ['Podcast Index did not answer.'] }
    }
  }

  async categories(): Promise<string[]> {
    if (!this.config.podcastIndex) return []
    try {
      return PiCategoriesSchema.parse(await this.pi('categories/list', {})).feeds.map((c) => c.name)
    } catch {
      return []
    }
  }
}

/** Lists from several directories as one: the same show (feed address or podcast:guid) once, its fields filled from whichever has them. */
export function mergeDirectoryResults(lists: DirectoryPodcast[][]): DirectoryPodcast[] {
  const out: DirectoryPodcast[] = []
  const byKey = new Map<string, DirectoryPodcast>()
  const keyOf = (p: DirectoryPodcast) => [`url:${p.feedUrl.replace(/^https?:\/\//, '').replace(/\/$/, '')}`, ...(p.podcastGuid ? [`guid:${p.podcastGuid.toLowerCase()}`] : [])]
  for (const list of lists) {
    for (const p of list) {
      const keys = keyOf(p)
      const known = keys.map((k) => byKey.get(k)).find(Boolean)
      if (known) {
        known.sources = [...new Set([...known.sources, ...p.sources])]
        known.artwork ??= p.artwork
        known.description ??= p.description
        known.author ??= p.author
        known.podcastGuid ??= p.podcastGuid
        if (!known.categories.length) known.categories = p.categories
        for (const k of keys) byKey.set(k, known)
        continue
      }
      const copy = { ...p, sources: [...p.sources] }
      out.push(copy)
      for (const k of keys) byKey.set(k, copy)
    }
  }
  return out
}
