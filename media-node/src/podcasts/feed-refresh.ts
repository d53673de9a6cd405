/**
 * Fetching podcast feeds into the catalog, as a good podcast client does:
 *
 * - conditional GET: the ETag and Last-Modified of the last answer go back as If-None-Match and
 *   If-Modified-Since, and a 304 costs nothing but a row update;
 * - moves: a permanent redirect (301/308) or `itunes:new-feed-url` moves the feed to its new
 *   address once, recorded in `moved_from`/`moved_at` (a temporary 302 is followed, not recorded);
 * - backoff: a feed that fails waits 15 minutes, then 30, 60… up to a day, and says why in
 *   `last_fetch_message`; one slow or broken feed never holds the others (each fetch has its own
 *   time limit, and several run at once);
 * - everything through the SSRF guard, within a size limit.
 *
 * `FeedRefresher` runs on the media node: every few seconds it takes the feeds that are due and
 * that somebody subscribes to (or that someone asked to refresh) and refreshes them.
 */
import type pg from 'pg'
import type { Logger } from 'pino'
import type { WithClient } from '../db.ts'
import { AppError } from '../errors.ts'
import { readBytes, safeFetch } from '../net/safe-fetch.ts'
import { parsePodcastFeed, type ParsedFeed } from './feed-parser.ts'

export interface FeedLimits {
  maxBytes: number
  timeoutMs: number
  /** `host:port` pairs that may be private (the loopback fixture service). */
  allow: ReadonlySet<string>
  /** Minutes between refreshes of a healthy feed. */
  intervalMinutes: number
}

export interface FeedRow {
  id: number
  url: string
  etag: string | null
  last_modified: string | null
  error_count: number
}

export type RefreshOutcome = { state: 'ok'; newEpisodes: number; episodes: number; movedTo: string | null } | { state: 'not_modified'; movedTo: string | null } | { state: 'failed'; message: string }

const BACKOFF_FIRST_MIN = 15
const BACKOFF_MAX_MIN = 24 * 60
const USER_AGENT = 'BitTorrented/0.1 (podcast client; +https://github.com/bittorrented)'

