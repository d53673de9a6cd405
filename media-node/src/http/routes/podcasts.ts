/**
 * Podcast routes. Calls the edge app makes for one person, signed for `podcasts`:
 * `GET /v1/podcasts/search?q=` and `GET /v1/podcasts/trending?cat=` (the directories, merged),
 * `POST /v1/podcasts/feeds?url=` (a feed by address: fetched now when new), `POST /v1/podcasts/opml`
 * (an OPML body: its feeds entered, fetched in the background), and
 * `GET /v1/podcasts/subscriptions.opml` (the signed profile's subscriptions, as a download).
 * What a browser loads, signed for `episode:<id>` or `feed:<id>`:
 * `GET /v1/podcasts/episodes/:id/audio` (the enclosure through the SSRF guard, byte ranges passed
 * on), `GET /v1/podcasts/episodes/:id/extras` (chapters and transcript, parsed) and
 * `GET /v1/podcasts/feeds/:id/artwork`.
 */
import { Readable } from 'node:stream'
import {
  AddedFeedSchema,
  artworkResource,
  DirectoryAnswerSchema,
  type EpisodeExtras,
  episodeResource,
  feedResource,
  OpmlImportedSchema,
  PODCASTS_RESOURCE,
  parseCatalogId,
  type SignedSubject,
} from '@bittorrented/common'
import type { Hono } from 'hono'
import type { Logger } from 'pino'
import type { WithClient } from '../../db.ts'
import { AppError } from '../../errors.ts'
import { ImageCache } from '../../net/image-cache.ts'
import { readText, safeFetch } from '../../net/safe-fetch.ts'
import { parseChapters, parseTranscript, pickTranscript } from '../../podcasts/chapters-and-transcripts.ts'
import type { PodcastDirectory } from '../../podcasts/directory.ts'
import { addFeed, enterFeeds, type FeedLimits } from '../../podcasts/feed-refresh.ts'
import { parseSubscriptionOpml, subscriptionOpml } from '../../podcasts/opml.ts'
import type { SignedEnv } from '../require-signature.ts'

export interface PodcastDeps {
  withClient: WithClient
  directory: PodcastDirectory
  limits: FeedLimits
  log?: Logger
}

const OPML_MAX_BYTES = 5 * 1024 * 1024
const EXTRAS_KEPT = 500
const EXTRAS_TTL_MS = 30 * 60_000
const ENCLOSURE_MAX_BYTES = 4 * 1024 * 1024 * 1024
/** Podcast hosts put analytics prefixes before the file: redirect chains of 6–8 are common. */
const ENCLOSURE_REDIRECTS = 10

function requireResource(subject: SignedSubject, resource: string): void {
  if (subject.resource !== resource) throw new AppError('not_allowed', 'This URL was signed for something else.')
}
function requireProfile(subject: SignedSubject): string {
  if (!subject.profileId) throw new AppError('not_allowed', 'Podcasts need a profile.')
  return subject.profileId
}
function idOf(c: { req: { param(name: string): string } }): number {
  const id = parseCatalogId(c.req.param('id'))
  if (id === null) throw new AppError('invalid_input', 'An id is a positive whole number.')
  return id
}

