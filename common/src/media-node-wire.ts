/**
 * What the media node answers, as both sides read it: the node's routes build these shapes and
 * the edge app's media-node client parses them (zod), so a change on one side that the other
 * does not know about fails a type check or a parse, never silently. Endpoints:
 * `/v1/playback/<hash>/<file>` → PlaybackAnswer, `/v1/album/<hash>` → Album,
 * `/v1/torrents/<hash>` → TorrentInfo, any refusal → MediaNodeError.
 */
import { z } from 'zod'

/** The node's stable error codes; HTTP statuses are assigned in media-node/src/http/app.ts. */
export const MEDIA_NODE_ERROR_CODES = ['invalid_input', 'not_allowed', 'not_found', 'no_peers', 'busy', 'upstream_unavailable', 'unplayable_media'] as const
export type MediaNodeErrorCode = (typeof MEDIA_NODE_ERROR_CODES)[number]

/** Another torrent of the same title, offered when one has no peers. */
export const AlternativeSchema = z.object({
  infoHash: z.string(),
  name: z.string(),
  sizeBytes: z.number(),
  seeders: z.number().nullable(),
})
export type Alternative = z.infer<typeof AlternativeSchema>

/** The body of every refusal: `error` is the code, `message` a sentence for the person. */
export const MediaNodeErrorSchema = z
  .object({
    error: z.string(),
    message: z.string(),
    alternatives: z.array(AlternativeSchema).optional(),
  })
  .passthrough()
export type MediaNodeError = z.infer<typeof MediaNodeErrorSchema>

export const ProbedStreamSchema = z.object({
  index: z.number().int(),
  type: z.enum(['video', 'audio', 'subtitle', 'other']),
  codec: z.string(),
  width: z.number().optional(),
  height: z.number().optional(),
  channels: z.number().optional(),
  sampleRate: z.number().optional(),
  language: z.string().optional(),
  title: z.string().optional(),
  isDefault: z.boolean(),
})
export type ProbedStream = z.infer<typeof ProbedStreamSchema>

export const MediaTagsSchema = z.object({
  title: z.string().optional(),
  artist: z.string().optional(),
  album: z.string().optional(),
  /** Track number within the album (from "3" or "3/12"). */
  track: z.number().optional(),
  date: z.string().optional(),
  genre: z.string().optional(),
})
export type MediaTags = z.infer<typeof MediaTagsSchema>

/** What ffprobe found in a file. */
export const ProbedMediaSchema = z.object({
  /** ffprobe's format names, e.g. "matroska,webm" or "mov,mp4,m4a,3gp,3g2,mj2". */
  format: z.string(),
  /** The container's tags (ID3, Vorbis comments, Matroska/MP4 metadata), keys lowercased. */
  tags: MediaTagsSchema,
  durationS: z.number().nullable(),
  /** The container's first timestamp (0 for most files; MPEG-TS sources start anywhere). */
  startS: z.number(),
  bitRate: z.number().nullable(),
  streams: z.array(ProbedStreamSchema),
})
export type ProbedMedia = z.infer<typeof ProbedMediaSchema>

/** What a player reports from canPlayType / MediaSource.isTypeSupported. */
export const ClientCapabilitiesSchema = z.object({
  containers: z.array(z.enum(['mp4', 'webm', 'ogg', 'mp3', 'flac', 'wav', 'matroska', 'hls'])).max(16),
  videoCodecs: z.array(z.enum(['h264', 'hevc', 'vp8', 'vp9', 'av1', 'mpeg4', 'theora'])).max(16),
  audioCodecs: z.array(z.enum(['aac', 'mp3', 'opus', 'vorbis', 'flac', 'ac3', 'eac3', 'pcm'])).max(16),
})
export type ClientCapabilities = z.infer<typeof ClientCapabilitiesSchema>

/**
 * The capabilities as the playback URL's query (`c`, `v`, `a`: comma-separated names). They
 * are not signed: they only describe the asking browser.
 */
