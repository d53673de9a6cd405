/**
 * A profile's own data. Every function takes the profile context (user + selected profile),
 * runs with that profile in the claims (RLS) and also filters by profile_id itself, so a
 * mistake in one layer is still caught by the other.
 */
import { INFO_HASH_PATTERN } from '@bittorrented/common'
import { z } from 'zod'
import { BIDI_CONTROL } from '@bittorrented/common'
import type { RequestDb } from './db.server.ts'
import type { ProfilePerson } from './person.ts'
import type { PlayerSettings } from './player-settings.ts'

export interface ResumeItem {
  infoHash: string
  fileIndex: number
  title: string
  positionS: number
  durationS: number
  updatedAt: string
  /** In the catalog, so the watch page can play it. */
  playable: boolean
  /** What the catalog says the file is ('audio' goes in "Continue listening"); null when unknown. */
  mediaType: string | null
}

export interface ReadingItem {
  infoHash: string
  fileIndex: number
  title: string
  fraction: number
  /** In the catalog for this profile, so the reader can open it. */
  readable: boolean
}

export interface SavedItem {
  infoHash: string
  title: string
  /** The catalog has it (for this profile): the tile links to its page. */
  inCatalog: boolean
}

export interface ProfileHome {
  /** Films and episodes in progress, by last use (audio is in continueListening). */
  continueWatching: ResumeItem[]
  continueListening: ResumeItem[]
  /** Books started and not finished (under 98 %). */
  continueReading: ReadingItem[]
  myList: SavedItem[]
  favorites: SavedItem[]
  recentSearches: string[]
}

// Jellyfin's rule: under 5% is not started, over 90% is finished; neither is a resume point.
const RESUME_WINDOW = 'position_s >= duration_s * 0.05 and position_s <= duration_s * 0.9'
const RESUME_ITEMS = `select w.info_hash as "infoHash", w.file_index as "fileIndex", w.title, w.position_s as "positionS", w.duration_s as "durationS",
         w.updated_at as "updatedAt", exists (select 1 from catalog.torrents c where c.info_hash = w.info_hash) as playable,
         (select f.media_type from catalog.torrent_files f where f.info_hash = w.info_hash and f.file_index = w.file_index) as "mediaType"
    from public.watch_progress w where w.profile_id = $1 and ${RESUME_WINDOW}`

export function listContinueWatching(db: RequestDb, ctx: ProfilePerson, limit = 20): Promise<ResumeItem[]> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<ResumeItem>(`${RESUME_ITEMS} order by updated_at desc limit $2`, [ctx.profileId, limit])
    return rows
  })
}

export function getProfileHome(db: RequestDb, ctx: ProfilePerson): Promise<ProfileHome> {
  return db.asPerson(ctx, async (tx) => {
    const p = [ctx.profileId]
    const [resume, reading, list, favs, searches] = [
      await tx.query<ResumeItem>(`${RESUME_ITEMS} order by updated_at desc limit 40`, p),
      await tx.query<ReadingItem>(
        `select r.info_hash as "infoHash", r.file_index as "fileIndex", r.title, r.fraction,
                exists (select 1 from catalog.torrents c where c.info_hash = r.info_hash) as readable
           from public.reading_progress r where r.profile_id = $1 and r.fraction < 0.98 order by r.updated_at desc limit 20`,
        p,
      ),
      await tx.query<SavedItem>(
        `select info_hash as "infoHash", title, exists (select 1 from catalog.torrents c where c.info_hash = w.info_hash) as "inCatalog"
           from public.watchlist w where profile_id = $1 order by added_at desc limit 50`,
        p,
      ),
      await tx.query<SavedItem>(
        `select info_hash as "infoHash", title, exists (select 1 from catalog.torrents c where c.info_hash = f.info_hash) as "inCatalog"
           from public.favorites f where profile_id = $1 order by created_at desc limit 50`,
        p,
      ),
      // Distinct (older duplicates from before searches were recorded once), most recent first.
      await tx.query<{ query: string }>(
        `select query from (select distinct on (lower(query)) query, searched_at from public.search_history where profile_id = $1 order by lower(query), searched_at desc) s
          order by searched_at desc limit 10`,
        p,
      ),
    ]
    return {
      continueWatching: resume.rows.filter((r) => r.mediaType !== 'audio').slice(0, 20),
      continueListening: resume.rows.filter((r) => r.mediaType === 'audio').slice(0, 20),
      continueReading: reading.rows,
      myList: list.rows,
      favorites: favs.rows,
      recentSearches: searches.rows.map((r) => r.query),
    }
  })
}

/** The title a player or reader reports with its progress, as shown in Continue watching. */
const TitleSchema = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .refine((t) => !BIDI_CONTROL.test(t), 'Titles cannot contain text-direction controls.')

export const ProgressSchema = z
  .object({
    infoHash: z.string().regex(INFO_HASH_PATTERN, 'infoHash is 40 lowercase hex characters'),
    fileIndex: z.number().int().min(0).max(1_000_000),
    title: TitleSchema,
    positionS: z.number().min(0).max(1e7),
    durationS: z.number().positive().max(1e7),
  })
  .refine((p) => p.positionS <= p.durationS + 1, 'positionS cannot be past the end')
export type Progress = z.infer<typeof ProgressSchema>

/**
 * Saves where a profile is in a file. Under 5% (not really started) or over 90% (finished) is
 * no resume point: the row is removed instead (Jellyfin's rule). Returns whether it was kept.
 */
