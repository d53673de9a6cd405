/**
 * Podcasts as a person sees them: the catalog's feeds and episodes under RLS (a kids profile
 * only the feeds allowed to it, and no explicit episodes), and the profile's own subscriptions
 * (with its speed and skips), episode progress and queue — profile level, filtered by
 * profile_id here too.
 */
import type { RequestDb } from './db.server.ts'
import { AppError } from './errors.ts'
import type { ProfilePerson } from './person.ts'

export interface PodcastShow {
  id: number
  title: string
  author: string | null
  description: string | null
  hasArtwork: boolean
  categories: string[]
  subscribed: boolean
  speed: number
  skipIntroS: number
  skipOutroS: number
  unplayed: number
  lastFetchAt: string | null
  lastFetchState: 'never' | 'ok' | 'not_modified' | 'failed'
  lastFetchMessage: string | null
  link: string | null
}

export interface PodcastEpisode {
  id: number
  feedId: number
  feedTitle: string
  title: string
  description: string | null
  publishedAt: string | null
  durationS: number | null
  season: number | null
  episode: number | null
  explicit: boolean
  hasChapters: boolean
  hasTranscript: boolean
  positionS: number
  played: boolean
  queued: boolean
}

export type EpisodeFilter = 'all' | 'new' | 'in-progress' | 'played'

const SHOW_COLUMNS = `f.id::float8 as id, f.title, f.author, f.description, (f.image_url is not null) as "hasArtwork", f.categories, f.link,
  (s.feed_id is not null) as subscribed, coalesce(s.speed, 1)::float8 as speed, coalesce(s.skip_intro_s, 0) as "skipIntroS", coalesce(s.skip_outro_s, 0) as "skipOutroS",
  f.last_fetch_at as "lastFetchAt", f.last_fetch_state as "lastFetchState", f.last_fetch_message as "lastFetchMessage",
  (select count(*)::int from catalog.podcast_episodes e where e.feed_id = f.id
     and not exists (select 1 from public.podcast_episode_progress p where p.episode_id = e.id and p.profile_id = $1)) as unplayed`

const EPISODE_COLUMNS = `e.id::float8 as id, e.feed_id::float8 as "feedId", f.title as "feedTitle", e.title, e.description, e.published_at as "publishedAt",
  e.duration_s as "durationS", e.season, e.episode, e.explicit, (e.chapters_url is not null) as "hasChapters", (jsonb_array_length(e.transcripts) > 0) as "hasTranscript",
  coalesce(p.position_s, 0)::float8 as "positionS", coalesce(p.played, false) as played,
  exists (select 1 from public.podcast_queue q where q.episode_id = e.id and q.profile_id = $1) as queued`

/** The profile's subscriptions, newest episode first. */
export function listSubscriptions(db: RequestDb, ctx: ProfilePerson): Promise<PodcastShow[]> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<PodcastShow>(
      `select ${SHOW_COLUMNS} from public.podcast_subscriptions s join catalog.podcast_feeds f on f.id = s.feed_id
        where s.profile_id = $1
        order by (select max(e.published_at) from catalog.podcast_episodes e where e.feed_id = f.id) desc nulls last, f.title`,
      [ctx.profileId],
    )
    return rows
  })
}

export function findShow(db: RequestDb, ctx: ProfilePerson, feedId: number): Promise<PodcastShow | null> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<PodcastShow>(
      `select ${SHOW_COLUMNS} from catalog.podcast_feeds f left join public.podcast_subscriptions s on s.feed_id = f.id and s.profile_id = $1 where f.id = $2`,
      [ctx.profileId, feedId],
    )
    return rows[0] ?? null
  })
}

/** A show's episodes for this profile, newest first, filtered as the person chose. */
export function listEpisodes(db: RequestDb, ctx: ProfilePerson, feedId: number, filter: EpisodeFilter = 'all', limit = 200): Promise<PodcastEpisode[]> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<PodcastEpisode>(
      `select ${EPISODE_COLUMNS} from catalog.podcast_episodes e join catalog.podcast_feeds f on f.id = e.feed_id
         left join public.podcast_episode_progress p on p.episode_id = e.id and p.profile_id = $1
        where e.feed_id = $2
          and case $3 when 'new' then p.episode_id is null when 'in-progress' then p.position_s > 0 and not p.played when 'played' then p.played else true end
        order by e.published_at desc nulls last, e.id desc limit $4`,
      [ctx.profileId, feedId, filter, limit],
    )
    return rows
  })
}

export function findEpisode(db: RequestDb, ctx: ProfilePerson, episodeId: number): Promise<PodcastEpisode | null> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<PodcastEpisode>(
      `select ${EPISODE_COLUMNS} from catalog.podcast_episodes e join catalog.podcast_feeds f on f.id = e.feed_id
         left join public.podcast_episode_progress p on p.episode_id = e.id and p.profile_id = $1 where e.id = $2`,
      [ctx.profileId, episodeId],
    )
    return rows[0] ?? null
  })
}

/** Episodes started and not finished, most recent first ("Continue listening"). */
export function inProgress(db: RequestDb, ctx: ProfilePerson, limit = 12): Promise<PodcastEpisode[]> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<PodcastEpisode>(
      `select ${EPISODE_COLUMNS} from public.podcast_episode_progress p join catalog.podcast_episodes e on e.id = p.episode_id
         join catalog.podcast_feeds f on f.id = e.feed_id
        where p.profile_id = $1 and p.position_s > 0 and not p.played order by p.updated_at desc limit $2`,
      [ctx.profileId, limit],
    )
    return rows
  })
}

