/**
 * Live TV as a person sees it: the family's providers (account level, never their credentials),
 * their channels with what is on now and next (catalog level under RLS: a kids profile only in
 * the groups allowed to it), the guide for a window, and the profile's own favourites, recently
 * watched channels and hidden groups (profile level, filtered by profile_id here too).
 */
import { sealSecret } from '@bittorrented/common'
import { z } from 'zod'
import type { RequestDb } from './db.server.ts'
import { AppError } from './errors.ts'
import type { Person, ProfilePerson } from './person.ts'

import type { LiveChannel, LiveProgramme, LiveProvider } from './live-tv-types.ts'
import { fitsCeiling, WITHHELD_TITLE } from './programme-rating.ts'

export type { LiveChannel, LiveProgramme, LiveProvider } from './live-tv-types.ts'

export interface ChannelQuery {
  /** A kids profile's rating ceiling: now/next above it are shown without their titles. */
  ceiling?: string | null
  group?: string | null
  q?: string | null
  favoritesOnly?: boolean
  limit?: number
}

const CHANNEL_LIMIT = 300
/** What a channel tile shows of catalog.iptv_channels `c` (never the stream URL: it is not readable). */
const CHANNEL_COLUMNS = `c.id::float8 as id, c.provider_id as "providerId", c.name, c.number, c.group_name as "group", c.logo_url as logo, c.playable,
  case when c.catchup_type is not null and c.catchup_days > 0 then c.catchup_days end as "catchupDays"`

/** The channels this profile sees (hidden groups left out), with now and next. */
export function listChannels(db: RequestDb, ctx: ProfilePerson, query: ChannelQuery = {}): Promise<LiveChannel[]> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<LiveChannel>(
      `select ${CHANNEL_COLUMNS},
              (f.channel_id is not null) as favorite,
              case when n.title is not null then json_build_object('title', n.title, 'start', n.starts_at, 'end', n.ends_at, 'rating', n.rating) end as now,
              case when x.title is not null then json_build_object('title', x.title, 'start', x.starts_at, 'rating', x.rating) end as next
         from catalog.iptv_channels c
         left join public.live_favorites f on f.channel_id = c.id and f.profile_id = $1
         left join lateral (select p.title, p.starts_at, p.ends_at, p.rating from catalog.iptv_programmes p
                             where p.channel_id = c.id and p.ends_at > now() and p.starts_at <= now() order by p.starts_at desc limit 1) n on true
         left join lateral (select p.title, p.starts_at, p.rating from catalog.iptv_programmes p
                             where p.channel_id = c.id and p.starts_at > now() order by p.starts_at limit 1) x on true
        where not exists (select 1 from public.live_hidden_groups h where h.profile_id = $1 and h.provider_id = c.provider_id and h.group_name = c.group_name)
          and ($2::text is null or c.group_name = $2)
          and ($3::text is null or c.name ilike '%' || replace(replace(replace($3, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')
          and (not $4 or f.channel_id is not null)
        order by (f.channel_id is null), f.position, c.provider_id, c.position
        limit $5`,
      [ctx.profileId, query.group ?? null, query.q?.trim() || null, query.favoritesOnly ?? false, Math.min(query.limit ?? CHANNEL_LIMIT, CHANNEL_LIMIT)],
    )
    const mask = <T extends { title: string; rating?: string | null }>(p: T | null): T | null => (p && !fitsCeiling(p.rating, query.ceiling) ? { ...p, title: WITHHELD_TITLE } : p)
    return rows.map((c) => ({ ...c, now: mask(c.now), next: mask(c.next) }))
  })
}

/** One channel this profile may see, or null. */
export async function findChannel(db: RequestDb, ctx: ProfilePerson, channelId: number): Promise<LiveChannel | null> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<LiveChannel>(
      `select ${CHANNEL_COLUMNS},
              exists (select 1 from public.live_favorites f where f.channel_id = c.id and f.profile_id = $1) as favorite, null as now, null as next
         from catalog.iptv_channels c where c.id = $2`,
      [ctx.profileId, channelId],
    )
    return rows[0] ?? null
  })
}

/** The groups of the channels this profile sees, with counts, and which of them it hid. */
export function listGroups(db: RequestDb, ctx: ProfilePerson): Promise<{ groups: Array<{ providerId: string; name: string; channels: number; hidden: boolean }> }> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<{ providerId: string; name: string; channels: number; hidden: boolean }>(
      `select c.provider_id as "providerId", coalesce(c.group_name, 'Other') as name, count(*)::int as channels,
              exists (select 1 from public.live_hidden_groups h where h.profile_id = $1 and h.provider_id = c.provider_id and h.group_name = c.group_name) as hidden
         from catalog.iptv_channels c group by c.provider_id, c.group_name order by min(c.position)`,
      [ctx.profileId],
    )
    return { groups: rows }
  })
}

