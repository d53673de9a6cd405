import { describe, expect, test } from 'vitest'
import { renditionKey, type SegmentPlan } from './hls-jobs.ts'
import { gridStarts } from './hls-playlist.ts'
import type { EncodeSettings } from './ffmpeg-args.ts'

const plan: SegmentPlan = { source: 'abc-0', starts: gridStarts(60), video: 'encode', audio: 'encode', audioStream: null, sourceStartS: 0 }
const settings: EncodeSettings = { encoder: 'libx264', x264Preset: 'veryfast', maxHeight: 720 }

describe('the HLS cache key names everything that changes the bytes', () => {
  test('the same rendition made the same way has one key', () => {
    expect(renditionKey({ ...plan }, { ...settings })).toBe(renditionKey(plan, settings))
    expect(renditionKey(plan, settings)).toMatch(/^abc-0-h264-[0-9a-f]{16}$/)
  })

  test.each<[string, Partial<SegmentPlan>, Partial<EncodeSettings>]>([
    ['output height', {}, { maxHeight: 1080 }],
    ['encoder', {}, { encoder: 'h264_nvenc' }],
    ['x264 preset', {}, { x264Preset: 'ultrafast' }],
    ['segment length', { starts: [0, 6, 12, 18, 24, 30, 36, 42, 48, 54] }, {}],
    ['audio track', { audioStream: 2 }, {}],
    ['audio copied instead of converted', { audio: 'copy' }, {}],
    ['video copied instead of converted', { video: 'copy' }, {}],
    ['another file', { source: 'abc-1' }, {}],
  ])('%s gives another key', (_what, planChange, settingsChange) => {
    expect(renditionKey({ ...plan, ...planChange }, { ...settings, ...settingsChange })).not.toBe(renditionKey(plan, settings))
  })
})
