import { describe, expect, test } from 'vitest'
import { fileResource, grantsFile, grantsTorrent, normalizeInfoHash, parseMediaResource, torrentResource } from './media-resource.ts'

const h = 'ab'.repeat(20)
describe('media resources', () => {
  test('built and parsed once: a torrent, one file', () => {
    expect(torrentResource(h)).toBe(`torrent:${h}`)
    expect(fileResource(h, 3)).toBe(`torrent:${h}/3`)
    expect(parseMediaResource(fileResource(h, 3))).toEqual({ kind: 'file', infoHash: h, fileIndex: 3 })
    expect(parseMediaResource(torrentResource(h))).toEqual({ kind: 'torrent', infoHash: h })
    for (const bad of [`torrent:${h.toUpperCase()}`, `torrent:${h}/`, `torrent:${h}/1234567`, `party:${h}`, '']) expect(parseMediaResource(bad)).toBeNull()
  })
  test('a torrent grant covers its files; a file grant covers only that file, never the torrent', () => {
    expect(grantsFile(torrentResource(h), h, 5)).toBe(true)
    expect(grantsFile(fileResource(h, 5), h, 5)).toBe(true)
    expect(grantsFile(fileResource(h, 5), h, 6)).toBe(false)
    expect(grantsTorrent(fileResource(h, 5), h)).toBe(false)
    expect(normalizeInfoHash(h.toUpperCase())).toBe(h)
    expect(normalizeInfoHash('xyz')).toBeNull()
  })
})

describe('channel resources', () => {
  test('a channel grant covers that channel only; ids are positive integers', async () => {
    const { channelResource, grantsChannel, parseChannelId } = await import('./media-resource.ts')
    expect(channelResource(42)).toBe('channel:42')
    expect(grantsChannel('channel:42', 42)).toBe(true)
    expect(grantsChannel('channel:42', 4)).toBe(false)
    expect(grantsChannel('channel:4', 42)).toBe(false)
    expect(grantsChannel(`torrent:${'a'.repeat(40)}`, 42)).toBe(false)
    expect(['1', '42', '9007199254740991'].map(parseChannelId)).toEqual([1, 42, 9007199254740991])
    expect(['0', '-1', '01', '1.5', 'x', '99999999999999999'].map(parseChannelId)).toEqual([null, null, null, null, null, null])
  })
})
