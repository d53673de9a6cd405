/**
 * Writes torrents into the catalog, whatever brought them (a .torrent file, a magnet link, a
 * Bitmagnet import): checks each entry, classifies it and parses its name at ingest, and upserts
 * on the info hash — so every ingest path is idempotent and a later, better-informed sighting
 * (files known, more seeders) updates the row instead of adding one.
 *
 * Runs inside the caller's transaction as `service_role` (the only role that writes the catalog):
 * `inCatalogTransaction` opens one.
 */
import { isInfoHash } from '@bittorrented/common'
import type pg from 'pg'
import type { Queryable } from '@bittorrented/common'
import { mediaKindOf } from '../streaming/media-type.ts'
import { classifyTorrent } from './classify.ts'
import { inheritTitleRatings, normalizeRating } from './content-rating.ts'

export interface CatalogFileEntry {
  path: string
  length: number
  /** The file's index in the torrent; its position in the list when absent. */
  index?: number
}

export interface CatalogEntry {
  infoHash: string
  name: string
  sizeBytes: number
  /** null when not known yet (a magnet link without metadata). */
  files: CatalogFileEntry[] | null
  /** Where it came from: bitmagnet, upload, magnet, … */
  source: string
  seeders?: number | null
  leechers?: number | null
  discoveredAt?: Date | null
  /** The source says it is adult content (Bitmagnet's `xxx` type), whatever the name says. */
  adultHint?: boolean
  /**
   * The title's age rating when the source knows it (any system normalizeRating places). Without
   * one, a torrent takes the rating of another torrent of the same title and year, if any.
   */
  contentRating?: string | null
  /** How many files the torrent has, when the source knows more than it listed (Bitmagnet keeps the first 100). */
  fileCount?: number
  /** A private torrent (BEP 27): its peers come from its trackers only. */
  isPrivate?: boolean
  /** What the source's own classifier says it is (Bitmagnet: movie, tv_show, music, …). */
  sourceContentType?: string | null
}

export type SkipReason = 'bad_info_hash' | 'bad_name' | 'bad_size' | 'hostile_path' | 'bad_file' | 'too_many_files'

export const MAX_FILES_PER_TORRENT = 20_000
const MAX_NAME = 1000
const MAX_PATH = 4096

/**
 * A file path as a torrent may carry it: relative, '/'-separated, no empty, '.' or '..'
 * elements, no backslashes or control characters. Anything else could point outside the folder
 * the files are put in, so the torrent is refused rather than guessed at.
 */
export function isSafeFilePath(path: string): boolean {
  if (path.length === 0 || path.length > MAX_PATH || path.startsWith('/')) return false
  if (/[\u0000-\u001f\u007f\\]/.test(path) || /^[a-zA-Z]:/.test(path)) return false
  return path.split('/').every((e) => e !== '' && e !== '.' && e !== '..')
}

/** Why an entry cannot go in the catalog, or null when it can. */
export function checkEntry(e: CatalogEntry): SkipReason | null {
  if (!isInfoHash(e.infoHash)) return 'bad_info_hash'
  const name = e.name.trim()
  if (!name || name.length > MAX_NAME || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(name)) return 'bad_name'
  if (!Number.isSafeInteger(e.sizeBytes) || e.sizeBytes < 0) return 'bad_size'
  if (e.files) {
    if (e.files.length > MAX_FILES_PER_TORRENT) return 'too_many_files'
    const seen = new Set<number>()
    for (const [i, f] of e.files.entries()) {
      const index = f.index ?? i
      if (seen.has(index)) return 'bad_file'
      seen.add(index)
      if (!isSafeFilePath(f.path)) return 'hostile_path'
      if (!Number.isSafeInteger(f.length) || f.length < 0 || (f.index !== undefined && (!Number.isInteger(f.index) || f.index < 0))) return 'bad_file'
    }
  }
  return null
}

/**
 * The artist of a music torrent as its files' tags name it (the media node reads them for the
 * album view): replaces the one parsed from the name, for good. Returns whether a row changed.
 */
export async function recordTaggedArtist(tx: Queryable, infoHash: string, artist: string): Promise<boolean> {
  const name = artist
    .replace(/\s+/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 300)
  if (!name) return false
  const { rows } = await tx.query(
    `update catalog.torrents set artist = $2, artist_from_tags = true, updated_at = now()
      where info_hash = $1 and content_type in ('music_album', 'music_track') and (artist is distinct from $2 or not artist_from_tags)
      returning info_hash`,
    [infoHash, name],
  )
  return rows.length > 0
}

/** Runs `fn` in one transaction as `service_role`, the only role that writes the catalog; any error rolls it all back. */
export async function inCatalogTransaction<T>(client: Queryable, fn: () => Promise<T>): Promise<T> {
  await client.query('begin')
  try {
    await client.query(`select set_config('role', 'service_role', true)`)
    const result = await fn()
    await client.query('commit')
    return result
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw err
  }
}

const nonNegative = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : null)

/**
 * Upserts checked entries (call checkEntry first) in two statements: the torrents, then the files
 * of those whose files are known (replacing what was there). Returns how many torrents it wrote.
 */
/** At most `max` characters (code points, as PostgreSQL's char_length counts), cut at a character boundary. */
export function fitChars(value: string | null, max: number): string | null {
  if (value === null) return null
  if (value.length <= max) return value
  const chars = Array.from(value)
  return chars.length <= max ? value : chars.slice(0, max).join('').trimEnd()
}

