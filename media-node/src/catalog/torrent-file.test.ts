import { createHash } from 'node:crypto'
import parseTorrent from 'parse-torrent'
import { describe, expect, test } from 'vitest'
import { InvalidTorrentError, readTorrentFile } from './torrent-file.ts'

type B = number | string | Uint8Array | B[] | { [k: string]: B }
/** Test-side bencode writer (keys sorted, as a correct encoder writes them). */
function bencode(v: B): Buffer {
  if (typeof v === 'number') return Buffer.from(`i${v}e`)
  if (typeof v === 'string') return bencode(Buffer.from(v))
  if (v instanceof Uint8Array) return Buffer.concat([Buffer.from(`${v.length}:`), v])
  if (Array.isArray(v)) return Buffer.concat([Buffer.from('l'), ...v.map(bencode), Buffer.from('e')])
  return Buffer.concat([
    Buffer.from('d'),
    ...Object.keys(v)
      .sort()
      .flatMap((k) => [bencode(k), bencode(v[k]!)]),
    Buffer.from('e'),
  ])
}

const hashes = (n: number) => Buffer.alloc(20 * n, 7)
const multi = (files: Array<{ path: B[]; length: number }>, extra: Record<string, B> = {}) =>
  bencode({
    announce: 'udp://tracker.example:80',
    info: { name: 'Hostile', 'piece length': 16384, pieces: hashes(Math.ceil(files.reduce((s, f) => s + f.length, 0) / 16384)), files: files as unknown as B, ...extra },
  })

function reasonOf(bytes: Uint8Array): string | null {
  try {
    readTorrentFile(bytes)
    return null
  } catch (err) {
    if (err instanceof InvalidTorrentError) return err.reason
    throw err
  }
}

describe('reading .torrent files', () => {
  test('the info hash is the SHA-1 of the info dictionary as written, the same as parse-torrent says', async () => {
    const bytes = multi([
      { path: ['a.mkv'], length: 40000 },
      { path: ['subs', 'a.srt'], length: 100 },
    ])
    const t = readTorrentFile(bytes)
    expect(t.infoHash).toBe((await parseTorrent(bytes)).infoHash)
    expect(t.files.map((f) => [f.path, f.length])).toEqual([
      ['a.mkv', 40000],
      ['subs/a.srt', 100],
    ])
    expect(t.announce).toEqual(['udp://tracker.example:80'])
  })

  test('hostile paths come out relative and harmless', () => {
    const t = readTorrentFile(
      multi([
        { path: ['..', '..', 'etc', 'passwd'], length: 10 },
        { path: ['/abs', 'x'], length: 10 },
        { path: ['a\\..\\b', 'c'], length: 10 },
        { path: ['.', 'ctl\u0001name'], length: 10 },
        { path: ['dup'], length: 10 },
        { path: ['dup'], length: 10 },
      ]),
    )
    expect(t.files.map((f) => f.path)).toEqual(['etc/passwd', 'abs/x', 'a_.._b/c', 'ctl_name', 'dup', 'dup.1'])
  })

  test('a name that is only ".." falls back to the info hash; a name with NUL bytes is refused', () => {
    const dotted = bencode({ info: { name: '..', 'piece length': 16384, pieces: hashes(1), length: 5 } })
    const t = readTorrentFile(dotted)
    expect(t.name).toBe(t.infoHash)
    expect(t.files[0]!.path).toBe(t.infoHash)
    expect(reasonOf(bencode({ info: { name: 'a\u0000b', 'piece length': 16384, pieces: hashes(1), length: 5 } }))).toBe('torrent_missing_name')
  })

  test('broken or hostile encodings are refused with a reason, never a crash', () => {
    expect(reasonOf(Buffer.from('i42e'))).toBe('torrent_is_no_dict')
    expect(reasonOf(bencode({ announce: 'x' }))).toBe('torrent_missing_info')
    expect(reasonOf(Buffer.from('d4:infod6:lengthi07eee'))).toBe('invalid_bencoding')
    expect(reasonOf(Buffer.from('d4:info'))).toBe('invalid_bencoding')
    expect(reasonOf(Buffer.from('d4:info99999:abce'))).toBe('invalid_bencoding')
    // 100 000 nested lists would overflow a naive recursive decoder's stack.
    expect(reasonOf(Buffer.from(`d4:info${'l'.repeat(100_000)}${'e'.repeat(100_000)}e`))).toBe('depth_exceeded')
  })

  test('impossible sizes and hash lists are refused', () => {
    const base = { name: 'x', 'piece length': 16384 }
    expect(reasonOf(bencode({ info: { ...base, pieces: hashes(1), length: 0 } }))).toBe('torrent_invalid_length')
    expect(reasonOf(bencode({ info: { ...base, pieces: hashes(1), length: -5 } }))).toBe('torrent_invalid_length')
    expect(reasonOf(bencode({ info: { ...base, pieces: hashes(1), length: 16384 * 3_000_000 } }))).toBe('too_many_pieces_in_torrent')
    expect(reasonOf(bencode({ info: { ...base, pieces: Buffer.alloc(21), length: 5 } }))).toBe('torrent_invalid_hashes')
    expect(reasonOf(bencode({ info: { name: 'x', 'piece length': 0, pieces: hashes(1), length: 5 } }))).toBe('torrent_missing_piece_length')
    expect(reasonOf(bencode({ info: { ...base, pieces: hashes(1), files: [] } }))).toBe('no_files_in_torrent')
    expect(reasonOf(bencode({ info: { ...base, pieces: hashes(1), files: [{ length: 5, path: [3] }] } }))).toBe('torrent_invalid_name')
  })

  test('a v2-only torrent has no v1 info hash but a SHA-256 one', () => {
    const root = createHash('sha256').update('x').digest()
    const bytes = bencode({ info: { name: 'v2', 'piece length': 16384, 'meta version': 2, 'file tree': { 'a.bin': { '': { length: 1000, 'pieces root': root } } } } })
    const t = readTorrentFile(bytes)
    expect(t.infoHash).toBeNull()
    expect(t.infoHashV2).toMatch(/^[0-9a-f]{64}$/)
    expect(t.files).toEqual([{ path: 'a.bin', length: 1000, pad: false, symlink: null }])
  })
})
