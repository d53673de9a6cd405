/** Subtitles to WebVTT with FFmpeg: a subtitle file (.srt, .ass, .vtt) or a text track inside a video. */
import { ffmpegOutput } from '../adapters/ffmpeg.ts'
import { AppError } from '../errors.ts'
import { webVttArgs } from './ffmpeg-args.ts'

/** Subtitle codecs FFmpeg can turn into WebVTT text; picture subtitles (PGS, VobSub) cannot be. */
export const TEXT_SUBTITLE_CODECS = new Set(['subrip', 'srt', 'ass', 'ssa', 'webvtt', 'mov_text', 'text'])

const MAX_VTT_BYTES = 10 * 1024 * 1024
/** Reading a whole film for an embedded track takes a while; past this it is given up. */
const VTT_TIMEOUT_MS = 120_000

export async function toWebVtt(source: string, subtitleStream: number | null): Promise<string> {
  const out = await ffmpegOutput(webVttArgs(source, subtitleStream), { timeoutMs: VTT_TIMEOUT_MS, maxBytes: MAX_VTT_BYTES })
  if (out.ok) return out.stdout.toString('utf8')
  if (out.reason === 'too_large') throw new AppError('unplayable_media', 'These subtitles are too large.')
  if (out.reason === 'timeout') throw new AppError('upstream_unavailable', 'Reading these subtitles took too long; try again.')
  throw new AppError('unplayable_media', 'These subtitles cannot be read.', { details: { ffmpeg: out.exit.stderr.slice(-300) } })
}
