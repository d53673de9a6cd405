/**
 * A profile's own data. Every function takes the profile context (user + selected profile),
 * runs with that profile in the claims (RLS) and also filters by profile_id itself, so a
 * mistake in one layer is still caught by the other.
 */
import { z } from 'zod'
import type { RequestDb } from './db.server.ts'

export interface ProfileContext {
  userId: string
  profileId: string
}

export interface ResumeItem {
  infoHash: string
  fileIndex: number
  title: string
  positionS: number
  durationS: number
  updatedAt: string
}

export interface SavedItem {
  infoHash: string
  title: string
}

export interface ProfileHome {
  continueWatching: ResumeItem[]
  myList: SavedItem[]
  favorites: SavedItem[]
  recentSearches: string[]
}

// Jellyfin's rule: under 5% is not started, over 90% is finished; neither is a resume point.
const RESUME_WINDOW = 'position_s >= duration_s * 0.05 and position_s <= duration_s * 0.9'

export function listContinueWatching(db: RequestDb, ctx: ProfileContext, limit = 20): Promise<ResumeItem[]> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<ResumeItem>(
      `select info_hash as "infoHash", file_index as "fileIndex", title, position_s as "positionS", duration_s as "durationS", updated_at as "updatedAt"
         from public.watch_progress where profile_id = $1 and ${RESUME_WINDOW}
        order by updated_at desc limit $2`,
      [ctx.profileId, limit],
    )
    return rows
  })
}

export function getProfileHome(db: RequestDb, ctx: ProfileContext): Promise<ProfileHome> {
  return db.asPerson(ctx, async (tx) => {
    const p = [ctx.profileId]
    const [resume, list, favs, searches] = [
      await tx.query<ResumeItem>(
        `select info_hash as "infoHash", file_index as "fileIndex", title, position_s as "positionS", duration_s as "durationS", updated_at as "updatedAt"
           from public.watch_progress where profile_id = $1 and ${RESUME_WINDOW} order by updated_at desc limit 20`,
        p,
      ),
      await tx.query<SavedItem>(`select info_hash as "infoHash", title from public.watchlist where profile_id = $1 order by added_at desc limit 50`, p),
      await tx.query<SavedItem>(`select info_hash as "infoHash", title from public.favorites where profile_id = $1 order by created_at desc limit 50`, p),
      await tx.query<{ query: string }>(`select query from public.search_history where profile_id = $1 order by searched_at desc limit 10`, p),
    ]
    return { continueWatching: resume.rows, myList: list.rows, favorites: favs.rows, recentSearches: searches.rows.map((r) => r.query) }
  })
}

export const PlayerSettingsSchema = z.object({
  subtitleLanguage: z.string().regex(/^[a-z]{2,3}$/).nullable(),
  audioLanguage: z.string().regex(/^[a-z]{2,3}$/).nullable(),
  subtitleSize: z.enum(['small', 'medium', 'large']),
  playbackRate: z.coerce.number().min(0.25).max(3),
  autoplayNext: z.boolean(),
})
export type PlayerSettings = z.infer<typeof PlayerSettingsSchema>

const DEFAULT_SETTINGS: PlayerSettings = { subtitleLanguage: null, audioLanguage: null, subtitleSize: 'medium', playbackRate: 1, autoplayNext: true }

export function getPlayerSettings(db: RequestDb, ctx: ProfileContext): Promise<PlayerSettings> {
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

export function savePlayerSettings(db: RequestDb, ctx: ProfileContext, s: PlayerSettings): Promise<void> {
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
