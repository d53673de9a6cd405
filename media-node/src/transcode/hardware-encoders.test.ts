import { describe, expect, test } from 'vitest'
import { defaultX264Preset, detectH264Encoder, listedH264Encoders, videoEncoderArgs } from './hardware-encoders.ts'

describe('hardware encoders', () => {
  test('reads the H.264 encoders from `ffmpeg -encoders`', () => {
    const out = [
      ' V....D libx264              libx264 H.264 / AVC',
      ' V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)',
      ' V....D h264_vaapi           H.264/AVC (VAAPI) (codec h264)',
      ' A....D aac                  AAC',
    ].join('\n')
    expect(listedH264Encoders(out)).toEqual(['libx264', 'h264_nvenc', 'h264_vaapi'])
  })

  test('on this machine (no usable hardware encoder) the choice is libx264, and "cpu" forces it', async () => {
    expect(await detectH264Encoder('ffmpeg', 'cpu')).toBe('libx264')
    expect(['libx264', 'h264_nvenc', 'h264_vaapi', 'h264_qsv']).toContain(await detectH264Encoder())
    expect(await detectH264Encoder('/nonexistent/ffmpeg')).toBe('libx264')
  })

  test('each encoder gets its own quality options', () => {
    expect(videoEncoderArgs('libx264')).toEqual(['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-maxrate', '4000k', '-bufsize', '8000k'])
    expect(videoEncoderArgs('libx264', { preset: 'ultrafast', maxHeight: 1080 })).toEqual(['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-maxrate', '8000k', '-bufsize', '16000k'])
    expect(videoEncoderArgs('h264_nvenc')[1]).toBe('h264_nvenc')
  })

  test('the preset follows the cores when none is configured: fast enough to stay ahead of the player', () => {
    expect([1, 2, 4, 8, 16].map(defaultX264Preset)).toEqual(['ultrafast', 'ultrafast', 'superfast', 'veryfast', 'veryfast'])
  })
})