export function saveProgress(db: RequestDb, ctx: ProfilePerson, p: Progress): Promise<boolean> {
  return db.asPerson(ctx, async (tx) => {
    const fraction = p.positionS / p.durationS
    if (fraction < 0.05 || fraction > 0.9) {
      await tx.query('delete from public.watch_progress where profile_id = $1 and info_hash = $2 and file_index = $3', [ctx.profileId, p.infoHash, p.fileIndex])
      return false
    }
    await tx.query(
      `insert into public.watch_progress (profile_id, info_hash, file_index, title, position_s, duration_s, updated_at)
       values ($1, $2, $3, $4, $5, $6, now())
       on conflict (profile_id, info_hash, file_index) do update
         set title = excluded.title, position_s = excluded.position_s, duration_s = excluded.duration_s, updated_at = now()`,
      [ctx.profileId, p.infoHash, p.fileIndex, p.title, Math.floor(p.positionS), Math.ceil(p.durationS)],
    )
    return true
  })
}

/** The saved position in a file, in seconds, or null. */
export function findResumePosition(db: RequestDb, ctx: ProfilePerson, infoHash: string, fileIndex: number): Promise<number | null> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<{ position_s: number }>(`select position_s from public.watch_progress where profile_id = $1 and info_hash = $2 and file_index = $3 and ${RESUME_WINDOW}`, [
      ctx.profileId,
      infoHash,
      fileIndex,
    ])
    return rows[0]?.position_s ?? null
  })
}

export { PlayerSettingsSchema, type PlayerSettings } from './player-settings.ts'

const DEFAULT_SETTINGS: PlayerSettings = { subtitleLanguage: null, audioLanguage: null, subtitleSize: 'medium', playbackRate: 1, autoplayNext: true }

export function getPlayerSettings(db: RequestDb, ctx: ProfilePerson): Promise<PlayerSettings> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<PlayerSettings>(
      `select subtitle_language as "subtitleLanguage", audio_language as "audioLanguage", subtitle_size as "subtitleSize",
              playback_rate::float8 as "playbackRate", autoplay_next as "autoplayNext"
         from public.player_settings where profile_id = $1`,
      [ctx.profileId],
    )
    return rows[0] ?? DEFAULT_SETTINGS
  })
}

export function savePlayerSettings(db: RequestDb, ctx: ProfilePerson, s: PlayerSettings): Promise<void> {
  return db.asPerson(ctx, async (tx) => {
    await tx.query(
      `insert into public.player_settings (profile_id, subtitle_language, audio_language, subtitle_size, playback_rate, autoplay_next, updated_at)
       values ($1, $2, $3, $4, $5, $6, now())
       on conflict (profile_id) do update set subtitle_language = excluded.subtitle_language, audio_language = excluded.audio_language,
         subtitle_size = excluded.subtitle_size, playback_rate = excluded.playback_rate, autoplay_next = excluded.autoplay_next, updated_at = now()`,
      [ctx.profileId, s.subtitleLanguage, s.audioLanguage, s.subtitleSize, s.playbackRate, s.autoplayNext],
    )
  })
}

/** Whether the title is on this profile's list. */
export function isOnList(db: RequestDb, ctx: ProfilePerson, infoHash: string): Promise<boolean> {
  return db.asPerson(ctx, async (tx) => ((await tx.query(`select 1 from public.watchlist where profile_id = $1 and info_hash = $2`, [ctx.profileId, infoHash])).rowCount ?? 0) > 0)
}

/** Puts a title on this profile's list or takes it off (idempotent either way). */
export function setOnList(db: RequestDb, ctx: ProfilePerson, infoHash: string, title: string, on: boolean): Promise<void> {
  return db.asPerson(ctx, async (tx) => {
    if (on) {
      await tx.query(`insert into public.watchlist (profile_id, info_hash, title) values ($1, $2, $3) on conflict (profile_id, info_hash) do nothing`, [ctx.profileId, infoHash, title.slice(0, 300)])
    } else {
      await tx.query(`delete from public.watchlist where profile_id = $1 and info_hash = $2`, [ctx.profileId, infoHash])
    }
  })
}

export const ReadingProgressSchema = z.object({
  infoHash: z.string().regex(INFO_HASH_PATTERN),
  fileIndex: z.number().int().min(0),
  title: TitleSchema,
  location: z.string().min(1).max(500),
  fraction: z.number().min(0).max(1),
})
export type ReadingProgress = z.infer<typeof ReadingProgressSchema>

/** Where this profile is in the book, or null the first time. */
export function findReadingPosition(db: RequestDb, ctx: ProfilePerson, infoHash: string, fileIndex: number): Promise<{ location: string; fraction: number } | null> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<{ location: string; fraction: number }>(`select location, fraction from public.reading_progress where profile_id = $1 and info_hash = $2 and file_index = $3`, [
      ctx.profileId,
      infoHash,
      fileIndex,
    ])
    return rows[0] ?? null
  })
}

export function saveReadingPosition(db: RequestDb, ctx: ProfilePerson, r: ReadingProgress): Promise<void> {
  return db.asPerson(ctx, async (tx) => {
    await tx.query(
      `insert into public.reading_progress (profile_id, info_hash, file_index, title, location, fraction, updated_at)
       values ($1, $2, $3, $4, $5, $6, now())
       on conflict (profile_id, info_hash, file_index) do update set location = excluded.location, fraction = excluded.fraction, title = excluded.title, updated_at = now()`,
      [ctx.profileId, r.infoHash, r.fileIndex, r.title, r.location, r.fraction],
    )
  })
}
