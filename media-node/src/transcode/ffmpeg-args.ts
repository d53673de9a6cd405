/**
 * Every argument list the node hands FFmpeg: the HLS segment jobs, subtitles as WebVTT and the
 * encoder self-test. Processes are started in adapters/ffmpeg.ts; which encoder and at what
 * bitrate comes from hardware-encoders.ts. A rendition's cache key is a digest of its arguments
 * (hls-jobs.ts), so any change here that changes the bytes also changes where they are kept.
 */
import { join } from 'node:path'
import { SEGMENT_SECONDS } from './hls-playlist.ts'
import { videoEncoderArgs, type H264Encoder, type X264Preset } from './hardware-encoders.ts'

/** How this node converts: the same for every rendition it makes. */
export interface EncodeSettings {
  encoder: H264Encoder
  x264Preset?: X264Preset
  /** The largest output height; smaller sources keep theirs. */
  maxHeight: number
}

/** What one HLS job makes: which video/audio handling and where the segments begin. */
export interface SegmentJobShape {
  /** Segment n covers [starts[n], starts[n + 1]) seconds of the source. */
  starts: number[]
  /** 'copy': the source's video as it is (starts must be its keyframes); 'encode': H.264. */
  video: 'copy' | 'encode'
  audio: 'copy' | 'encode'
  /** A stream index from the probe; null = the file's first audio track. */
  audioStream: number | null
  /** The container's first timestamp: FFmpeg's -ss counts from it. */
  sourceStartS: number
}

const AUDIO_ENCODE = ['-c:a', 'aac', '-b:a', '160k', '-ac', '2']

/** FFmpeg's arguments for a job of `plan` from segment `from`, reading `url`, writing `seg-N.ts` into `workDir`. */
export function hlsSegmentArgs(plan: SegmentJobShape, settings: EncodeSettings, from: number, url: string, workDir: string): string[] {
  const offset = plan.starts[from]!
  const { encoder, maxHeight } = settings
  const copy = plan.video === 'copy'
  // Copying starts at the keyframe at or before -ss: aim a millisecond past the boundary's
  // keyframe. Encoding starts exactly at -ss. Both count from the container's first timestamp.
  const seek = from === 0 ? [] : ['-ss', (copy ? offset - plan.sourceStartS + 0.001 : offset).toFixed(3)]
  // biome-ignore format: FFmpeg options read as flag/value pairs
  const video = copy
    ? ['-c:v', 'copy']
    : [
        ...videoEncoderArgs(encoder, { preset: settings.x264Preset, maxHeight }),
        ...(encoder === 'h264_vaapi' ? [] : ['-pix_fmt', 'yuv420p']),
        '-vf', `scale=-2:'min(${maxHeight},ih)'${encoder === 'h264_vaapi' ? ',format=nv12,hwupload' : ''}`,
        '-force_key_frames', `expr:gte(t,n_forced*${SEGMENT_SECONDS})`,
      ]
  const boundaries =
    plan.starts
      .slice(from + 1)
      .map((t) => t.toFixed(3))
      .join(',') || String(1e9)
  // biome-ignore format: FFmpeg options read as flag/value pairs
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    ...(!copy && encoder === 'h264_vaapi' ? ['-vaapi_device', '/dev/dri/renderD128'] : []),
    // Copy keeps the source's timestamps; an encode starts at 0 and is shifted to its place.
    ...(copy ? ['-copyts'] : []),
    ...seek, '-i', url,
    '-map', '0:v:0?', '-map', plan.audioStream === null ? '0:a:0?' : `0:${plan.audioStream}`,
    ...video,
    ...(plan.audio === 'copy' ? ['-c:a', 'copy'] : AUDIO_ENCODE),
    ...(copy ? [] : ['-output_ts_offset', offset.toFixed(3)]),
    '-f', 'segment', '-segment_format', 'mpegts',
    // Cut at the first keyframe at (or within a hair before) each following boundary.
    '-segment_times', boundaries,
    '-segment_time_delta', copy ? '0.001' : '0.05',
    '-segment_start_number', String(from),
    join(workDir, 'seg-%d.ts'),
  ]
}

/** A subtitle file, or the text track `subtitleStream` of a video, as WebVTT on stdout. */
export function webVttArgs(source: string, subtitleStream: number | null): string[] {
  return ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', source, '-map', subtitleStream === null ? '0:s:0' : `0:${subtitleStream}`, '-f', 'webvtt', 'pipe:1']
}

/** A few frames through `encoder`: does it work on this machine (listing it is not enough)? */
export function encoderTestArgs(encoder: H264Encoder, extraInput: string[], filter?: string): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    ...extraInput,
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=256x144:rate=25:duration=0.2',
    ...(filter ? ['-vf', filter] : []),
    '-c:v',
    encoder,
    '-f',
    'null',
    '-',
  ]
}
