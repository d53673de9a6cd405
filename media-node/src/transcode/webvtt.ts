/** Subtitles to WebVTT with FFmpeg: a subtitle file (.srt, .ass, .vtt) or a text track inside a video. */
import { spawn } from 'node:child_process'
import { AppError } from '../errors.ts'

/** Subtitle codecs FFmpeg can turn into WebVTT text; picture subtitles (PGS, VobSub) cannot be. */
export const TEXT_SUBTITLE_CODECS = new Set(['subrip', 'srt', 'ass', 'ssa', 'webvtt', 'mov_text', 'text'])

const MAX_VTT_BYTES = 10 * 1024 * 1024

export function toWebVtt(source: string, subtitleStream: number | null, ffmpegPath = 'ffmpeg'): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', source, '-map', subtitleStream === null ? '0:s:0' : `0:${subtitleStream}`, '-f', 'webvtt', 'pipe:1']
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let size = 0
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      size += d.length
      if (size > MAX_VTT_BYTES) child.kill('SIGKILL')
      else out.push(d)
    })
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)))
    child.once('error', (err) => reject(err))
    child.once('exit', (code) => {
      if (size > MAX_VTT_BYTES) return reject(new AppError('unplayable_media', 'These subtitles are too large.'))
      if (code !== 0) return reject(new AppError('unplayable_media', 'These subtitles cannot be read.', { details: { ffmpeg: stderr.slice(-300) } }))
      resolve(Buffer.concat(out).toString('utf8'))
    })
  })
}
