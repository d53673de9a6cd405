/**
 * The single-torrent ingest paths: a .torrent file (read strictly by torrent-file.ts: every file
 * path comes out relative and safe) or a magnet link (magnet-uri: the info hash, the `dn` name,
 * the `xl` size; files come later, when the metadata is fetched from peers). Both become a
 * CatalogEntry for catalog-writer.ts, which upserts on the info hash — adding the same torrent
 * twice changes nothing, and a .torrent after its magnet fills in the files.
 */
import { decode as decodeMagnet } from 'magnet-uri'
import { AppError } from '../errors.ts'
import { parseMagnet } from '../streaming/torrent-id.ts'
import type { CatalogEntry } from './catalog-writer.ts'
import { InvalidTorrentError, readTorrentFile } from './torrent-file.ts'

export function entryFromTorrentFile(bytes: Uint8Array, source = 'upload'): CatalogEntry {
  let meta: ReturnType<typeof readTorrentFile>
  try {
    meta = readTorrentFile(bytes)
  } catch (err) {
    if (err instanceof InvalidTorrentError) throw new AppError('invalid_input', `That .torrent file cannot be used (${err.reason}): ${err.message}`)
    throw err
  }
  if (!meta.infoHash) throw new AppError('invalid_input', 'That torrent is BitTorrent v2 only; the catalog lists v1 and hybrid torrents.')
  const files = meta.files.filter((f) => !f.pad).map((f) => ({ path: f.path, length: f.length }))
  return { infoHash: meta.infoHash, name: meta.name, sizeBytes: meta.length, files, source }
}

export function entryFromMagnet(uri: string, source = 'magnet'): CatalogEntry {
  const { infoHash, name } = parseMagnet(uri.trim())
  const xl = Number((decodeMagnet(uri.trim()) as { xl?: unknown }).xl)
  return {
    infoHash,
    name: name?.trim() || `Unnamed torrent ${infoHash.slice(0, 8)}`,
    sizeBytes: Number.isSafeInteger(xl) && xl >= 0 ? xl : 0,
    files: null,
    source,
  }
}
