import { describe, expect, test } from 'vitest'
import type { ProbedMedia } from '@bittorrented/common'
import type { ClientCapabilities } from '@bittorrented/common'
import { decidePlayback } from './playback-decision.ts'

const chromium: ClientCapabilities = { containers: ['mp4', 'webm', 'ogg', 'mp3', 'flac', 'wav'], videoCodecs: ['h264', 'vp8', 'vp9', 'av1'], audioCodecs: ['aac', 'mp3', 'opus', 'vorbis', 'flac'] }
const media = (format: string, video: string | null, audio: string | null): ProbedMedia => ({
  format,
  tags: {},
  durationS: 60,
  startS: 0,
  bitRate: null,
  streams: [
    ...(video ? [{ index: 0, type: 'video' as const, codec: video, width: 1280, height: 720, isDefault: true }] : []),
    ...(audio ? [{ index: 1, type: 'audio' as const, codec: audio, channels: 2, isDefault: true }] : []),
  ],
})

describe('playback decisions', () => {
  test('H.264/AAC in MP4 plays directly', () => {
    expect(decidePlayback(media('mov,mp4,m4a,3gp,3g2,mj2', 'h264', 'aac'), chromium).mode).toBe('direct')
  })
  test('H.264/AAC in Matroska only needs re-packing', () => {
    const d = decidePlayback(media('matroska,webm', 'h264', 'aac'), chromium)
    expect(d).toMatchObject({ mode: 'remux', video: { codec: 'h264', copy: true }, audio: { codec: 'aac', copy: true } })
  })
  test('H.264 with audio the browser lacks (AC-3): the video is copied, the audio converted', () => {
    const d = decidePlayback(media('matroska,webm', 'h264', 'ac3'), chromium)
    expect(d).toMatchObject({ mode: 'remux', video: { copy: true }, audio: { codec: 'ac3', copy: false } })
    expect(d.reason).toMatch(/ac3 audio is converted/)
  })
  test('Opus beside H.264 is converted to AAC for the TS segments even where the browser plays Opus', () => {
    expect(decidePlayback(media('matroska,webm', 'h264', 'opus'), chromium)).toMatchObject({ mode: 'remux', audio: { copy: false } })
  })
  test('HEVC in Matroska for a browser that plays HEVC: converted, since HLS remux carries H.264 only', () => {
    const d = decidePlayback(media('matroska,webm', 'hevc', 'aac'), { ...chromium, videoCodecs: ['h264', 'hevc'] })
    expect(d.mode).toBe('transcode')
    expect(d.reason).toMatch(/not in matroska/)
  })
  test('VP9/Opus in WebM plays directly', () => {
    expect(decidePlayback(media('matroska,webm', 'vp9', 'opus'), chromium).mode).toBe('direct')
  })
  test('HEVC needs converting where the browser lacks it, and the reason says so', () => {
    const d = decidePlayback(media('matroska,webm', 'hevc', 'aac'), chromium)
    expect(d).toMatchObject({ mode: 'transcode', video: { codec: 'hevc', copy: false }, audio: { copy: true } })
    expect(d.reason).toMatch(/cannot play hevc/)
  })
  test('AVI with MPEG-4 Part 2 and MP3 is converted', () => {
    expect(decidePlayback(media('avi', 'mpeg4', 'mp3'), chromium).mode).toBe('transcode')
  })
  test('audio only: FLAC and MP3 play directly, DTS does not', () => {
    expect(decidePlayback(media('flac', null, 'flac'), chromium).mode).toBe('direct')
    expect(decidePlayback(media('mp3', null, 'mp3'), chromium).mode).toBe('direct')
    expect(decidePlayback(media('matroska,webm', null, 'dts'), chromium).mode).toBe('transcode')
  })
  test('a cover image is not taken for the video', () => {
    const m = media('mp3', null, 'mp3')
    m.streams.push({ index: 2, type: 'video', codec: 'mjpeg', isDefault: false })
    expect(decidePlayback(m, chromium).mode).toBe('direct')
  })
})
