/**
 * The Matroska keyframe index against ffprobe's own account of the same files (real ffmpeg),
 * and what it does with files it cannot read an index from.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { runFfmpeg } from '../src/adapters/ffmpeg.ts'
import { readMatroskaKeyframes, type RangeReader } from '../src/playback/matroska-keyframes.ts'

let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bt-keyframes-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** A reader over a buffer that records what it was asked for. */
function reader(bytes: Uint8Array): { read: RangeReader; asked: number[] } {
  const asked: number[] = []
  return {
    asked,
    read: async (start, end) => {
      asked.push(end - start)
      return bytes.subarray(start, end)
    },
  }
}

const ffprobeKeyframes = (file: string) =>
  execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-skip_frame', 'nokey', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file])
    .toString()
    .split('\n')
    .map((l) => l.replace(/,$/, '').trim())
    .filter(Boolean)
    .map(Number)

test('the keyframes of an H.264 MKV with irregular GOPs match ffprobe, read in a few small ranges', async () => {
  const file = join(work, 'irregular.mkv')
  // Keyframes forced at uneven times, plus x264's own every 5 s (GOP of 125 frames).
  await runFfmpeg({
    inputs: [
      { source: 'testsrc2=size=320x180:rate=25:duration=40', format: 'lavfi' },
      { source: 'sine=frequency=300:duration=40', format: 'lavfi' },
    ],
    output: file,
    options: ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '125', '-force_key_frames', '1.2,2.0,7.6,13.4,13.8,22.1', '-c:a', 'aac', '-shortest'],
  })
  const bytes = new Uint8Array(await readFile(file))
  const { read, asked } = reader(bytes)
  const times = await readMatroskaKeyframes(read, bytes.length)
  const expected = ffprobeKeyframes(file)
  expect(new Set(expected.slice(1).map((t, i) => (t - expected[i]!).toFixed(2))).size).toBeGreaterThan(3)
  expect(times).not.toBeNull()
  expect(times!.map((t) => t.toFixed(3))).toEqual(expected.map((t) => t.toFixed(3)))
  expect(asked.length).toBeLessThanOrEqual(3)
  expect(asked.reduce((a, b) => a + b, 0)).toBeLessThan(bytes.length)
})

test('files without a readable index give null, never a throw or a wrong answer', async () => {
  const mp4 = join(work, 'clip.mp4')
  await runFfmpeg({ inputs: [{ source: 'testsrc2=size=160x90:rate=25:duration=2', format: 'lavfi' }], output: mp4, options: ['-c:v', 'libx264', '-preset', 'ultrafast'] })
  const mp4Bytes = new Uint8Array(await readFile(mp4))
  expect(await readMatroskaKeyframes(reader(mp4Bytes).read, mp4Bytes.length)).toBeNull()

  const audioOnly = join(work, 'audio.mka')
  await runFfmpeg({ inputs: [{ source: 'sine=duration=2', format: 'lavfi' }], output: audioOnly, options: ['-c:a', 'aac'] })
  const mka = new Uint8Array(await readFile(audioOnly))
  expect(await readMatroskaKeyframes(reader(mka).read, mka.length)).toBeNull()

  // The first 64 KiB of a Matroska file whose Cues lie past the end we have.
  const mkv = join(work, 'long.mkv')
  await runFfmpeg({ inputs: [{ source: 'testsrc2=size=320x180:rate=25:duration=6', format: 'lavfi' }], output: mkv, options: ['-c:v', 'libx264', '-preset', 'ultrafast'] })
  const whole = new Uint8Array(await readFile(mkv))
  const truncated = whole.subarray(0, 64 * 1024)
  expect(await readMatroskaKeyframes(reader(truncated).read, truncated.length)).toBeNull()

  // A SeekHead that points the Cues at a huge element: refused by size, not read.
  const hostile = new Uint8Array(whole)
  const cuesId = Buffer.from('1c53bb6b', 'hex')
  const at = Buffer.from(hostile).lastIndexOf(cuesId)
  expect(at).toBeGreaterThan(0)
  hostile.set([0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff], at + 4) // an 8-byte size of ~4 GiB
  const { read, asked } = reader(hostile)
  expect(await readMatroskaKeyframes(read, hostile.length)).toBeNull()
  expect(Math.max(...asked)).toBeLessThanOrEqual(256 * 1024)

  expect(await readMatroskaKeyframes(reader(new Uint8Array(1000)).read, 1000)).toBeNull()
})