/** The profile's queue ("Up next"), in its order. */
export function queue(db: RequestDb, ctx: ProfilePerson): Promise<PodcastEpisode[]> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<PodcastEpisode>(
      `select ${EPISODE_COLUMNS} from public.podcast_queue q join catalog.podcast_episodes e on e.id = q.episode_id
         join catalog.podcast_feeds f on f.id = e.feed_id
         left join public.podcast_episode_progress p on p.episode_id = e.id and p.profile_id = $1
        where q.profile_id = $1 order by q.position, q.added_at`,
      [ctx.profileId],
    )
    return rows
  })
}

const refusedAsKids = (err: unknown): never => {
  if ((err as { code?: string }).code === '42501' || (err as { code?: string }).code === '23503') throw new AppError('not_found', 'That podcast is not available to this profile.')
  throw err
}

export async function setSubscribed(db: RequestDb, ctx: ProfilePerson, feedId: number, on: boolean): Promise<void> {
  await db.asPerson(ctx, (tx) =>
    (on
      ? tx.query('insert into public.podcast_subscriptions (profile_id, feed_id) values ($1, $2) on conflict do nothing', [ctx.profileId, feedId])
      : tx.query('delete from public.podcast_subscriptions where profile_id = $1 and feed_id = $2', [ctx.profileId, feedId])
    ).catch(refusedAsKids),
  )
}

/** Subscribes to many feeds at once (an OPML import); returns how many were new. */
export async function subscribeAll(db: RequestDb, ctx: ProfilePerson, feedIds: number[]): Promise<number> {
  if (!feedIds.length) return 0
  return db.asPerson(ctx, async (tx) => {
    const { rowCount } = await tx.query(
      `insert into public.podcast_subscriptions (profile_id, feed_id) select $1, f.id from catalog.podcast_feeds f where f.id = any($2::bigint[]) on conflict do nothing`,
      [ctx.profileId, feedIds],
    )
    return rowCount ?? 0
  })
}

export async function setShowSettings(db: RequestDb, ctx: ProfilePerson, feedId: number, s: { speed: number; skipIntroS: number; skipOutroS: number }): Promise<void> {
  const changed = await db.asPerson(
    ctx,
    async (tx) =>
      (
        await tx.query('update public.podcast_subscriptions set speed = $3, skip_intro_s = $4, skip_outro_s = $5 where profile_id = $1 and feed_id = $2', [
          ctx.profileId,
          feedId,
          s.speed,
          s.skipIntroS,
          s.skipOutroS,
        ])
      ).rowCount,
  )
  if (!changed) throw new AppError('not_found', 'Subscribe to the podcast to keep settings for it.')
}

/** Where the profile is in an episode; past the last 30 s (or `ended`) it counts as played. */
export async function saveEpisodeProgress(db: RequestDb, ctx: ProfilePerson, episodeId: number, positionS: number, durationS: number | null, ended = false): Promise<{ played: boolean }> {
  const played = ended || (durationS !== null && durationS > 0 && positionS >= durationS - 30)
  await db.asPerson(ctx, (tx) =>
    tx
      .query(
        `insert into public.podcast_episode_progress (profile_id, episode_id, position_s, duration_s, played, updated_at) values ($1, $2, $3, $4, $5, now())
         on conflict (profile_id, episode_id) do update set position_s = excluded.position_s, duration_s = coalesce(excluded.duration_s, podcast_episode_progress.duration_s),
                played = podcast_episode_progress.played or excluded.played, updated_at = now()`,
        [ctx.profileId, episodeId, positionS, durationS, played],
      )
      .catch(refusedAsKids),
  )
  if (played) await db.asPerson(ctx, (tx) => tx.query('delete from public.podcast_queue where profile_id = $1 and episode_id = $2', [ctx.profileId, episodeId]))
  return { played }
}

export async function setPlayed(db: RequestDb, ctx: ProfilePerson, episodeId: number, played: boolean): Promise<void> {
  await db.asPerson(ctx, (tx) =>
    (played
      ? tx.query(
          `insert into public.podcast_episode_progress (profile_id, episode_id, played) values ($1, $2, true)
           on conflict (profile_id, episode_id) do update set played = true, updated_at = now()`,
          [ctx.profileId, episodeId],
        )
      : tx.query('delete from public.podcast_episode_progress where profile_id = $1 and episode_id = $2', [ctx.profileId, episodeId])
    ).catch(refusedAsKids),
  )
}

export async function setQueued(db: RequestDb, ctx: ProfilePerson, episodeId: number, on: boolean): Promise<void> {
  await db.asPerson(ctx, (tx) =>
    (on
      ? tx.query(
          `insert into public.podcast_queue (profile_id, episode_id, position)
           values ($1, $2, coalesce((select max(position) + 1 from public.podcast_queue where profile_id = $1), 0)) on conflict do nothing`,
          [ctx.profileId, episodeId],
        )
      : tx.query('delete from public.podcast_queue where profile_id = $1 and episode_id = $2', [ctx.profileId, episodeId])
    ).catch(refusedAsKids),
  )
}
