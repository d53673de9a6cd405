/**
 * How a file reaches a player: as it is, re-packed, or converted. Pure: the probe of the file and
 * what the browser said it can play go in, the decision and its reason come out.
 */
import type { ClientCapabilities, PlaybackDecision, ProbedMedia } from '@bittorrented/common'

export type { PlaybackDecision, PlaybackMode } from '@bittorrented/common'

/** ffprobe format names → the container names players speak of. */
function containerOf(format: string): string {
  const names = format.split(',')
  if (names.includes('mp4') || names.includes('mov')) return 'mp4'
  if (names.includes('matroska')) return format.includes('webm') ? 'matroska-or-webm' : 'matroska'
  if (names.includes('webm')) return 'webm'
  if (names.includes('mp3')) return 'mp3'
  if (names.includes('flac')) return 'flac'
  if (names.includes('ogg')) return 'ogg'
  if (names.includes('wav')) return 'wav'
  if (names.includes('avi')) return 'avi'
  return names[0] ?? 'unknown'
}

const VIDEO_ALIASES: Record<string, string> = { h264: 'h264', hevc: 'hevc', h265: 'hevc', vp8: 'vp8', vp9: 'vp9', av1: 'av1', mpeg4: 'mpeg4', theora: 'theora' }
const AUDIO_ALIASES: Record<string, string> = { aac: 'aac', mp3: 'mp3', opus: 'opus', vorbis: 'vorbis', flac: 'flac', ac3: 'ac3', eac3: 'eac3', pcm_s16le: 'pcm', pcm_s24le: 'pcm' }

/** Audio codecs that go into MPEG-TS HLS as they are. */
export const REMUX_AUDIO: ReadonlySet<string> = new Set(['aac', 'mp3'])

/** The file's picture stream, if it has one (a cover image in an audio file is not one). */
export function mainVideoStream(media: ProbedMedia) {
  return media.streams.find((s) => s.type === 'video' && !['mjpeg', 'png'].includes(s.codec))
}

export function decidePlayback(media: ProbedMedia, caps: ClientCapabilities): PlaybackDecision {
  const video = mainVideoStream(media)
  const audio = media.streams.find((s) => s.type === 'audio' && s.isDefault) ?? media.streams.find((s) => s.type === 'audio')
  if (!video && !audio) return { mode: 'transcode', reason: 'The file has no audio or video stream a player could use.', video: null, audio: null }
  const vCodec = video ? (VIDEO_ALIASES[video.codec] ?? video.codec) : null
  const aCodec = audio ? (AUDIO_ALIASES[audio.codec] ?? audio.codec) : null
  const vOk = vCodec === null || (caps.videoCodecs as string[]).includes(vCodec)
  const aOk = aCodec === null || (caps.audioCodecs as string[]).includes(aCodec)
  const container = containerOf(media.format)
  const containerOk =
    (caps.containers as string[]).includes(container) ||
    (container === 'matroska-or-webm' && (caps.containers.includes('webm') || caps.containers.includes('matroska')) && (vCodec === null || ['vp8', 'vp9', 'av1'].includes(vCodec)))
  const streams = {
    video: vCodec ? { codec: vCodec, copy: vOk } : null,
    audio: aCodec ? { codec: aCodec, copy: aOk } : null,
  }
  if (vOk && aOk && containerOk) return { mode: 'direct', reason: `The browser plays ${[vCodec, aCodec].filter(Boolean).join(' and ')} in ${container} as it is.`, ...streams }
  // Remux copies the video into MPEG-TS HLS, which players take H.264 in; the audio is copied when
  // the browser plays it and TS carries it (AAC, MP3), otherwise made AAC — cheap next to video.
  if (vCodec === 'h264' && vOk) {
    const copyAudio = aCodec === null || (aOk && REMUX_AUDIO.has(aCodec))
    return {
      mode: 'remux',
      reason: copyAudio ? `The streams can be copied; only the ${container} container needs re-packing.` : `The video can be copied; only the ${aCodec} audio is converted.`,
      video: { codec: vCodec, copy: true },
      audio: aCodec ? { codec: aCodec, copy: copyAudio } : null,
    }
  }
  const missing = [!vOk && vCodec, !aOk && aCodec].filter(Boolean).join(' and ')
  return {
    mode: 'transcode',
    reason: missing ? `The browser cannot play ${missing}; it has to be converted.` : `The browser plays ${vCodec}, but not in ${container}; it has to be converted.`,
    ...streams,
  }
}

/** When a remux cannot be done after all (no keyframe index): the same file, converted. */
export function remuxUnavailable(decision: PlaybackDecision, why: string): PlaybackDecision {
  return { ...decision, mode: 'transcode', reason: `${why} It has to be converted.`, video: decision.video && { ...decision.video, copy: false } }
}