export function mountPodcastRoutes(app: Hono<SignedEnv>, deps: PodcastDeps): void {
  const extrasCache = new Map<number, { value: EpisodeExtras; until: number }>()
  const artwork = new ImageCache({ allow: deps.limits.allow, log: deps.log, what: 'The artwork' })

  app.get('/v1/podcasts/search', async (c) => {
    requireResource(c.get('subject'), PODCASTS_RESOURCE)
    const q = (c.req.query('q') ?? '').trim()
    if (q.length > 200) throw new AppError('invalid_input', 'A search is at most 200 characters.')
    return c.json(DirectoryAnswerSchema.parse(await deps.directory.search(q)))
  })

  app.get('/v1/podcasts/trending', async (c) => {
    requireResource(c.get('subject'), PODCASTS_RESOURCE)
    const cat = c.req.query('cat')?.trim().slice(0, 100) || undefined
    const [answer, categories] = await Promise.all([deps.directory.trending(20, cat), deps.directory.categories()])
    return c.json(DirectoryAnswerSchema.parse({ ...answer, categories }))
  })

  app.post('/v1/podcasts/feeds', async (c) => {
    const subject = c.get('subject')
    requireResource(subject, PODCASTS_RESOURCE)
    requireProfile(subject)
    const url = c.req.query('url')
    if (!url) throw new AppError('invalid_input', 'Give the feed’s address.')
    return c.json(AddedFeedSchema.parse(await addFeed(deps.withClient, url, deps.limits)))
  })

  app.post('/v1/podcasts/opml', async (c) => {
    const subject = c.get('subject')
    requireResource(subject, PODCASTS_RESOURCE)
    requireProfile(subject)
    const length = Number(c.req.header('content-length') ?? 0)
    if (length > OPML_MAX_BYTES) throw new AppError('invalid_input', `An OPML file is at most ${OPML_MAX_BYTES / 1024 / 1024} MB.`)
    const text = await c.req.text()
    if (text.length > OPML_MAX_BYTES) throw new AppError('invalid_input', `An OPML file is at most ${OPML_MAX_BYTES / 1024 / 1024} MB.`)
    const parsed = parseSubscriptionOpml(text)
    const feedIds = await deps.withClient((db) => enterFeeds(db, parsed.feeds))
    return c.json(OpmlImportedSchema.parse({ feedIds, outlines: parsed.outlines, duplicates: parsed.duplicates, invalid: parsed.invalid }))
  })

  app.get('/v1/podcasts/subscriptions.opml', async (c) => {
    const subject = c.get('subject')
    requireResource(subject, PODCASTS_RESOURCE)
    const profileId = requireProfile(subject)
    const feeds = await deps.withClient(
      async (db) =>
        (
          await db.query<{ url: string; title: string; link: string | null }>(
            `select f.url, f.title, f.link from public.podcast_subscriptions s join catalog.podcast_feeds f on f.id = s.feed_id
              where s.profile_id = $1 order by lower(f.title)`,
            [profileId],
          )
        ).rows,
    )
    return c.body(subscriptionOpml(feeds), 200, { 'Content-Type': 'text/x-opml; charset=utf-8', 'Content-Disposition': 'attachment; filename="bittorrented-podcasts.opml"' })
  })

  const episodeRow = async (id: number) => {
    const row = await deps.withClient(
      async (db) =>
        (
          await db.query<{ enclosure_url: string; chapters_url: string | null; transcripts: Array<{ url: string; type: string; language?: string }> }>(
            'select enclosure_url, chapters_url, transcripts from catalog.podcast_episodes where id = $1',
            [id],
          )
        ).rows[0],
    )
    if (!row) throw new AppError('not_found', 'There is no such episode.')
    return row
  }

  app.on(['GET', 'HEAD'], '/v1/podcasts/episodes/:id/audio', async (c) => {
    const id = idOf(c)
    requireResource(c.get('subject'), episodeResource(id))
    const { enclosure_url } = await episodeRow(id)
    const range = c.req.header('range')
    const res = await safeFetch(enclosure_url, {
      maxBytes: ENCLOSURE_MAX_BYTES,
      timeoutMs: Number.POSITIVE_INFINITY,
      idleMs: 30_000,
      maxRedirects: ENCLOSURE_REDIRECTS,
      allow: deps.limits.allow,
      headers: { 'accept-encoding': 'identity', ...(range && /^bytes=\d*-\d*$/.test(range) ? { range } : {}) },
      what: 'The episode’s audio',
    })
    if (res.status !== 200 && res.status !== 206) {
      res.body.destroy()
      if (res.status === 416) return c.body(null, 416, { 'Content-Range': String(res.headers['content-range'] ?? '') })
      throw new AppError('upstream_unavailable', `The podcast’s host answered ${res.status} for this episode.`)
    }
    const headers: Record<string, string> = { 'Content-Type': String(res.headers['content-type'] ?? 'audio/mpeg'), 'Cache-Control': 'private, max-age=3600' }
    for (const h of ['content-length', 'content-range', 'accept-ranges'] as const) if (res.headers[h]) headers[h.replace(/(^|-)\w/g, (m) => m.toUpperCase())] = String(res.headers[h])
    if (c.req.method === 'HEAD') {
      res.body.destroy()
      return c.body(null, res.status as 200 | 206, headers)
    }
    c.req.raw.signal.addEventListener('abort', () => res.body.destroy(), { once: true })
    return c.body(Readable.toWeb(res.body) as ReadableStream<Uint8Array>, res.status as 200 | 206, headers)
  })

  app.get('/v1/podcasts/episodes/:id/extras', async (c) => {
    const id = idOf(c)
    requireResource(c.get('subject'), episodeResource(id))
    const kept = extrasCache.get(id)
    if (kept && kept.until > Date.now()) return c.json(kept.value)
    const row = await episodeRow(id)
    const problems: string[] = []
    const fetchText = async (url: string, what: string, maxBytes: number) => {
      const res = await safeFetch(url, { maxBytes, timeoutMs: 15_000, allow: deps.limits.allow, what })
      const text = await readText(res.body)
      if (res.status !== 200) throw new AppError('upstream_unavailable', `${what} answered ${res.status}.`)
      return text
    }
    let chapters: EpisodeExtras['chapters'] = []
    if (row.chapters_url) {
      try {
        chapters = parseChapters(JSON.parse(await fetchText(row.chapters_url, 'The chapters', 2 * 1024 * 1024)))
      } catch (err) {
        problems.push(err instanceof AppError ? err.message : 'The chapters could not be read.')
      }
    }
    let transcript: EpisodeExtras['transcript'] = null
    const pick = pickTranscript(Array.isArray(row.transcripts) ? row.transcripts : [])
    if (pick) {
      try {
        transcript = { language: pick.language ?? null, cues: parseTranscript(await fetchText(pick.url, 'The transcript', 8 * 1024 * 1024), pick.type) }
      } catch (err) {
        problems.push(err instanceof AppError ? err.message : 'The transcript could not be read.')
      }
    }
    const value: EpisodeExtras = { chapters, transcript, problems }
    extrasCache.set(id, { value, until: Date.now() + (problems.length ? 60_000 : EXTRAS_TTL_MS) })
    if (extrasCache.size > EXTRAS_KEPT) extrasCache.delete(extrasCache.keys().next().value!)
    return c.json(value)
  })

  // `GET /v1/podcasts/art?src=<address>`: a directory result's cover, signed for that address.
  app.get('/v1/podcasts/art', async (c) => {
    const url = c.req.query('src') ?? ''
    requireResource(c.get('subject'), await artworkResource(url))
    return ImageCache.respond(c, await artwork.get(`art:${url}`, async () => url), 'That picture could not be fetched.')
  })

  app.get('/v1/podcasts/feeds/:id/artwork', async (c) => {
    const id = idOf(c)
    requireResource(c.get('subject'), feedResource(id))
    const image = await artwork.get(`feed:${id}`, () =>
      deps.withClient(async (db) => (await db.query<{ image_url: string | null }>('select image_url from catalog.podcast_feeds where id = $1', [id])).rows[0]?.image_url),
    )
    return ImageCache.respond(c, image, 'This podcast has no artwork.')
  })
}
