/**
 * The 108 torrents of libtorrent's own test suite (../shared/fixtures, written by others), read
 * by our .torrent reader: each loads or is refused exactly as EXPECTATIONS.json says, refused
 * ones with libtorrent's reason, and every path of every loaded torrent is safe to put on disk.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { repoRoot } from '@bittorrented/db'
import { InvalidTorrentError, readTorrentFile } from '../../src/catalog/torrent-file.ts'

const dir = join(repoRoot, '..', 'shared', 'fixtures', 'torrents', 'libtorrent-test-torrents')
const expectations = JSON.parse(readFileSync(join(dir, 'EXPECTATIONS.json'), 'utf8')) as {
  loads_ok: Array<{ file: string; note?: string }>
  must_fail: Array<{ file: string; libtorrent_error: string }>
}

function isSafe(path: string): boolean {
  return !path.startsWith('/') && !/[\\\u0000-\u001f]/.test(path) && path.split('/').every((e) => e !== '' && e !== '.' && e !== '..')
}

describe('libtorrent test torrents', () => {
  test.each(expectations.loads_ok.map((e) => [e.file, e.note ?? '']))('%s loads %s', (file) => {
    const t = readTorrentFile(readFileSync(join(dir, file)))
    expect(t.infoHash ?? t.infoHashV2).toMatch(/^[0-9a-f]{40}([0-9a-f]{24})?$/)
    expect(t.files.length).toBeGreaterThan(0)
    for (const f of t.files) expect(isSafe(f.path), `${file}: ${f.path}`).toBe(true)
    expect(new Set(t.files.map((f) => f.path)).size).toBe(t.files.length)
  })

  test.each(expectations.must_fail.map((e) => [e.file, e.libtorrent_error]))('%s is refused (%s)', (file, error) => {
    const thrown = (() => {
      try {
        readTorrentFile(readFileSync(join(dir, file)))
        return null
      } catch (err) {
        return err
      }
    })()
    expect(thrown).toBeInstanceOf(InvalidTorrentError)
    expect((thrown as InvalidTorrentError).reason).toBe(error.split('::')[1])
  })

  test('path traversal, absolute and slashed names come out neutralised', () => {
    const read = (f: string) => readTorrentFile(readFileSync(join(dir, f))).files.map((x) => x.path)
    expect(read('parent_path.torrent').every(isSafe)).toBe(true)
    // "foo/../../../bar" inside one element: the separators become '_', so no element is "..".
    expect(read('hidden_parent_path.torrent')).toEqual(['foo_.._.._.._bar/bar'])
    expect(read('absolute_filename.torrent')).toEqual(['abcde', 'foobar'])
    expect(read('duplicate_files.torrent')).toEqual(['foo/bar.txt', 'foo/bar.1.txt'])
  })
})
