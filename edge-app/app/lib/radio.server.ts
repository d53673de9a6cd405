/**
 * Radio as a person sees it: the catalog's stations under RLS (a kids profile only the ones
 * allowed to it) and the profile's own favourites and recently played (profile level, filtered
 * by profile_id here too). Finding stations goes through the media node (Radio Browser).
 */
import type { RequestDb } from './db.server.ts'
import { AppError } from './errors.ts'
import type { ProfilePerson } from './person.ts'

export interface RadioStation {
  id: number
  name: string
  homepage: string | null
  hasLogo: boolean
  tags: string[]
  country: string | null
  countrycode: string | null
  languages: string[]
  codec: string | null
  bitrate: number | null
  /** Streams as HLS (played through hls.js where the browser has no HLS of its own). */
  hls: boolean
  favorite: boolean
}

const STATION_COLUMNS = `s.id::float8 as id, s.name, s.homepage, (s.favicon_url is not null) as "hasLogo", s.tags, s.country, s.countrycode, s.languages, s.codec, s.bitrate, s.hls,
  exists (select 1 from public.radio_favorites f where f.station_id = s.id and f.profile_id = $1) as favorite`

export function favoriteStations(db: RequestDb, ctx: ProfilePerson): Promise<RadioStation[]> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<RadioStation>(
      `select ${STATION_COLUMNS} from public.radio_favorites f join catalog.radio_stations s on s.id = f.station_id where f.profile_id = $1 order by f.position, f.added_at`,
      [ctx.profileId],
    )
    return rows
  })
}

export function recentStations(db: RequestDb, ctx: ProfilePerson, limit = 8): Promise<RadioStation[]> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<RadioStation>(
      `select ${STATION_COLUMNS} from public.radio_recent r join catalog.radio_stations s on s.id = r.station_id where r.profile_id = $1 order by r.played_at desc limit $2`,
      [ctx.profileId, limit],
    )
    return rows
  })
}

/** Stations by id as this profile may see them (in the order given): a directory answer filtered by RLS. */
export function visibleStations(db: RequestDb, ctx: ProfilePerson, ids: number[]): Promise<RadioStation[]> {
  if (!ids.length) return Promise.resolve([])
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<RadioStation>(`select ${STATION_COLUMNS} from catalog.radio_stations s where s.id = any($2::bigint[])`, [ctx.profileId, ids])
    const byId = new Map(rows.map((r) => [r.id, r]))
    return ids.map((id) => byId.get(id)).filter((s): s is RadioStation => s !== undefined)
  })
}

export async function findStation(db: RequestDb, ctx: ProfilePerson, stationId: number): Promise<RadioStation | null> {
  return (await visibleStations(db, ctx, [stationId]))[0] ?? null
}

const notForThisProfile = (err: unknown): never => {
  if ((err as { code?: string }).code === '42501' || (err as { code?: string }).code === '23503') throw new AppError('not_found', 'That station is not available to this profile.')
  throw err
}

export async function setFavoriteStation(db: RequestDb, ctx: ProfilePerson, stationId: number, on: boolean): Promise<void> {
  await db.asPerson(ctx, (tx) =>
    (on
      ? tx.query(
          `insert into public.radio_favorites (profile_id, station_id, position)
           values ($1, $2, coalesce((select max(position) + 1 from public.radio_favorites where profile_id = $1), 0)) on conflict do nothing`,
          [ctx.profileId, stationId],
        )
      : tx.query('delete from public.radio_favorites where profile_id = $1 and station_id = $2', [ctx.profileId, stationId])
    ).catch(notForThisProfile),
  )
}

export async function recordPlayed(db: RequestDb, ctx: ProfilePerson, stationId: number): Promise<void> {
  await db.asPerson(ctx, (tx) =>
    tx
      .query(`insert into public.radio_recent (profile_id, station_id, played_at) values ($1, $2, now()) on conflict (profile_id, station_id) do update set played_at = now()`, [
        ctx.profileId,
        stationId,
      ])
      .catch(notForThisProfile),
  )
}
