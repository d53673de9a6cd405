/**
 * A few thousand generated catalog entries for `npm start`, so search, facets and paging have
 * something to work on. Names look like real releases and go through the real classifier; the
 * info hashes are derived from the names (the same every run, so loading again adds nothing).
 * Nobody seeds them: playing one answers "no peers" and offers the demo swarm's real torrents.
 */
import { createHash } from 'node:crypto'
import type pg from 'pg'
import { inCatalogTransaction, upsertCatalogEntries, type CatalogEntry } from '../catalog/catalog-writer.ts'

const FILMS = [
  'The Silent Harbor',
  'Midnight Orchard',
  'Copper Sky',
  'A Field of Lanterns',
  'The Last Cartographer',
  'Paper Wolves',
  'Northern Static',
  'The Glass Meridian',
  'Ember Road',
  'Quiet Machines',
  'The Lighthouse Keeper',
  'Saltwater Hymns',
  'City of Kites',
  'The Winter Archive',
  'Velvet Thunder',
  'Hollow Crown Valley',
  'The Ninth Orbit',
  'Small Hours',
  'Iron Bloom',
  'The Cartographers Daughter',
]
const SHOWS = ['Harbor Lights', 'The Understudy', 'Signal Lost', 'Kitchen Confidential Nights', 'Orbital', 'The Long Field', 'Night Shift Nurses', 'Tidewater']
const ARTISTS = ['The Paper Kites Collective', 'Northern Lanterns', 'Velvet Static', 'Ada and the Machines', 'Quiet Harbor']
const BOOKS = ['A Short History of Swarms', 'The Gardeners Almanac', 'Notes on Distributed Things', 'Letters from the Lighthouse']
const RESOLUTIONS = ['2160p', '1080p', '720p', '480p']
const SOURCES = ['BluRay', 'WEB-DL', 'WEBRip', 'HDTV', 'DVDRip']
const CODECS = ['x264', 'x265', 'H.264', 'HEVC']
const GROUPS = ['SPARKS', 'NTb', 'FLUX', 'RARBG', 'YIFY', 'GalaxyRG', 'ION10']

interface Generated {
  name: string
  files: Array<{ path: string; length: number }>
  /** As a metadata source would give it, in that source's own system (normalised by the writer). */
  rating: string
}

// Films in MPAA terms, shows in TV Parental Guidelines, music as the stores flag it; one of each
// kind is left unrated (hidden from profiles with a ceiling, as an unrated title is).
const FILM_RATINGS = ['G', 'PG', 'PG-13', 'R', 'PG', 'G', 'Not Rated']
const SHOW_RATINGS = ['TV-Y7', 'TV-PG', 'TV-14', 'TV-MA', 'TV-G', 'TV-14', 'TV-PG', 'NR']
const MUSIC_RATINGS = ['Clean', 'Explicit', 'Clean', 'Clean', '']

const GB = 1024 ** 3
const MB = 1024 ** 2

function* generate(): Generator<Generated> {
  for (const [fi, film] of FILMS.entries()) {
    for (let y = 0; y < 6; y++) {
      const year = 1990 + ((fi * 7 + y * 5) % 36)
      for (const [ri, res] of RESOLUTIONS.entries()) {
        for (let v = 0; v < 3; v++) {
          const source = SOURCES[(fi + ri + v) % SOURCES.length]!
          const name = `${film.replace(/ /g, '.')}.${year}.${res}.${source}.${CODECS[(fi + v) % CODECS.length]}-${GROUPS[(fi + ri + v + y) % GROUPS.length]}`
          const size = Math.round(((4 - ri) * 1.6 + v * 0.3) * GB)
          yield {
            name,
            files: [
              { path: `${name}.mkv`, length: size },
              { path: `${name}.nfo`, length: 2000 },
            ],
            rating: FILM_RATINGS[fi % FILM_RATINGS.length]!,
          }
        }
      }
    }
  }
  for (const [si, show] of SHOWS.entries()) {
    for (let season = 1; season <= 8; season++) {
      for (let episode = 1; episode <= 10; episode++) {
        const res = RESOLUTIONS[1 + ((si + episode) % 3)]!
        const name = `${show.replace(/ /g, '.')}.S${String(season).padStart(2, '0')}E${String(episode).padStart(2, '0')}.${res}.${SOURCES[(si + season) % SOURCES.length]}.x264-${GROUPS[(si + episode) % GROUPS.length]}`
        yield { name, files: [{ path: `${name}.mkv`, length: Math.round((res === '1080p' ? 1.4 : 0.7) * GB) }], rating: SHOW_RATINGS[si]! }
      }
      const pack = `${show.replace(/ /g, '.')}.S${String(season).padStart(2, '0')}.1080p.WEB-DL.x265-${GROUPS[(si + season) % GROUPS.length]}`
      yield { name: pack, files: Array.from({ length: 10 }, (_, e) => ({ path: `${pack}/E${String(e + 1).padStart(2, '0')}.mkv`, length: Math.round(1.1 * GB) })), rating: SHOW_RATINGS[si]! }
    }
  }
  for (const [ai, artist] of ARTISTS.entries()) {
    for (let album = 1; album <= 12; album++) {
      for (const format of ['FLAC', 'MP3 320']) {
        const name = `${artist} - Album ${album} (${2000 + ((ai * 5 + album) % 25)}) [${format}]`
        yield {
          name,
          files: Array.from({ length: 10 }, (_, t) => ({
            path: `${String(t + 1).padStart(2, '0')} - Track ${t + 1}.${format === 'FLAC' ? 'flac' : 'mp3'}`,
            length: (format === 'FLAC' ? 30 : 9) * MB,
          })),
          rating: MUSIC_RATINGS[ai]!,
        }
      }
    }
  }
  for (const book of BOOKS) {
    for (const ext of ['epub', 'pdf']) yield { name: `${book} (${ext.toUpperCase()})`, files: [{ path: `${book}.${ext}`, length: 3 * MB }], rating: 'G' }
  }
}

/** Loads the generated entries (through the catalog's one writer, as the service role); returns how many there are. */
export async function loadDemoCatalog(db: pg.ClientBase): Promise<number> {
  const all = [...generate()]
  await inCatalogTransaction(db, async () => {
    for (let i = 0; i < all.length; i += 500) {
      const batch: CatalogEntry[] = all.slice(i, i + 500).map((g, j) => ({
        infoHash: createHash('sha1').update(`bittorrented-demo-catalog:${g.name}`).digest('hex'),
        name: g.name,
        sizeBytes: g.files.reduce((s, f) => s + f.length, 0),
        files: g.files,
        source: 'demo_catalog',
        seeders: (i + j) % 7 === 0 ? null : ((i + j) * 37) % 400,
        discoveredAt: new Date(Date.UTC(2026, 0, 1) + (i + j) * 3_600_000),
        contentRating: g.rating,
      }))
      await upsertCatalogEntries(db, batch)
    }
  })
  return all.length
}
