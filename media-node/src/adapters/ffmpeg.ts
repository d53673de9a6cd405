/** FFmpeg through fluent-ffmpeg (Debian's ffmpeg binary). Failures carry the argv and stderr's tail. */
import ffmpeg from 'fluent-ffmpeg'

export interface FfmpegJob {
  inputs: Array<{ source: string; format?: string; options?: string[] }>
  output: string
  /** One token per argv entry (`['-c:v', 'libx264']`); values may contain spaces. */
  options: string[]
}

export function runFfmpeg(job: FfmpegJob): Promise<void> {
  return new Promise((resolve, reject) => {
    const command = ffmpeg()
    for (const input of job.inputs) {
      command.input(input.source)
      if (input.format) command.inputFormat(input.format)
      if (input.options) command.inputOptions(input.options)
    }
    let argv = ''
    command
      // Several arguments: fluent-ffmpeg then passes each one as is (one array would be split at spaces).
      .outputOptions(...(job.options as [string, ...string[]]))
      .output(job.output)
      .on('start', (line: string) => (argv = line))
      .on('end', () => resolve())
      .on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
        const tail = String(stderr ?? '').split('\n').slice(-8).join('\n')
        reject(new Error(`ffmpeg failed: ${err.message}\n${argv}\n${tail}`, { cause: err }))
      })
      .run()
  })
}

export interface ProbedStream {
  index: number
  type: 'video' | 'audio' | 'subtitle' | 'other'
  codec: string
  width?: number
  height?: number
  channels?: number
  sampleRate?: number
  language?: string
  title?: string
  isDefault: boolean
}

export interface MediaTags {
  title?: string
  artist?: string
  album?: string
  /** Track number within the album (from "3" or "3/12"). */
  track?: number
  date?: string
  genre?: string
}

export interface ProbedMedia {
  /** ffprobe's format names, e.g. "matroska,webm" or "mov,mp4,m4a,3gp,3g2,mj2". */
  format: string
  /** The container's tags (ID3, Vorbis comments, Matroska/MP4 metadata), keys lowercased. */
  tags: MediaTags
  durationS: number | null
  /** The container's first timestamp (0 for most files; MPEG-TS sources start anywhere). */
  startS: number
  bitRate: number | null
  streams: ProbedStream[]
}

const STREAM_TYPES = new Set(['video', 'audio', 'subtitle'])

/** ffprobe a file or URL (http ranges work, so it reads only what it needs). */
export function probeMedia(source: string, timeoutMs = 20_000): Promise<ProbedMedia> {
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(source, ['-rw_timeout', String(timeoutMs * 1000)], (err: Error | null, data: ffmpeg.FfprobeData) => {
      if (err) return reject(new Error(`ffprobe failed: ${String(err.message).split('\n').slice(-3).join(' ')}`, { cause: err }))
      const raw = Object.fromEntries(Object.entries(data.format.tags ?? {}).map(([k, v]) => [k.toLowerCase(), String(v).trim()]))
      const track = Number.parseInt(raw.track ?? raw.tracknumber ?? '', 10)
      const tags: MediaTags = {
        ...(raw.title ? { title: raw.title } : {}),
        ...(raw.artist || raw.album_artist ? { artist: raw.artist ?? raw.album_artist } : {}),
        ...(raw.album ? { album: raw.album } : {}),
        ...(Number.isFinite(track) && track > 0 ? { track } : {}),
        ...(raw.date ? { date: raw.date } : {}),
        ...(raw.genre ? { genre: raw.genre } : {}),
      }
      const duration = Number(data.format.duration)
      const bitRate = Number(data.format.bit_rate)
      resolve({
        format: String(data.format.format_name ?? ''),
        tags,
        durationS: Number.isFinite(duration) && duration > 0 ? duration : null,
        startS: Number.isFinite(Number(data.format.start_time)) ? Number(data.format.start_time) : 0,
        bitRate: Number.isFinite(bitRate) && bitRate > 0 ? bitRate : null,
        streams: data.streams.map((s) => ({
          index: s.index,
          type: (STREAM_TYPES.has(String(s.codec_type)) ? s.codec_type : 'other') as ProbedStream['type'],
          codec: String(s.codec_name ?? 'unknown'),
          ...(s.width ? { width: s.width, height: s.height } : {}),
          ...(s.channels ? { channels: s.channels } : {}),
          ...(s.sample_rate ? { sampleRate: Number(s.sample_rate) } : {}),
          ...(s.tags?.language ? { language: String(s.tags.language) } : {}),
          ...(s.tags?.title ? { title: String(s.tags.title) } : {}),
          isDefault: s.disposition?.default === 1,
        })),
      })
    })
  })
}
