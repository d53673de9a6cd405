/** Reads of the torrent catalog (readable by every signed-in person; RLS allows select only). */
import type { RequestDb } from './db.server.ts'
import type { CatalogFile, CatalogTorrent } from './catalog-types.ts'
import type { ProfilePerson } from './person.ts'

export type { CatalogFile, CatalogTorrent } from './catalog-types.ts'

const TORRENT_COLUMNS = `info_hash as "infoHash", name, size_bytes::float8 as "sizeBytes", file_count as "fileCount", seeders, discovered_at as "discoveredAt",
  title, year, season, episode, resolution, content_type as "contentType", content_rating as "contentRating", artist`

export function listRecentTorrents(db: RequestDb, ctx: ProfilePerson, limit = 24): Promise<CatalogTorrent[]> {
  // Only what can be watched, heard or read: a torrent whose files are all text or other things is no home-row tile (issue #24); one whose file list is not known yet stays.
  return db.asPerson(
    ctx,
    async (tx) =>
      (
        await tx.query<CatalogTorrent>(
          `select ${TORRENT_COLUMNS} from catalog.torrents t
            where exists (select 1 from catalog.torrent_files f where f.info_hash = t.info_hash and f.media_type in ('video', 'audio', 'ebook'))
               or not exists (select 1 from catalog.torrent_files f where f.info_hash = t.info_hash)
            order by discovered_at desc, name limit $1`,
          [limit],
        )
      ).rows,
  )
}

export function findTorrent(db: RequestDb, ctx: ProfilePerson, infoHash: string): Promise<{ torrent: CatalogTorrent; files: CatalogFile[] } | null> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<CatalogTorrent>(`select ${TORRENT_COLUMNS}, is_private as "isPrivate", files_complete as "filesComplete" from catalog.torrents where info_hash = $1`, [infoHash])
    if (!rows[0]) return null
    const files = await tx.query<CatalogFile>(
      `select file_index as index, path, size_bytes::float8 as "sizeBytes", media_type as "mediaType" from catalog.torrent_files where info_hash = $1 order by file_index`,
      [infoHash],
    )
    return { torrent: rows[0], files: files.rows }
  })
}

export interface ShowSeason {
  title: string
  season: number | null
  episodes: number
  seeders: number | null
  /** The best-seeded torrent of that season, the tile's link. */
  infoHash: string
}

export interface HomeShelves {
  movies: CatalogTorrent[]
  shows: ShowSeason[]
  music: CatalogTorrent[]
  books: CatalogTorrent[]
}

const SHELF_SIZE = 20

/**
 * The home page's shelves, as the profile may see them (catalog.visible_torrents applies the
 * adult rule): the best-seeded movies, shows grouped by season, music and books. Each is read
 * through the (content type, seeders) index.
 */
export function listHomeShelves(db: RequestDb, ctx: ProfilePerson): Promise<HomeShelves> {
  return db.asPerson(ctx, async (tx) => {
    const shelf = async (types: string[]) =>
      (
        await tx.query<CatalogTorrent>(
          `select ${TORRENT_COLUMNS} from catalog.visible_torrents t where content_type = any($1::text[])
            order by coalesce(seeders, -1)::float8 desc, info_hash limit ${SHELF_SIZE}`,
          [types],
        )
      ).rows
    const movies = await shelf(['movie'])
    const music = await shelf(['music_album', 'music_track'])
    const books = await shelf(['ebook', 'audiobook', 'comic'])
    // Episodes of one show and season become one tile; only the 500 best-seeded episodes are grouped.
    const shows = (
      await tx.query<ShowSeason>(
        `select title, season, count(*)::int as episodes, max(seeders) as seeders,
                (array_agg(info_hash order by coalesce(seeders, -1) desc, info_hash))[1] as "infoHash"
           from (select title, season, seeders, info_hash from catalog.visible_torrents t
                  where content_type = any('{tv_episode,tv_season}'::text[]) and title is not null
                  order by coalesce(seeders, -1)::float8 desc, info_hash limit 500) e
          group by title, season order by max(coalesce(seeders, -1)) desc, title, season limit ${SHELF_SIZE}`,
      )
    ).rows
    return { movies, shows, music, books }
  })
}

/** The other torrents of the same title: the quality options of a title page, best-seeded first. */
export function listVersions(db: RequestDb, ctx: ProfilePerson, t: CatalogTorrent, limit = 12): Promise<CatalogTorrent[]> {
  if (!t.title) return Promise.resolve([])
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<CatalogTorrent>(
      `select ${TORRENT_COLUMNS} from catalog.visible_torrents t
        where lower(title) = lower($1) and year is not distinct from $2 and info_hash <> $3
          and (season is not distinct from $4) and (episode is not distinct from $5)
        order by coalesce(seeders, -1) desc, info_hash limit $6`,
      [t.title, t.year, t.infoHash, t.season, t.episode, limit],
    )
    return rows
  })
}

export interface ArtistAlbum {
  /** The album's title as parsed from the release name, and its year. */
  title: string
  year: number | null
  /** Its releases (FLAC, MP3 …), best-seeded first: the first is the album tile's link. */
  releases: CatalogTorrent[]
}

/**
 * An artist's albums and tracks as the profile may see them, through the artist index: releases
 * of the same title and year are one album with several versions. Null when the artist has
 * nothing this profile may see.
 */
export function listArtistAlbums(db: RequestDb, ctx: ProfilePerson, artist: string, limit = 200): Promise<{ artist: string; albums: ArtistAlbum[] } | null> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<CatalogTorrent>(
      `select ${TORRENT_COLUMNS} from catalog.visible_torrents t
        where lower(artist) = lower($1) and artist is not null and content_type in ('music_album', 'music_track')
        order by coalesce(seeders, -1)::float8 desc, info_hash limit $2`,
      [artist, limit],
    )
    if (rows.length === 0) return null
    const albums = new Map<string, ArtistAlbum>()
    for (const t of rows) {
      const title = albumTitle(t)
      const key = `${title.toLowerCase()}|${t.year ?? ''}`
      const album = albums.get(key) ?? { title, year: t.year, releases: [] }
      album.releases.push(t)
      albums.set(key, album)
    }
    // Newest first, as a discography reads; undated ones last.
    const sorted = [...albums.values()].sort((a, b) => (b.year ?? -1) - (a.year ?? -1) || a.title.localeCompare(b.title))
    return { artist: rows[0]!.artist!, albums: sorted }
  })
}

/** "Artist - Album" titles lose the artist part on the artist's own page. */
function albumTitle(t: CatalogTorrent): string {
  const title = t.title ?? t.name
  const prefix = `${t.artist ?? ''} - `
  return t.artist && title.toLowerCase().startsWith(prefix.toLowerCase()) ? title.slice(prefix.length).trim() || title : title
}