export function capabilitiesQuery(caps: { containers: readonly string[]; videoCodecs: readonly string[]; audioCodecs: readonly string[] }): Record<'c' | 'v' | 'a', string> {
  return { c: caps.containers.join(','), v: caps.videoCodecs.join(','), a: caps.audioCodecs.join(',') }
}

/** The query's capabilities, validated; `null` when a name is unknown or there are too many. */
export function capabilitiesFromQuery(get: (name: 'c' | 'v' | 'a') => string | null | undefined): ClientCapabilities | null {
  const list = (v: string | null | undefined) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : []
  const parsed = ClientCapabilitiesSchema.safeParse({ containers: list(get('c')), videoCodecs: list(get('v')), audioCodecs: list(get('a')) })
  return parsed.success ? parsed.data : null
}

export const PLAYBACK_MODES = ['direct', 'remux', 'transcode'] as const
export type PlaybackMode = (typeof PLAYBACK_MODES)[number]

export const PlaybackDecisionSchema = z.object({
  mode: z.enum(PLAYBACK_MODES),
  /** A sentence for the person and the logs. */
  reason: z.string(),
  video: z.object({ codec: z.string(), copy: z.boolean() }).nullable(),
  audio: z.object({ codec: z.string(), copy: z.boolean() }).nullable(),
})
export type PlaybackDecision = z.infer<typeof PlaybackDecisionSchema>

export const AudioTrackSchema = z.object({
  index: z.number().int(),
  language: z.string().nullable(),
  title: z.string().nullable(),
  codec: z.string(),
  channels: z.number().nullable(),
  isDefault: z.boolean(),
})
export type AudioTrackInfo = z.infer<typeof AudioTrackSchema>

/** A text subtitle track inside the file (its stream index), convertible to WebVTT. */
export const EmbeddedSubtitleSchema = z.object({
  index: z.number().int(),
  language: z.string().nullable(),
  title: z.string().nullable(),
  isDefault: z.boolean(),
})
export type EmbeddedSubtitle = z.infer<typeof EmbeddedSubtitleSchema>

/** `/v1/playback/<hash>/<file>`: what the file holds and how this player should get it. */
export const PlaybackAnswerSchema = z.object({
  file: z.object({ name: z.string(), length: z.number(), contentType: z.string() }),
  media: ProbedMediaSchema,
  subtitles: z.array(EmbeddedSubtitleSchema),
  audioTracks: z.array(AudioTrackSchema),
  decision: PlaybackDecisionSchema,
})
export type PlaybackAnswer = z.infer<typeof PlaybackAnswerSchema>

/** How a Live TV channel's stream can reach a browser (catalog.iptv_channels.playable). */
export type ChannelPlayability = 'yes' | 'multicast' | 'unsupported'

/** Why a channel cannot be played through the node, in the person's words; null when it can. */
export function channelRefusal(playable: string): string | null {
  if (playable === 'yes') return null
  if (playable === 'multicast') return 'This channel is a multicast stream (rtp:// or udp://) that only your provider’s own network carries; it cannot be played here.'
  return 'This channel’s stream is of a kind that cannot be played here.'
}

export const AlbumTrackSchema = z.object({
  fileIndex: z.number().int(),
  path: z.string(),
  title: z.string(),
  artist: z.string().nullable(),
  album: z.string().nullable(),
  track: z.number().nullable(),
  durationS: z.number().nullable(),
  playable: z.boolean(),
})
export type AlbumTrack = z.infer<typeof AlbumTrackSchema>

/** `/v1/album/<hash>`: the torrent's audio files with their tags, in album order. */
export const AlbumSchema = z.object({
  infoHash: z.string(),
  name: z.string(),
  album: z.string().nullable(),
  artist: z.string().nullable(),
  tracks: z.array(AlbumTrackSchema),
})
export type Album = z.infer<typeof AlbumSchema>