/** The guide of these channels between `from` and `to` (at most a day, at most 100 channels). */
/**
 * The guide of `channelIds` between `from` and `to`. With a rating `ceiling` (a kids profile),
 * a programme rated above it keeps its slot but not its title or description.
 */
export function guide(db: RequestDb, ctx: ProfilePerson, channelIds: number[], from: Date, to: Date, ceiling: string | null = null): Promise<LiveProgramme[]> {
  if (to.getTime() - from.getTime() > 24 * 3600_000) throw new AppError('invalid_input', 'The guide shows at most a day at a time.')
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<LiveProgramme>(
      `select p.channel_id::float8 as "channelId", p.title, p.subtitle, p.description, p.rating, p.starts_at as start, p.ends_at as "end"
         from catalog.iptv_programmes p
        where p.channel_id = any($1::bigint[]) and p.ends_at > $2 and p.starts_at < $3
        order by p.channel_id, p.starts_at`,
      [channelIds.slice(0, 100), from, to],
    )
    return rows.map((p) => (fitsCeiling(p.rating, ceiling) ? p : { ...p, title: WITHHELD_TITLE, subtitle: null, description: null }))
  })
}

export async function setFavorite(db: RequestDb, ctx: ProfilePerson, channelId: number, on: boolean): Promise<void> {
  await db.asPerson(ctx, async (tx) => {
    if (on) {
      const { rowCount } = await tx.query(
        `insert into public.live_favorites (profile_id, channel_id, position)
         select $1, c.id, coalesce((select max(position) + 1 from public.live_favorites where profile_id = $1), 0) from catalog.iptv_channels c where c.id = $2
         on conflict do nothing`,
        [ctx.profileId, channelId],
      )
      if (rowCount === 0 && !(await tx.query('select 1 from catalog.iptv_channels where id = $1', [channelId])).rowCount) throw new AppError('not_found', 'There is no such channel.')
    } else {
      await tx.query('delete from public.live_favorites where profile_id = $1 and channel_id = $2', [ctx.profileId, channelId])
    }
  })
}

export async function setGroupHidden(db: RequestDb, ctx: ProfilePerson, providerId: string, group: string, hidden: boolean): Promise<void> {
  await db.asPerson(ctx, async (tx) => {
    if (hidden) await tx.query('insert into public.live_hidden_groups (profile_id, provider_id, group_name) values ($1, $2, $3) on conflict do nothing', [ctx.profileId, providerId, group])
    else await tx.query('delete from public.live_hidden_groups where profile_id = $1 and provider_id = $2 and group_name = $3', [ctx.profileId, providerId, group])
  })
}

/** Remembers that this profile watched the channel (the "recently watched" row). */
export async function recordWatched(db: RequestDb, ctx: ProfilePerson, channelId: number): Promise<void> {
  await db.asPerson(ctx, (tx) =>
    tx.query(
      `insert into public.live_recent (profile_id, channel_id, watched_at) select $1, c.id, now() from catalog.iptv_channels c where c.id = $2
       on conflict (profile_id, channel_id) do update set watched_at = now()`,
      [ctx.profileId, channelId],
    ),
  )
}

export function recentChannels(db: RequestDb, ctx: ProfilePerson, limit = 12): Promise<Array<{ id: number; name: string; logo: string | null }>> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<{ id: number; name: string; logo: string | null }>(
      `select c.id::float8 as id, c.name, c.logo_url as logo from public.live_recent r join catalog.iptv_channels c on c.id = r.channel_id
        where r.profile_id = $1 order by r.watched_at desc limit $2`,
      [ctx.profileId, limit],
    )
    return rows
  })
}

const hostOf = (url: string | null) => {
  try {
    return url ? new URL(url).host : null
  } catch {
    return null
  }
}

export function listProviders(db: RequestDb, person: Person): Promise<LiveProvider[]> {
  return db.asPerson(person, async (tx) => {
    const { rows } = await tx.query<{
      id: string
      name: string
      kind: 'm3u' | 'xtream'
      playlist_url: string | null
      xtream_server: string | null
      refresh_minutes: number
      last_refresh_at: string | null
      last_refresh_state: LiveProvider['state']
      last_refresh_message: string | null
    }>(`select id, name, kind, playlist_url, xtream_server, refresh_minutes, last_refresh_at, last_refresh_state, last_refresh_message from public.iptv_providers order by created_at`)
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      host: hostOf(r.kind === 'xtream' ? r.xtream_server : r.playlist_url) ?? (r.kind === 'm3u' ? 'uploaded playlist' : null),
      refreshMinutes: r.refresh_minutes,
      lastRefreshAt: r.last_refresh_at,
      state: r.last_refresh_state,
      message: r.last_refresh_message,
    }))
  })
}

