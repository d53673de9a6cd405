/**
 * What a signed URL grants, in one place for every part (issue #18): the info-hash format, and
 * the resource strings a signature carries — `torrent:<hash>` (a whole torrent: its file list,
 * its album view) and `torrent:<hash>/<file>` (one file: stream, HLS, subtitles, comic pages).
 * New kinds (channel, episode, station, artwork) are added here, once.
 */
import { z } from 'zod'

/** A BitTorrent v1 info hash as we keep it: 40 lowercase hex digits. */
export const INFO_HASH_PATTERN = /^[0-9a-f]{40}$/
/** The same, any case (what people and other tools write). */
export const INFO_HASH_PATTERN_ANY_CASE = /^[0-9a-fA-F]{40}$/
/** File indexes within a torrent: at most this many files are ever addressed. */
export const MAX_FILE_INDEX = 999_999

export function isInfoHash(value: string): boolean {
  return INFO_HASH_PATTERN.test(value)
}

/** Lowercases a hex info hash and checks it; null when it is not one. */
export function normalizeInfoHash(value: string): string | null {
  return INFO_HASH_PATTERN_ANY_CASE.test(value) ? value.toLowerCase() : null
}

/** zod: an info hash in any case, given back lowercase. */
export const InfoHashSchema = (message = 'That is not an info hash.') =>
  z
    .string()
    .regex(INFO_HASH_PATTERN_ANY_CASE, message)
    .transform((s) => s.toLowerCase())

export function isFileIndex(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_FILE_INDEX
}

export type MediaResource = { kind: 'torrent'; infoHash: string } | { kind: 'file'; infoHash: string; fileIndex: number }

/** `torrent:<hash>` — the whole torrent. */
export function torrentResource(infoHash: string): string {
  return `torrent:${infoHash}`
}

/** `torrent:<hash>/<file>` — one file of it. */
export function fileResource(infoHash: string, fileIndex: number): string {
  return `torrent:${infoHash}/${fileIndex}`
}

/** Whether a signed resource grants this file: the whole torrent, or the file itself. */
export function grantsFile(resource: string, infoHash: string, fileIndex: number): boolean {
  return resource === torrentResource(infoHash) || resource === fileResource(infoHash, fileIndex)
}

/** Whether a signed resource grants the torrent as a whole (never a single file's grant). */
export function grantsTorrent(resource: string, infoHash: string): boolean {
  return resource === torrentResource(infoHash)
}

/** `channel:<id>` — one Live TV channel (its live stream and its catch-up), by catalog id. */
export function channelResource(channelId: number): string {
  return `channel:${channelId}`
}

/** Whether a signed resource grants this channel. */
export function grantsChannel(resource: string, channelId: number): boolean {
  return resource === channelResource(channelId)
}

/** A channel id as routes receive it: a positive safe integer, else null. */
export function parseChannelId(value: string): number | null {
  if (!/^[1-9]\d{0,15}$/.test(value)) return null
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : null
}

const RESOURCE = /^torrent:([0-9a-f]{40})(?:\/(\d{1,6}))?$/

export function parseMediaResource(resource: string): MediaResource | null {
  const m = RESOURCE.exec(resource)
  if (!m) return null
  return m[2] === undefined ? { kind: 'torrent', infoHash: m[1]! } : { kind: 'file', infoHash: m[1]!, fileIndex: Number(m[2]) }
}

/** `episode:<id>` — one podcast episode (its audio, chapters and transcript), by catalog id. */
export function episodeResource(episodeId: number): string {
  return `episode:${episodeId}`
}

/** `station:<id>` — one radio station (its stream and what is playing on it), by catalog id. */
export function stationResource(stationId: number): string {
  return `station:${stationId}`
}

/** `feed:<id>` — one podcast's artwork, by catalog id. */
export function feedResource(feedId: number): string {
  return `feed:${feedId}`
}

/**
 * `podcasts` and `radio` — the directories and the person's own lists (search, subscribe,
 * import, export): calls the edge app makes for one person, never a grant of any media.
 */
export const PODCASTS_RESOURCE = 'podcasts'
export const RADIO_RESOURCE = 'radio'

/** An id as routes receive it (channels, episodes, stations, feeds): a positive safe integer, else null. */
export const parseCatalogId = parseChannelId

/**
 * `artwork:<sha-256 of the address>` — one picture found in a directory (a podcast's cover in a
 * search result), fetched by the node: the signature names the address, so it grants that
 * picture and nothing else.
 */
export async function artworkResource(imageUrl: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(imageUrl)))
  return `artwork:${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`
}
