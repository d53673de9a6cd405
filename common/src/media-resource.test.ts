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
