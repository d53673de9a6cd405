/** Reads of the torrent catalog (readable by every signed-in person; RLS allows select only). */
import type { RequestDb } from './db.server.ts'
import type { ProfileContext } from './profile-data.server.ts'

export interface CatalogTorrent {
  infoHash: string
  name: string
  sizeBytes: number
  fileCount: number
  seeders: number | null
  discoveredAt: string
}

export interface CatalogFile {
  index: number
  path: string
  sizeBytes: number
  mediaType: 'video' | 'audio' | 'ebook' | 'subtitle' | 'image' | 'other'
}

const TORRENT_COLUMNS = `info_hash as "infoHash", name, size_bytes::float8 as "sizeBytes", file_count as "fileCount", seeders, discovered_at as "discoveredAt"`

export function listRecentTorrents(db: RequestDb, ctx: ProfileContext, limit = 24): Promise<CatalogTorrent[]> {
  return db.asPerson(ctx, async (tx) => (await tx.query<CatalogTorrent>(`select ${TORRENT_COLUMNS} from catalog.torrents order by discovered_at desc, name limit $1`, [limit])).rows)
}

export function findTorrent(db: RequestDb, ctx: ProfileContext, infoHash: string): Promise<{ torrent: CatalogTorrent; files: CatalogFile[] } | null> {
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<CatalogTorrent>(`select ${TORRENT_COLUMNS} from catalog.torrents where info_hash = $1`, [infoHash])
    if (!rows[0]) return null
    const files = await tx.query<CatalogFile>(
      `select file_index as index, path, size_bytes::float8 as "sizeBytes", media_type as "mediaType" from catalog.torrent_files where info_hash = $1 order by file_index`,
      [infoHash],
    )
    return { torrent: rows[0], files: files.rows }
  })
}
