/**
 * URLs of the media node, signed for the person asking: the media node trusts nothing else.
 * A stream URL names one file of one torrent and lives long enough to watch a film.
 */
import { fileResource, SIGNED_TTL_S, signUrl, torrentResource } from '@bittorrented/common'
import type { EdgeConfig } from './env.server.ts'
import type { ProfileContext } from './profile-data.server.ts'

const STREAM_TTL_S = SIGNED_TTL_S.media
const METADATA_TTL_S = SIGNED_TTL_S.metadata

/** A media-node URL signed for this person, for `resource` (`torrent:<hash>` or `torrent:<hash>/<file>`). */
export function signFor(config: EdgeConfig, ctx: ProfileContext, path: string, resource: string, ttlSeconds: number): Promise<string> {
  return signUrl({
    secret: config.keys.mediaUrl,
    method: 'GET',
    url: new URL(path, config.mediaNodeUrl).toString(),
    subject: { userId: ctx.userId, profileId: ctx.profileId, resource },
    ttlSeconds,
  })
}

export function signedStreamUrl(config: EdgeConfig, ctx: ProfileContext, infoHash: string, fileIndex: number): Promise<string> {
  return signFor(config, ctx, `/v1/stream/${infoHash}/${fileIndex}`, fileResource(infoHash, fileIndex), STREAM_TTL_S)
}

export interface Alternative {
  infoHash: string
  name: string
  seeders: number | null
}

/** The file as HLS (converted on the fly by the media node), for players that cannot take it as it is. */
export function signedHlsUrl(config: EdgeConfig, ctx: ProfileContext, infoHash: string, fileIndex: number): Promise<string> {
  return signFor(config, ctx, `/v1/hls/${infoHash}/${fileIndex}/index.m3u8`, fileResource(infoHash, fileIndex), STREAM_TTL_S)
}

/** A subtitle track as WebVTT: `file` for a subtitle file, or the stream index of a track inside the file. */
export function signedSubtitleUrl(config: EdgeConfig, ctx: ProfileContext, infoHash: string, fileIndex: number, track: 'file' | number): Promise<string> {
  return signFor(config, ctx, `/v1/subtitles/${infoHash}/${fileIndex}/${track}.vtt`, fileResource(infoHash, fileIndex), STREAM_TTL_S)
}

export interface AlbumTrack {
  fileIndex: number
  path: string
  title: string
  artist: string | null
  album: string | null
  track: number | null
  durationS: number | null
  playable: boolean
}

export interface Album {
  album: string | null
  artist: string | null
  tracks: AlbumTrack[]
}

/** The torrent's audio files with their tags (the media node probes them), or null if it cannot tell. */
export async function fetchAlbum(config: EdgeConfig, ctx: ProfileContext, infoHash: string, timeoutMs = 20_000): Promise<Album | null> {
  const url = await signFor(config, ctx, `/v1/album/${infoHash}`, torrentResource(infoHash), METADATA_TTL_S)
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    return res.ok ? ((await res.json()) as Album) : null
  } catch {
    return null
  }
}

export type PeerCheck =
  | { state: 'ok' }
  | { state: 'no_peers'; message: string; alternatives: Alternative[] }
  | { state: 'unreachable'; message: string }

/** Asks the media node for the torrent's metadata: are there peers to stream it from? */
export async function checkPeers(config: EdgeConfig, ctx: ProfileContext, infoHash: string, timeoutMs = 20_000): Promise<PeerCheck> {
  const url = await signFor(config, ctx, `/v1/torrents/${infoHash}`, torrentResource(infoHash), METADATA_TTL_S)
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    if (res.ok) return { state: 'ok' }
    const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string; alternatives?: Alternative[] }
    if (body.error === 'no_peers') {
      return { state: 'no_peers', message: body.message ?? 'No one is sharing this right now.', alternatives: (body.alternatives ?? []).slice(0, 5) }
    }
    return { state: 'unreachable', message: body.message ?? `The media node answered ${res.status}.` }
  } catch {
    return { state: 'unreachable', message: 'The media node did not answer in time.' }
  }
}
