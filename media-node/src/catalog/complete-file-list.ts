/**
 * The full file list of a torrent whose source listed only its first files (Bitmagnet stores
 * 100 of a torrent over its threshold; `catalog.torrents.files_complete` is false for those):
 * once the node has the torrent's metadata (BEP 9, fetched when a person opens the title), every
 * file goes into the catalog, so the title page lists them all and each can be played.
 */
import type { WithDatabase } from '@bittorrented/common'
import { mediaKindOf } from '../streaming/media-type.ts'
import { inCatalogTransaction, isSafeFilePath, MAX_FILES_PER_TORRENT } from './catalog-writer.ts'

export interface MetadataFiles {
  infoHash: string
  name: string
  files: Array<{ index: number; path: string; length: number }>
}

/** Writes the files when the catalog's list is incomplete; true when it did. Unsafe paths are left out. */
export async function completeFileList(withDb: WithDatabase, info: MetadataFiles): Promise<boolean> {
  if (info.files.length === 0 || info.files.length > MAX_FILES_PER_TORRENT) return false
  // WebTorrent names a multi-file torrent's files under its own name; the catalog keeps them relative, as sources do.
  const prefix = `${info.name}/`
  const files = info.files
    .map((f) => ({ index: f.index, path: info.files.length > 1 && f.path.startsWith(prefix) ? f.path.slice(prefix.length) : f.path, length: f.length }))
    .filter((f) => isSafeFilePath(f.path))
  return withDb((db) =>
    inCatalogTransaction(db, async () => {
      const { rows } = await db.query(`update catalog.torrents set file_count = $2, files_complete = true, updated_at = now() where info_hash = $1 and not files_complete returning 1`, [
        info.infoHash,
        info.files.length,
      ])
      if (rows.length === 0) return false
      await db.query(`delete from catalog.torrent_files where info_hash = $1`, [info.infoHash])
      await db.query(
        `insert into catalog.torrent_files (info_hash, file_index, path, size_bytes, media_type)
         select $1, * from unnest($2::int[], $3::text[], $4::bigint[], $5::text[])`,
        [info.infoHash, files.map((f) => f.index), files.map((f) => f.path), files.map((f) => f.length), files.map((f) => mediaKindOf(f.path))],
      )
      return true
    }),
  )
}