/** A feed URL as the catalog keys it: http(s), no fragment, no credentials, host lower-cased. */
export function normalizeFeedUrl(raw: string): string {
  let u: URL
  try {
    u = new URL(
      raw
        .trim()
        .replace(/^feed:\/\//i, 'https://')
        .replace(/^(itpc|pcast|podcast):\/\//i, 'https://'),
    )
  } catch {
    throw new AppError('invalid_input', 'That is not a feed address (it should start with https://).')
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('invalid_input', 'A feed address starts with http:// or https://.')
  if (u.username || u.password) throw new AppError('invalid_input', 'A feed address may not carry a user name or password.')
  u.hash = ''
  const s = u.toString()
  if (s.length > 2048) throw new AppError('invalid_input', 'That feed address is too long.')
  return s
}

interface Fetched {
  status: 200 | 304
  bytes: Uint8Array
  finalUrl: string
  permanentMove: boolean
  etag: string | null
  lastModified: string | null
  contentType: string | undefined
}

async function fetchFeed(url: string, cache: { etag: string | null; lastModified: string | null }, limits: FeedLimits): Promise<Fetched> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5' }
  if (cache.etag) headers['if-none-match'] = cache.etag
  if (cache.lastModified) headers['if-modified-since'] = cache.lastModified
  const res = await safeFetch(url, { maxBytes: limits.maxBytes, timeoutMs: limits.timeoutMs, allow: limits.allow, headers, what: 'The feed' })
  const permanentMove = res.redirects.length > 0 && res.redirects.every((s) => s === 301 || s === 308)
  const header = (name: string) => {
    const v = res.headers[name]
    return typeof v === 'string' ? v.slice(0, name === 'etag' ? 500 : 100) : null
  }
  if (res.status === 304) {
    res.body.resume()
    return {
      status: 304,
      bytes: new Uint8Array(),
      finalUrl: res.url,
      permanentMove,
      etag: header('etag') ?? cache.etag,
      lastModified: header('last-modified') ?? cache.lastModified,
      contentType: undefined,
    }
  }
  if (res.status !== 200) {
    res.body.resume()
    const why = res.status === 404 || res.status === 410 ? 'is gone (the server says it no longer exists)' : res.status === 401 || res.status === 403 ? 'needs a login' : `answered ${res.status}`
    throw new AppError('upstream_unavailable', `The feed ${why}.`)
  }
  return { status: 200, bytes: await readBytes(res.body), finalUrl: res.url, permanentMove, etag: header('etag'), lastModified: header('last-modified'), contentType: res.headers['content-type'] }
}

/** Writes a parsed feed's show fields and episodes; returns how many episodes were new. */
export async function writeFeed(db: pg.ClientBase, feedId: number, parsed: ParsedFeed): Promise<{ episodes: number; newEpisodes: number }> {
  await db.query(
    `update catalog.podcast_feeds set title = $2, author = $3, description = $4, link = $5, image_url = $6, language = $7, categories = $8,
            explicit = $9, podcast_guid = coalesce($10, podcast_guid), extras = $11 where id = $1`,
    [feedId, parsed.title, parsed.author, parsed.description, parsed.link, parsed.imageUrl, parsed.language, parsed.categories, parsed.explicit, parsed.podcastGuid, JSON.stringify(parsed.extras)],
  )
  if (!parsed.episodes.length) return { episodes: 0, newEpisodes: 0 }
  const rows = parsed.episodes.map((e) => ({
    guid: e.guid,
    title: e.title,
    description: e.description,
    published_at: e.publishedAt?.toISOString() ?? null,
    enclosure_url: e.enclosureUrl,
    enclosure_type: e.enclosureType,
    enclosure_length: e.enclosureLength,
    duration_s: e.durationS,
    season: e.season,
    episode: e.episode,
    episode_type: e.episodeType,
    explicit: e.explicit,
    image_url: e.imageUrl,
    chapters_url: e.chaptersUrl,
    transcripts: e.transcripts,
    extras: e.extras,
  }))
  const { rows: written } = await db.query<{ inserted: boolean }>(
    `insert into catalog.podcast_episodes (feed_id, guid, title, description, published_at, enclosure_url, enclosure_type, enclosure_length, duration_s,
            season, episode, episode_type, explicit, image_url, chapters_url, transcripts, extras, seen_at)
     select $1, r.guid, r.title, r.description, r.published_at, r.enclosure_url, r.enclosure_type, r.enclosure_length, r.duration_s,
            r.season, r.episode, r.episode_type, coalesce(r.explicit, false), r.image_url, r.chapters_url, coalesce(r.transcripts, '[]'), coalesce(r.extras, '{}'), now()
       from jsonb_to_recordset($2::jsonb) as r(guid text, title text, description text, published_at timestamptz, enclosure_url text, enclosure_type text,
            enclosure_length bigint, duration_s integer, season integer, episode integer, episode_type text, explicit boolean, image_url text,
            chapters_url text, transcripts jsonb, extras jsonb)
     on conflict (feed_id, guid) do update set title = excluded.title, description = excluded.description, published_at = excluded.published_at,
            enclosure_url = excluded.enclosure_url, enclosure_type = excluded.enclosure_type, enclosure_length = excluded.enclosure_length,
            duration_s = excluded.duration_s, season = excluded.season, episode = excluded.episode, episode_type = excluded.episode_type,
            explicit = excluded.explicit, image_url = excluded.image_url, chapters_url = excluded.chapters_url, transcripts = excluded.transcripts,
            extras = excluded.extras, seen_at = now()
     returning (xmax = 0) as inserted`,
    [feedId, JSON.stringify(rows)],
  )
  return { episodes: written.length, newEpisodes: written.filter((r) => r.inserted).length }
}

/** Records a move to `to` (once); false when another catalog feed already has that address. */
async function moveFeed(db: pg.ClientBase, feedId: number, from: string, to: string): Promise<boolean> {
  if (to === from) return false
  const taken = await db.query('select 1 from catalog.podcast_feeds where url = $1 and id <> $2', [to, feedId])
  if (taken.rowCount) return false
  await db.query('update catalog.podcast_feeds set url = $2, moved_from = $3, moved_at = now(), etag = null, last_modified = null where id = $1', [feedId, to, from])
  return true
}

/** Refreshes one feed; the row says how it went, and when to try next. */
export async function refreshFeed(db: pg.ClientBase, feed: FeedRow, limits: FeedLimits): Promise<RefreshOutcome> {
  let outcome: RefreshOutcome
  try {
    const fetched = await fetchFeed(feed.url, { etag: feed.etag, lastModified: feed.last_modified }, limits)
    let movedTo: string | null = null
    if (fetched.permanentMove && (await moveFeed(db, feed.id, feed.url, normalizeFeedUrl(fetched.finalUrl)))) movedTo = normalizeFeedUrl(fetched.finalUrl)
    if (fetched.status === 304) {
      outcome = { state: 'not_modified', movedTo }
    } else {
      const parsed = parsePodcastFeed(fetched.bytes, fetched.finalUrl, fetched.contentType)
      const counts = await writeFeed(db, feed.id, parsed)
      // itunes:new-feed-url: the next fetch goes to the new address (once: the new feed does not name itself).
      if (!movedTo && parsed.newFeedUrl && normalizeFeedUrl(parsed.newFeedUrl) !== normalizeFeedUrl(fetched.finalUrl)) {
        const to = normalizeFeedUrl(parsed.newFeedUrl)
        if (await moveFeed(db, feed.id, movedTo ?? feed.url, to)) movedTo = to
      }
      outcome = { state: 'ok', ...counts, movedTo }
    }
    await db.query(
      `update catalog.podcast_feeds set etag = $2, last_modified = $3,
              error_count = 0, next_fetch_at = now() + make_interval(mins => $4), refresh_requested_at = null, last_fetch_at = now(),
              last_fetch_state = $5, last_fetch_message = $6, last_new_episodes = $7 where id = $1`,
      [
        feed.id,
        fetched.etag,
        fetched.lastModified,
        limits.intervalMinutes,
        outcome.state,
        outcome.state === 'ok'
          ? `${outcome.episodes} episodes, ${outcome.newEpisodes} new${movedTo ? `; moved to ${movedTo}` : ''}`
          : `Unchanged since the last fetch${movedTo ? `; moved to ${movedTo}` : ''}.`,
        outcome.state === 'ok' ? outcome.newEpisodes : 0,
      ],
    )
  } catch (err) {
    const message = err instanceof AppError ? err.message : 'The feed could not be read.'
    outcome = { state: 'failed', message }
    const errors = feed.error_count + 1
    const waitMin = Math.min(BACKOFF_MAX_MIN, BACKOFF_FIRST_MIN * 2 ** (errors - 1))
    await db.query(
      `update catalog.podcast_feeds set error_count = $2, next_fetch_at = now() + make_interval(mins => $3), refresh_requested_at = null,
              last_fetch_at = now(), last_fetch_state = 'failed', last_fetch_message = $4, last_new_episodes = 0 where id = $1`,
      [feed.id, errors, waitMin, message.slice(0, 500)],
    )
  }
  return outcome
}

/**
 * A feed by its address, fetched now when the catalog does not have it yet (so the person who
 * pasted it learns at once whether it is a podcast). Returns the catalog id.
 */
export async function addFeed(withClient: WithClient, rawUrl: string, limits: FeedLimits): Promise<{ feedId: number; created: boolean }> {
  const url = normalizeFeedUrl(rawUrl)
  return withClient(async (db) => {
    const known = await db.query<{ id: string }>('select id from catalog.podcast_feeds where url = $1 or moved_from = $1 order by (url = $1) desc limit 1', [url])
    if (known.rows[0]) return { feedId: Number(known.rows[0].id), created: false }
    const fetched = await fetchFeed(url, { etag: null, lastModified: null }, limits)
    const parsed = parsePodcastFeed(fetched.bytes, fetched.finalUrl, fetched.contentType)
    if (!parsed.episodes.length) throw new AppError('invalid_input', 'That feed has no episodes with audio or video to play.')
    const finalUrl = fetched.permanentMove ? normalizeFeedUrl(fetched.finalUrl) : url
    const { rows } = await db.query<{ id: string; inserted: boolean }>(
      `insert into catalog.podcast_feeds (url, moved_from, moved_at, title, etag, last_modified, last_fetch_at, last_fetch_state, next_fetch_at)
       values ($1, $2, case when $2::text is null then null else now() end, $3, $4, $5, now(), 'ok', now() + make_interval(mins => $6))
       on conflict (url) do update set title = catalog.podcast_feeds.title returning id, (xmax = 0) as inserted`,
      [finalUrl, finalUrl === url ? null : url, parsed.title, fetched.etag, fetched.lastModified, limits.intervalMinutes],
    )
    const feedId = Number(rows[0]!.id)
    const counts = await writeFeed(db, feedId, parsed)
    await db.query(`update catalog.podcast_feeds set last_fetch_message = $2, last_new_episodes = $3 where id = $1`, [feedId, `${counts.episodes} episodes`, counts.newEpisodes])
    return { feedId, created: rows[0]!.inserted }
  })
}

/**
 * Feeds from an OPML import, entered by address with the outline's title and fetched by the
 * refresher in the background (as AntennaPod does): an import of thousands returns at once.
 */
export async function enterFeeds(db: pg.ClientBase, feeds: Array<{ url: string; title: string }>): Promise<number[]> {
  if (!feeds.length) return []
  const { rows } = await db.query<{ id: string; url: string }>(
    `with given as (select * from jsonb_to_recordset($1::jsonb) as g(url text, title text)),
          known as (select f.id, g.url from given g join catalog.podcast_feeds f on f.url = g.url or f.moved_from = g.url),
          added as (insert into catalog.podcast_feeds (url, title) select g.url, g.title from given g where not exists (select 1 from known k where k.url = g.url)
                    on conflict (url) do update set title = catalog.podcast_feeds.title returning id, url)
     select id, url from known union all select id, url from added`,
    [JSON.stringify(feeds.map((f) => ({ url: f.url, title: f.title.slice(0, 500) || new URL(f.url).hostname })))],
  )
  const byUrl = new Map(rows.map((r) => [r.url, Number(r.id)]))
  return feeds.map((f) => byUrl.get(f.url)).filter((id): id is number => id !== undefined)
}

export class FeedRefresher {
  private timer: NodeJS.Timeout | null = null
  private running = false
  constructor(
    private readonly deps: {
      withClient: WithClient
      limits: FeedLimits
      log?: Logger
      everyMs?: number
      concurrency?: number
      /** Called after each feed (metrics, the benchmark). */
      onRefreshed?: (feedId: number, outcome: RefreshOutcome, ms: number) => void
    },
  ) {}

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => void this.tick(), this.deps.everyMs ?? 5_000)
    this.timer.unref()
    void this.tick()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** Refreshes every feed due now (subscribed to, past its time or asked for); resolves when done. */
  async tick(): Promise<number> {
    if (this.running) return 0
    this.running = true
    try {
      const due = await this.deps.withClient(
        async (db) =>
          (
            await db.query<FeedRow>(
              `select f.id::float8 as id, f.url, f.etag, f.last_modified, f.error_count from catalog.podcast_feeds f
                where (f.refresh_requested_at is not null or f.next_fetch_at <= now())
                  and exists (select 1 from public.podcast_subscriptions s where s.feed_id = f.id)
                order by f.refresh_requested_at nulls last, f.next_fetch_at limit 2000`,
            )
          ).rows,
      )
      const queue = [...due]
      const worker = async () => {
        for (let feed = queue.shift(); feed; feed = queue.shift()) {
          const started = performance.now()
          const outcome = await this.deps.withClient((db) => refreshFeed(db, feed!, this.deps.limits))
          this.deps.onRefreshed?.(feed.id, outcome, performance.now() - started)
          this.deps.log?.info({ feed: feed.id, state: outcome.state, ...(outcome.state === 'failed' ? { reason: outcome.message } : {}) }, 'feed refreshed')
        }
      }
      await Promise.all(Array.from({ length: Math.min(this.deps.concurrency ?? 8, queue.length) }, worker))
      return due.length
    } catch (err) {
      this.deps.log?.warn({ err: (err as Error).message }, 'feed refresh round failed')
      return 0
    } finally {
      this.running = false
    }
  }
}
