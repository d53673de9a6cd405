/**
 * What a torrent is, from its name and its files, at ingest: the content type the catalog's
 * search and shelves use, the parsed release fields, and whether it is adult content (hidden
 * unless a profile allows it). Rules over file kinds weighted by size, plus the parsed name.
 */
import { parseReleaseName, type ReleaseInfo } from './release-name.ts'
import { mediaKindOf } from '../streaming/media-type.ts'

export type ContentType = 'movie' | 'tv_episode' | 'tv_season' | 'music_album' | 'music_track' | 'ebook' | 'audiobook' | 'comic' | 'podcast' | 'software' | 'adult' | 'other'

export interface Classified extends ReleaseInfo {
  contentType: ContentType
  isAdult: boolean
  /** Music only: the artist, from a name shaped "Artist - Album"; the files' tags replace it later. */
  artist: string | null
}

const MUSIC: ReadonlySet<ContentType> = new Set(['music_album', 'music_track'])
// "Artist - Album (2020) [FLAC]", "Artist – Album": the part before the first spaced dash.
const ARTIST_DASH = /^(.{1,300}?)\s+[-–—]\s+\S/

/** The artist of a music release's name, or null when the name has no "Artist - " part. */
export function artistFromName(name: string): string | null {
  const m = ARTIST_DASH.exec(
    name
      .replace(/^\s*(?:\[[^\]]*\]\s*)+/, '')
      .replace(/_/g, ' ')
      .trim(),
  )
  const artist = m?.[1]?.replace(/\s+/g, ' ').trim()
  return artist && !/^(va|various artists?)$/i.test(artist) && !/^\d+$/.test(artist) ? artist : null
}

/**
 * A music release's own reading of its name: "Artist - Album (Edition) (Year) [Format]". Film
 * rules read an album named "1989" or "13" as a year or an episode; for music the year is the last
 * year written in brackets, the title is "Artist - Album" without the bracketed tail, and there
 * are no seasons or episodes.
 */
export function musicRelease(name: string, release: ReleaseInfo): ReleaseInfo {
  const clean = name
    .replace(/^\s*(?:\[[^\]]*\]\s*)+/, '')
    .replace(/_/g, ' ')
    .trim()
  const dash = ARTIST_DASH.exec(clean)
  if (!dash) return { ...release, season: null, episode: null }
  const years = [...clean.matchAll(/[([]\s*((?:18|19|20)\d{2})\s*[)\]]/g)].map((m) => Number(m[1]))
  // The album runs to the first bracket after it starts ("1989 (Taylor's Version) (2023)" → "1989").
  const albumStart = dash[0].length - 1
  const bracket = clean.slice(albumStart).search(/\s*[([]/)
  const head = (bracket > 0 ? clean.slice(0, albumStart + bracket) : clean).trim()
  return { ...release, title: head || release.title, year: years.at(-1) ?? release.year, season: null, episode: null }
}

const ADULT = /\b(xxx|porn|pornhub|brazzers|onlyfans|hentai|18\+|nsfw|milf|bangbros|realitykings)\b/i
const AUDIOBOOK = /\b(audiobook|audio ?book|unabridged|narrated by)\b/i
const PODCAST = /\bpodcast\b/i
const SOFTWARE_EXT = /\.(exe|msi|dmg|pkg|apk|deb|rpm|appimage|iso|img|bin)$/i
const COMIC_EXT = /\.(cbz|cbr|cb7)$/i
const EBOOK_EXT = /\.(epub|pdf|mobi|azw3?|djvu|fb2)$/i

/**
 * What a source that classified the torrent itself says it is (Bitmagnet's torrent_contents
 * content_type: movie, tv_show, music, ebook, comic, audiobook, software, game, xxx).
 */
export type SourceContentType = 'movie' | 'tv_show' | 'music' | 'ebook' | 'comic' | 'audiobook' | 'software' | 'game' | 'xxx'

/** CJK episode markers the release-name parser does not know: 第12集 / 第12话, or a bare [12] after the title. */
const CJK_EPISODE = /第\s*(\d{1,4})\s*[集话話回]/
const BRACKET_EPISODE = /\[(\d{1,4})(?:v\d)?\](?!.*\[\d{1,4}(?:v\d)?\])/i

function episodeHint(name: string): number | null {
  const m = CJK_EPISODE.exec(name) ?? BRACKET_EPISODE.exec(name.replace(/^\s*\[[^\]]*\]/, ''))
  if (!m) return null
  const n = Number(m[1])
  // A bracketed 1080/720/2160 or a year is not an episode.
  return n > 0 && n < 1900 && ![480, 576, 720, 1080, 1440, 2160].includes(n) ? n : null
}

export function classifyTorrent(name: string, files: Array<{ path: string; length: number }>, sourceType?: SourceContentType | string | null): Classified {
  const parsed = parseReleaseName(name)
  const release = parsed.episode === null && (sourceType === 'tv_show' || CJK_EPISODE.test(name)) ? { ...parsed, episode: episodeHint(name) } : parsed
  const isAdult = ADULT.test(name) || files.some((f) => ADULT.test(f.path))
  const bytes = { video: 0, audio: 0, ebook: 0, comic: 0, software: 0, other: 0 }
  let audioFiles = 0
  let videoFiles = 0
  for (const f of files) {
    if (COMIC_EXT.test(f.path)) bytes.comic += f.length
    else if (EBOOK_EXT.test(f.path)) bytes.ebook += f.length
    else if (SOFTWARE_EXT.test(f.path)) bytes.software += f.length
    else {
      const kind = mediaKindOf(f.path)
      if (kind === 'video') {
        bytes.video += f.length
        videoFiles++
      } else if (kind === 'audio') {
        bytes.audio += f.length
        audioFiles++
      } else bytes.other += f.length
    }
  }
  const main = (Object.entries(bytes) as Array<[keyof typeof bytes, number]>).sort((a, b) => b[1] - a[1])[0]!
  let contentType: ContentType = 'other'
  if (isAdult) contentType = 'adult'
  else if (main[1] === 0) contentType = 'other'
  else if (main[0] === 'video') {
    // The source's own classification of a show outranks a second guess from the name.
    if (release.season !== null || release.episode !== null || sourceType === 'tv_show') contentType = release.episode !== null && videoFiles <= 1 ? 'tv_episode' : 'tv_season'
    else contentType = 'movie'
  } else if (main[0] === 'audio') {
    if (AUDIOBOOK.test(name) || files.some((f) => /\.m4b$/i.test(f.path))) contentType = 'audiobook'
    else if (PODCAST.test(name)) contentType = 'podcast'
    else contentType = audioFiles >= 2 ? 'music_album' : 'music_track'
  } else if (main[0] === 'ebook') contentType = AUDIOBOOK.test(name) ? 'audiobook' : 'ebook'
  else if (main[0] === 'comic') contentType = 'comic'
  else if (main[0] === 'software') contentType = 'software'
  if (MUSIC.has(contentType)) return { ...musicRelease(name, release), contentType, isAdult, artist: artistFromName(name) }
  return { ...release, contentType, isAdult, artist: null }
}
