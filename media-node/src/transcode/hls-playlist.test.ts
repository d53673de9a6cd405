import { expect, test } from 'vitest'
import { buildHlsPlaylist, gridStarts, keyframeStarts } from './hls-playlist.ts'

test('every segment is listed up front, the last one shorter, with an end marker', () => {
  const text = buildHlsPlaylist(gridStarts(10.5), 10.5, (n) => `seg-${n}.ts`)
  expect(text.split('\n')).toEqual([
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-TARGETDURATION:4',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXTINF:4.000,',
    'seg-0.ts',
    '#EXTINF:4.000,',
    'seg-1.ts',
    '#EXTINF:2.500,',
    'seg-2.ts',
    '#EXT-X-ENDLIST',
    '',
  ])
})

test('grid segment counts at the edges', () => {
  expect(gridStarts(8)).toEqual([0, 4])
  expect(gridStarts(8.001)).toEqual([0, 4, 8])
  expect(gridStarts(0.5)).toEqual([0])
})

test('keyframe segments start at keyframes at least 4 s apart; a long GOP makes a long segment and raises the target', () => {
  const keyframes = [0.023, 2.023, 4.023, 6.023, 8.023, 18.5, 19.0, 23.95]
  const starts = keyframeStarts(keyframes, 24)
  expect(starts).toEqual([0, 4.023, 8.023, 18.5])
  const text = buildHlsPlaylist(starts, 24, (n) => `seg-${n}.ts`)
  expect(text).toContain('#EXT-X-TARGETDURATION:10')
  expect(text).toContain('#EXTINF:10.477,\nseg-2.ts')
  expect(text).toContain('#EXTINF:5.500,\nseg-3.ts')
})

test('a file with one keyframe is one segment', () => {
  expect(keyframeStarts([0], 30)).toEqual([0])
})
