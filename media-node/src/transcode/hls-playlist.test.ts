import { expect, test } from 'vitest'
import { buildHlsPlaylist, segmentCount } from './hls-playlist.ts'

test('every segment is listed up front, the last one shorter, with an end marker', () => {
  const text = buildHlsPlaylist(10.5, (n) => `seg-${n}.ts`)
  expect(text.split('\n')).toEqual([
    '#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:4', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXTINF:4.000,', 'seg-0.ts', '#EXTINF:4.000,', 'seg-1.ts', '#EXTINF:2.500,', 'seg-2.ts', '#EXT-X-ENDLIST', '',
  ])
})

test('segment counts at the edges', () => {
  expect(segmentCount(8)).toBe(2)
  expect(segmentCount(8.001)).toBe(3)
  expect(segmentCount(0.5)).toBe(1)
})