/** A parsed field too long for its column is garbage (80 characters of "release group"): left empty. */
const orNullOver = (value: string | null, max: number) => (value !== null && Array.from(value).length > max ? null : value)

export async function upsertCatalogEntries(tx: pg.ClientBase, entries: CatalogEntry[]): Promise<number> {
  if (entries.length === 0) return 0
  // One row per info hash: within a batch the last sighting wins.
  const byHash = new Map(entries.map((e) => [e.infoHash, e]))
  const list = [...byHash.values()]
  // Every value fitted to its column's limit (catalog migrations): one long name must never fail a batch.
  const classified = list.map((e) => {
    const files = e.files ?? []
    const c = classifyTorrent(e.name.trim(), files.length ? files : [{ path: e.name.trim(), length: e.sizeBytes }], e.sourceContentType)
    const isAdult = c.isAdult || e.adultHint === true
    return {
      ...c,
      isAdult,
      contentType: isAdult ? 'adult' : c.contentType,
      title: fitChars(c.title, 500),
      artist: fitChars(c.artist, 300) || null,
      resolution: orNullOver(c.resolution, 16),
      codec: orNullOver(c.codec, 32),
      source: orNullOver(c.source, 32),
      language: orNullOver(c.language, 32),
      group: orNullOver(c.group, 64),
    }
  })
  const column = <T>(f: (e: CatalogEntry, i: number) => T) => list.map(f)
  const ratings = list.map((e) => normalizeRating(e.contentRating))
  await tx.query(
    `insert into catalog.torrents (info_hash, name, size_bytes, file_count, source, seeders, leechers, discovered_at,
                                   content_type, title, year, season, episode, resolution, video_codec, release_source, language, release_group, is_adult, content_rating, artist,
                                   is_private, files_complete)
     select * from unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::text[], $6::int[], $7::int[], $8::timestamptz[],
                          $9::text[], $10::text[], $11::smallint[], $12::smallint[], $13::int[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::boolean[], $20::text[], $21::text[],
                          $22::boolean[], $23::boolean[])
     on conflict (info_hash) do update set
       name = excluded.name,
       size_bytes = excluded.size_bytes,
       -- a sighting without files (a magnet) never erases files learned before
       file_count = case when excluded.file_count > 0 then excluded.file_count else catalog.torrents.file_count end,
       seeders = coalesce(excluded.seeders, catalog.torrents.seeders),
       leechers = coalesce(excluded.leechers, catalog.torrents.leechers),
       discovered_at = least(catalog.torrents.discovered_at, excluded.discovered_at),
       content_type = excluded.content_type, title = excluded.title, year = excluded.year, season = excluded.season,
       episode = excluded.episode, resolution = excluded.resolution, video_codec = excluded.video_codec,
       release_source = excluded.release_source, language = excluded.language, release_group = excluded.release_group,
       is_adult = excluded.is_adult or catalog.torrents.is_adult,
       -- a sighting that does not know the rating keeps the one learned before
       content_rating = coalesce(excluded.content_rating, catalog.torrents.content_rating),
       -- an artist read from the files' tags outranks one parsed from a name
       artist = case when catalog.torrents.artist_from_tags then catalog.torrents.artist else excluded.artist end,
       is_private = excluded.is_private,
       files_complete = case when excluded.file_count > 0 then excluded.files_complete else catalog.torrents.files_complete end,
       updated_at = now()`,
    [
      column((e) => e.infoHash),
      column((e) => e.name.trim()),
      column((e) => e.sizeBytes),
      column((e) => Math.max(e.fileCount ?? 0, e.files?.length ?? 0)),
      column((e) => e.source),
      column((e) => nonNegative(e.seeders)),
      column((e) => nonNegative(e.leechers)),
      column((e) => (e.discoveredAt ?? new Date()).toISOString()),
      classified.map((c) => c.contentType),
      classified.map((c) => c.title),
      classified.map((c) => c.year),
      classified.map((c) => c.season),
      classified.map((c) => c.episode),
      classified.map((c) => c.resolution),
      classified.map((c) => c.codec),
      classified.map((c) => c.source),
      classified.map((c) => c.language),
      classified.map((c) => c.group),
      classified.map((c) => c.isAdult),
      ratings,
      classified.map((c) => c.artist),
      column((e) => e.isPrivate === true),
      column((e) => !e.files || e.fileCount === undefined || e.fileCount <= e.files.length),
    ],
  )
  await inheritTitleRatings(
    tx,
    list.filter((_, i) => !ratings[i]).map((e) => e.infoHash),
  )
  const withFiles = list.filter((e) => e.files && e.files.length > 0)
  if (withFiles.length) {
    await tx.query(`delete from catalog.torrent_files where info_hash = any($1::text[])`, [withFiles.map((e) => e.infoHash)])
    const hashes: string[] = []
    const indexes: number[] = []
    const paths: string[] = []
    const sizes: number[] = []
    const kinds: string[] = []
    for (const e of withFiles) {
      for (const [i, f] of e.files!.entries()) {
        hashes.push(e.infoHash)
        indexes.push(f.index ?? i)
        paths.push(f.path)
        sizes.push(f.length)
        kinds.push(mediaKindOf(f.path))
      }
    }
    await tx.query(
      `insert into catalog.torrent_files (info_hash, file_index, path, size_bytes, media_type)
       select * from unnest($1::text[], $2::int[], $3::text[], $4::bigint[], $5::text[])`,
      [hashes, indexes, paths, sizes, kinds],
    )
  }
  return list.length
}
