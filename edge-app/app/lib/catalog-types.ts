/** What the catalog's pages and players show of a torrent and its files (read in catalog.server.ts). */
export interface CatalogTorrent {
  infoHash: string
  name: string
  sizeBytes: number
  fileCount: number
  seeders: number | null
  discoveredAt: string
  /** Parsed at ingest from the release name. */
  title: string | null
  year: number | null
  season: number | null
  episode: number | null
  resolution: string | null
  contentType: string
  /** G … NC-17, or null when unrated (then hidden from profiles with a rating ceiling). */
  contentRating: string | null
  /** Music: the artist (from the files' tags once the media node has read them, else the name). */
  artist: string | null
  /** Title page only: a private torrent (BEP 27) — peers only from its own trackers, no DHT or PEX. */
  isPrivate?: boolean
  /** Title page only: false when the source listed only the first of the torrent's files. */
  filesComplete?: boolean
}

export interface CatalogFile {
  index: number
  path: string
  sizeBytes: number
  mediaType: 'video' | 'audio' | 'ebook' | 'subtitle' | 'image' | 'other'
}
