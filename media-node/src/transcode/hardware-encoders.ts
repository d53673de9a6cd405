/**
 * Which H.264 encoder FFmpeg should use: a hardware one when this FFmpeg has it and it works on
 * this machine (NVENC, VAAPI, QSV), else libx264 on the CPU. Listing is not enough — a build can
 * list h264_nvenc without a GPU — so each candidate encodes a few frames first.
 */
import { ffmpegOutput, FFMPEG_PATH } from '../adapters/ffmpeg.ts'
import { encoderTestArgs } from './ffmpeg-args.ts'

export type H264Encoder = 'h264_nvenc' | 'h264_vaapi' | 'h264_qsv' | 'libx264'

const CANDIDATES: Array<{ encoder: Exclude<H264Encoder, 'libx264'>; extraInput: string[]; filter?: string }> = [
  { encoder: 'h264_nvenc', extraInput: [] },
  { encoder: 'h264_qsv', extraInput: [] },
  { encoder: 'h264_vaapi', extraInput: ['-vaapi_device', '/dev/dri/renderD128'], filter: 'format=nv12,hwupload' },
]

/** Encoders this FFmpeg lists, from `ffmpeg -encoders`. */
export function listedH264Encoders(encodersOutput: string): string[] {
  return [...encodersOutput.matchAll(/^\s*V\S*\s+(h264_\w+|libx264)\s/gm)].map((m) => m[1]!)
}

async function works(ffmpeg: string, c: (typeof CANDIDATES)[number]): Promise<boolean> {
  return (await ffmpegOutput(encoderTestArgs(c.encoder, c.extraInput, c.filter), { timeoutMs: 15_000 }, ffmpeg)).ok
}

/** The encoder to use; `preferred` = 'cpu' skips the hardware. */
export async function detectH264Encoder(ffmpeg = FFMPEG_PATH, preferred: 'auto' | 'cpu' = 'auto'): Promise<H264Encoder> {
  if (preferred === 'cpu') return 'libx264'
  const encoders = await ffmpegOutput(['-hide_banner', '-encoders'], { timeoutMs: 15_000, maxBytes: 4 << 20 }, ffmpeg)
  if (!encoders.ok) return 'libx264'
  const listed = listedH264Encoders(encoders.stdout.toString('utf8'))
  for (const c of CANDIDATES) if (listed.includes(c.encoder) && (await works(ffmpeg, c))) return c.encoder
  return 'libx264'
}

export const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium'] as const
export type X264Preset = (typeof X264_PRESETS)[number]

/**
 * libx264's preset for this many cores, when none is configured: conversion has to keep ahead of
 * the player. Measured on a 2-core box (HEVC 1080p → 720p, raw FFmpeg): veryfast converts at
 * 2.2× real time and needs 2.5 s for the first 4 s segment, superfast 2.7× / 1.8 s, ultrafast
 * 3.3× / 1.4 s — there only ultrafast leaves room for a second viewer. Bigger machines get the
 * better compression of veryfast. The bitrate cap (below) keeps the faster presets' files in bounds.
 */
export function defaultX264Preset(cores: number): X264Preset {
  return cores <= 2 ? 'ultrafast' : cores <= 4 ? 'superfast' : 'veryfast'
}

/** The peak bitrate converted video may use, by its height: 2, 4 and 8 Mbit/s for up to 480, 720 and 1080 lines, 16 above. */
export function bitrateCapKbps(maxHeight: number): number {
  return maxHeight <= 480 ? 2000 : maxHeight <= 720 ? 4000 : maxHeight <= 1080 ? 8000 : 16000
}

/**
 * FFmpeg video options for an encoder, at about crf 23 quality, capped at the height's bitrate
 * (VBV: a two-second buffer at the cap), so a fast preset's larger output still streams.
 */
export function videoEncoderArgs(encoder: H264Encoder, opts: { preset?: X264Preset; maxHeight?: number } = {}): string[] {
  const cap = bitrateCapKbps(opts.maxHeight ?? 720)
  const vbv = ['-maxrate', `${cap}k`, '-bufsize', `${cap * 2}k`]
  switch (encoder) {
    case 'h264_nvenc':
      return ['-c:v', 'h264_nvenc', '-preset', 'p4', '-rc', 'vbr', '-cq', '23', '-b:v', '0', ...vbv]
    case 'h264_qsv':
      return ['-c:v', 'h264_qsv', '-global_quality', '23', ...vbv]
    case 'h264_vaapi':
      return ['-c:v', 'h264_vaapi', '-qp', '23']
    default:
      return ['-c:v', 'libx264', '-preset', opts.preset ?? 'veryfast', '-crf', '23', ...vbv]
  }
}
