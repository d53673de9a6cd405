/**
 * Radio stations from the playlists stations publish: `.pls` (`FileN=`/`TitleN=`), `.m3u`/`.m3u8`
 * (with or without `#EXTINF`, `#EXTVLCOPT` ignored), and XSPF (`<track><location>`), told apart
 * by content rather than by name (servers send all three as text/plain at times). Only http(s)
 * streams are kept; `rtsp://`, `mms://` and the like are counted as unplayable. A playlist that
 * is an HLS media playlist (segments, not stations) is one station: the playlist itself.
 */
import { SaxesParser } from 'saxes'
import { AppError } from '../errors.ts'
import { declaresEntities } from '../net/xml-guard.ts'

export interface PlaylistStation {
  name: string
  streamUrl: string
  image: string | null
}

export interface PlaylistResult {
  stations: PlaylistStation[]
  unplayable: number
}

const MAX_STATIONS = 5000

function resolved(raw: string, base: string): string | null | 'unplayable' {
  try {
    const u = new URL(raw.trim(), base)
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.toString().length <= 4096 ? u.toString() : null
    return 'unplayable'
  } catch {
    return null
  }
}

function fromPls(text: string, base: string): PlaylistResult {
  const files = new Map<number, string>()
  const titles = new Map<number, string>()
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(File|Title)(\d+)\s*=\s*(.*)$/i.exec(line)
    if (!m) continue
    ;(m[1]!.toLowerCase() === 'file' ? files : titles).set(Number(m[2]), m[3]!.trim())
  }
  const out: PlaylistResult = { stations: [], unplayable: 0 }
  for (const [n, file] of [...files].sort((a, b) => a[0] - b[0])) {
    const url = resolved(file, base)
    if (url === 'unplayable') out.unplayable++
    if (!url || url === 'unplayable') continue
    out.stations.push({ name: titles.get(n) || new URL(url).hostname, streamUrl: url, image: null })
  }
  return out
}

function fromM3u(text: string, base: string): PlaylistResult {
  const out: PlaylistResult = { stations: [], unplayable: 0 }
  let name: string | null = null
  let logo: string | null = null
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line) continue
    if (line.startsWith('#EXTINF')) {
      // The name is after the first comma outside quotes.
      let inQuote = false
      let cut = -1
      for (let i = 0; i < line.length; i++) {
        if (line[i] === '"') inQuote = !inQuote
        else if (line[i] === ',' && !inQuote) {
          cut = i
          break
        }
      }
      name = cut >= 0 ? line.slice(cut + 1).trim() || null : null
      logo = /tvg-logo="([^"]*)"/.exec(line)?.[1] ?? null
      continue
    }
    if (line.startsWith('#')) continue
    const url = resolved(line.split('|')[0]!, base)
    if (url === 'unplayable') out.unplayable++
    if (url && url !== 'unplayable') out.stations.push({ name: name ?? new URL(url).hostname, streamUrl: url, image: logo && /^https?:/i.test(logo) ? logo : null })
    name = null
    logo = null
  }
  return out
}

function fromXspf(text: string, base: string): PlaylistResult {
  if (declaresEntities(text)) throw new AppError('invalid_input', 'The playlist declares XML entities (the shape of an XML bomb); it is refused.')
  const out: PlaylistResult = { stations: [], unplayable: 0 }
  const parser = new SaxesParser({ xmlns: false })
  let track: { location?: string; title?: string; image?: string } | null = null
  let field: 'location' | 'title' | 'image' | null = null
  let textBuf = ''
  parser.on('opentag', (t) => {
    const name = t.name.replace(/^.*:/, '')
    if (name === 'track') track = {}
    else if (track && (name === 'location' || name === 'title' || name === 'image')) {
      field = name
      textBuf = ''
    }
  })
  parser.on('text', (t) => {
    if (field) textBuf += t
  })
  parser.on('closetag', (t) => {
    const name = t.name.replace(/^.*:/, '')
    if (track && field && name === field) {
      track[field] ??= textBuf.trim()
      field = null
    } else if (name === 'track' && track) {
      const done = track as { location?: string; title?: string; image?: string }
      track = null
      const url = done.location ? resolved(done.location, base) : null
      if (url === 'unplayable') out.unplayable++
      if (url && url !== 'unplayable') out.stations.push({ name: done.title || new URL(url).hostname, streamUrl: url, image: done.image && /^https?:/i.test(done.image) ? done.image : null })
    }
  })
  try {
    parser.write(text).close()
  } catch {
    throw new AppError('invalid_input', 'The XSPF playlist is not well-formed XML.')
  }
  return out
}

/** The stations in a playlist fetched from `base`. */
export function parseStationPlaylist(text: string, base: string): PlaylistResult {
  const head = text.slice(0, 2000).trimStart()
  let result: PlaylistResult
  if (/^\[playlist\]/i.test(head) || /^File1\s*=/im.test(head)) result = fromPls(text, base)
  else if (/^<\?xml|^<playlist/i.test(head)) result = fromXspf(text, base)
  else if (/#EXT-X-(TARGETDURATION|STREAM-INF|MEDIA-SEQUENCE)/.test(text)) result = { stations: [{ name: new URL(base).hostname, streamUrl: base, image: null }], unplayable: 0 }
  else result = fromM3u(text, base)
  if (result.stations.length > MAX_STATIONS) result.stations.length = MAX_STATIONS
  return result
}