const HttpUrl = z
  .string()
  .trim()
  .max(2048)
  .url('That is not a URL.')
  .refine((u) => /^https?:\/\//i.test(u), 'Use an http or https address.')

export const NewProviderSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('m3u'),
    name: z.string().trim().min(1, 'Give the provider a name.').max(80),
    url: HttpUrl.optional().or(z.literal('').transform(() => undefined)),
    text: z
      .string()
      .max(16 * 1024 * 1024, 'An uploaded playlist is at most 16 MB.')
      .optional(),
    epgUrl: HttpUrl.optional().or(z.literal('').transform(() => undefined)),
  }),
  z.object({
    kind: z.literal('xtream'),
    name: z.string().trim().min(1, 'Give the provider a name.').max(80),
    server: HttpUrl,
    username: z.string().trim().min(1, 'The Xtream user name is missing.').max(200),
    password: z.string().min(1, 'The Xtream password is missing.').max(200),
    epgUrl: HttpUrl.optional().or(z.literal('').transform(() => undefined)),
  }),
])
export type NewProvider = z.infer<typeof NewProviderSchema>

/** Adds a provider to the person's account (the database lets only the account manager, from a grown-up profile); the media node refreshes it next. */
export async function addProvider(db: RequestDb, ctx: ProfilePerson, sealingKey: string, p: NewProvider): Promise<string> {
  if (p.kind === 'm3u' && !p.url && !p.text?.trim()) throw new AppError('invalid_input', 'Give the playlist’s address, or paste the playlist.')
  const sealed = p.kind === 'xtream' ? await sealSecret(sealingKey, JSON.stringify({ username: p.username, password: p.password })) : null
  return db.asPerson(ctx, async (tx) => {
    const account = (await tx.query<{ account_id: string }>('select account_id from public.profiles where id = $1', [ctx.profileId])).rows[0]?.account_id
    if (!account) throw new AppError('profile_required', 'Choose a profile first.')
    try {
      const { rows } = await tx.query<{ id: string }>(
        `insert into public.iptv_providers (account_id, name, kind, playlist_url, playlist_text, xtream_server, epg_url, secret_key_id, secret_ciphertext, refresh_requested_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now()) returning id`,
        [
          account,
          p.name,
          p.kind,
          p.kind === 'm3u' ? (p.url ?? null) : null,
          p.kind === 'm3u' && !p.url ? p.text : null,
          p.kind === 'xtream' ? p.server : null,
          p.epgUrl ?? null,
          sealed?.keyId ?? null,
          sealed?.ciphertext ?? null,
        ],
      )
      return rows[0]!.id
    } catch (err) {
      if ((err as { code?: string }).code === '42501') throw new AppError('not_allowed', 'Only the account owner, from a grown-up profile, can add an IPTV provider.')
      throw err
    }
  })
}

/** Asks the media node to refresh a provider now (it picks it up within seconds). */
export async function requestRefresh(db: RequestDb, ctx: ProfilePerson, providerId: string): Promise<void> {
  const changed = await db.asPerson(ctx, async (tx) => (await tx.query('update public.iptv_providers set refresh_requested_at = now() where id = $1', [providerId])).rowCount)
  if (!changed) throw new AppError('not_allowed', 'Only the account owner, from a grown-up profile, can refresh a provider.')
}

export interface KidsGroupAllowance {
  profileId: string
  name: string
  /** The groups allowed to this kids profile. */
  allowed: Array<{ providerId: string; group: string }>
}

/** The family's kids profiles and the groups each may watch; empty unless the person is the account manager on a grown-up profile. */
export function kidsGroupAllowances(db: RequestDb, ctx: ProfilePerson): Promise<KidsGroupAllowance[]> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<KidsGroupAllowance>(
      `select k.id as "profileId", k.name,
              coalesce((select json_agg(json_build_object('providerId', g.provider_id, 'group', g.group_name)) from public.live_kids_groups g where g.kids_profile_id = k.id), '[]') as allowed
         from public.profiles k join public.profiles me on me.id = $1 and me.account_id = k.account_id
        where k.is_kids and (select private.is_account_manager(k.account_id)) order by k.name`,
      [ctx.profileId],
    )
    return rows
  })
}

/** Allows (or withdraws) a channel group for a kids profile; only the account manager, from a grown-up profile. */
export async function setKidsGroup(db: RequestDb, ctx: ProfilePerson, kidsProfileId: string, providerId: string, group: string, allowed: boolean): Promise<void> {
  await db.asPerson(ctx, async (tx) => {
    try {
      if (allowed) {
        await tx.query(
          `insert into public.live_kids_groups (account_id, kids_profile_id, provider_id, group_name) select p.account_id, p.id, $2, $3 from public.profiles p where p.id = $1 on conflict do nothing`,
          [kidsProfileId, providerId, group],
        )
      } else await tx.query('delete from public.live_kids_groups where kids_profile_id = $1 and provider_id = $2 and group_name = $3', [kidsProfileId, providerId, group])
    } catch (err) {
      if ((err as { code?: string }).code === '42501') throw new AppError('not_allowed', 'Only the account owner, from a grown-up profile, chooses what kids profiles watch.')
      throw err
    }
  })
}
