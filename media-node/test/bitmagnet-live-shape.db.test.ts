/**
 * What a live Bitmagnet leaves that the first importer could not take (issue #23): names and
 * parsed fields longer than our columns, a hash longer than 64 bytes at the end of a batch,
 * single-file torrents without file rows, over-threshold torrents with only their first files,
 * private torrents, seeders and leechers counted by different sources. Each must import — or be
 * skipped with a reason — without failing its batch.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type pg from 'pg'
import { openImportPair, type ImportPair } from './helpers/bitmagnet-pair.ts'
import { importFromBitmagnet } from '../src/catalog/bitmagnet-import.ts'
import { fitChars } from '../src/catalog/catalog-writer.ts'

let pair: ImportPair
let bm: pg.Client
let cat: pg.Client
const T0 = Date.UTC(2026, 2, 1)
const hash = (n: number) => (0xa000 + n).toString(16).padStart(40, '0')

interface Row {
  n: number
  name: string
  hashHex?: string
  status?: 'single' | 'multi' | 'over_threshold' | 'no_info'
  filesCount?: number
  files?: Array<[string, number]>
  size?: number
  private?: boolean
  sources?: Array<[string, number, number]>
}

async function add(r: Row) {
  const h = `\\x${r.hashHex ?? hash(r.n)}`
  const files = r.files ?? []
  const at = new Date(T0 + r.n * 1000).toISOString()
  await bm.query(`insert into torrents (info_hash, name, size, private, files_status, files_count, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7)`, [
    h,
    r.name,
    r.size ?? (files.reduce((a, [, s]) => a + s, 0) || 1234),
    r.private ?? false,
    r.status ?? 'multi',
    r.filesCount ?? (files.length || null),
    at,
  ])
  for (const [i, [path, size]] of files.entries())
    await bm.query(`insert into torrent_files (info_hash, index, path, size, created_at, updated_at) values ($1, $2, $3, $4, now(), now())`, [h, i, path, size])
  for (const [source, seeders, leechers] of r.sources ?? []) {
    await bm.query(`insert into torrents_torrent_sources (source, info_hash, seeders, leechers, created_at, updated_at) values ($1, $2, $3, $4, now(), now())`, [source, h, seeders, leechers])
  }
}

const longCjk = Array.from({ length: 90 }, (_, i) => `高清电影合集${i}`)
  .join(' ')
  .slice(0, 800)

beforeAll(async () => {
  pair = await openImportPair()
  ;({ bm, cat } = pair)
  await add({ n: 1, name: longCjk, files: [['a.mkv', 100]] })
  await add({ n: 2, name: `Some.Show.S01E02.1080p.WEB-DL.x264-${'G'.repeat(80)}`, files: [['e.mkv', 100]] })
  await add({ n: 3, name: 'Lone.Film.2019.1080p.BluRay.x264-GRP.mkv', status: 'single', size: 7_000_000_000 })
  await add({ n: 4, name: 'Big.Pack.2020', status: 'over_threshold', filesCount: 150, files: Array.from({ length: 3 }, (_, i) => [`Big.Pack.2020/part${i}.mkv`, 10] as [string, number]) })
  await add({ n: 5, name: 'Members.Only.2021.720p', private: true, files: [['m.mkv', 10]] })
  await add({
    n: 6,
    name: 'Two.Sources.2022.1080p',
    files: [['t.mkv', 10]],
    sources: [
      ['dht', 40, 2],
      ['rarbg', 10, 900],
    ],
  })
  // The last row of the only batch: a hash Bitmagnet holds but no torrent has (65 bytes).
  await add({ n: 7, name: 'Odd.Hash', hashHex: 'ab'.repeat(65), files: [['o.mkv', 10]] })
}, 60_000)

afterAll(async () => {
  await pair?.close()
})

describe('a live-shaped Bitmagnet', () => {
  test('no row fails its batch: long values are fitted, the odd hash is skipped, and the next run goes on from there', async () => {
    const report = await importFromBitmagnet({ source: bm, target: cat, batchSize: 100 })
    expect(report).toMatchObject({ read: 7, imported: 6, skipped: 1, complete: true })
    expect(report.skippedReasons).toEqual({ bad_info_hash: 1 })
    expect(report.cursor?.infoHash).toBe('ab'.repeat(65))
    const again = await importFromBitmagnet({ source: bm, target: cat, batchSize: 100 })
    expect(again).toMatchObject({ read: 0, imported: 0, complete: true })
    const { rows } = await cat.query<{ title_chars: number; name_chars: number }>(
      `select char_length(title) as title_chars, char_length(name) as name_chars from catalog.torrents where info_hash = $1`,
      [hash(1)],
    )
    expect(rows[0]!.name_chars).toBe(Array.from(longCjk).length)
    expect(rows[0]!.title_chars).toBeLessThanOrEqual(500)
    const group = await cat.query<{ release_group: string | null; season: number | null }>(`select release_group, season from catalog.torrents where info_hash = $1`, [hash(2)])
    expect(group.rows[0]).toEqual({ release_group: null, season: 1 })
  })

  test('a single-file torrent gets its one file; an over-threshold one Bitmagnet’s count and is marked incomplete', async () => {
    const single = await cat.query(
      `select t.file_count, f.file_index, f.path, f.size_bytes::text, f.media_type from catalog.torrents t join catalog.torrent_files f using (info_hash) where info_hash = $1`,
      [hash(3)],
    )
    expect(single.rows).toEqual([{ file_count: 1, file_index: 0, path: 'Lone.Film.2019.1080p.BluRay.x264-GRP.mkv', size_bytes: '7000000000', media_type: 'video' }])
    const over = await cat.query(
      `select file_count, files_complete, (select count(*)::int from catalog.torrent_files f where f.info_hash = t.info_hash) as listed from catalog.torrents t where info_hash = $1`,
      [hash(4)],
    )
    expect(over.rows[0]).toEqual({ file_count: 150, files_complete: false, listed: 3 })
    const multi = await cat.query(`select files_complete from catalog.torrents where info_hash = $1`, [hash(5)])
    expect(multi.rows[0].files_complete).toBe(true)
  })

  test('private torrents are marked; seeders and leechers come from the same (best) source', async () => {
    const { rows } = await cat.query(`select info_hash, is_private, seeders, leechers from catalog.torrents where info_hash = any($1) order by info_hash`, [[hash(5), hash(6)]])
    expect(rows).toEqual([
      { info_hash: hash(5), is_private: true, seeders: null, leechers: null },
      { info_hash: hash(6), is_private: false, seeders: 40, leechers: 2 },
    ])
  })
})

describe('later writes and deletions', () => {
  test("new seeders and the classifier's verdict, written without touching torrents.updated_at, reach the catalog", async () => {
    // A scrape (newer counts from the best source) and the classifier marking a torrent xxx, a minute later.
    await bm.query(`update torrents_torrent_sources set seeders = 75, leechers = 5, updated_at = now() where info_hash = $1 and source = 'dht'`, [`\\x${hash(6)}`])
    await bm.query(`insert into torrent_contents (info_hash, content_type, created_at, updated_at) values ($1, 'xxx', now(), now())`, [`\\x${hash(5)}`])
    const report = await importFromBitmagnet({ source: bm, target: cat, batchSize: 100 })
    expect(report).toMatchObject({ read: 0, complete: true })
    expect(report.refreshed).toBeGreaterThanOrEqual(2)
    const { rows } = await cat.query(`select info_hash, seeders, leechers, is_adult from catalog.torrents where info_hash = any($1) order by info_hash`, [[hash(5), hash(6)]])
    expect(rows).toEqual([
      { info_hash: hash(5), seeders: null, leechers: null, is_adult: true },
      { info_hash: hash(6), seeders: 75, leechers: 5, is_adult: false },
    ])
  })

  test('a row committed late with an updated_at behind the cursor is still imported', async () => {
    const { rows: c } = await cat.query(`select to_json(cursor_updated_at) #>> '{}' as at from catalog.import_cursors where source = 'bitmagnet'`)
    // As a slower concurrent transaction leaves it: 50 ms before the cursor, visible only now.
    await bm.query(
      `insert into torrents (info_hash, name, size, private, files_status, files_count, created_at, updated_at) values ($1, 'Late.Commit.2024.1080p', 10, false, 'single', 1, now(), $2::timestamptz - interval '50 milliseconds')`,
      [`\\x${hash(8)}`, c[0].at],
    )
    await importFromBitmagnet({ source: bm, target: cat, batchSize: 100 })
    const { rows } = await cat.query(`select name, file_count from catalog.torrents where info_hash = $1`, [hash(8)])
    expect(rows).toEqual([{ name: 'Late.Commit.2024.1080p', file_count: 1 }])
  })

  test("Bitmagnet's own classification: a fansub episode it calls a show comes out as an episode", async () => {
    const h = `\\x${hash(9)}`
    await bm.query(
      `insert into torrents (info_hash, name, size, private, files_status, files_count, created_at, updated_at) values ($1, '[字幕组] 某部剧 [12] [1080p].mkv', 10, false, 'single', 1, now(), now())`,
      [h],
    )
    await bm.query(`insert into torrent_contents (info_hash, content_type, created_at, updated_at) values ($1, 'tv_show', now(), now())`, [h])
    await importFromBitmagnet({ source: bm, target: cat, batchSize: 100 })
    const { rows } = await cat.query(`select content_type, episode from catalog.torrents where info_hash = $1`, [hash(9)])
    expect(rows).toEqual([{ content_type: 'tv_episode', episode: 12 }])
  })

  test('a torrent Bitmagnet deleted leaves the catalog, with its files', async () => {
    await bm.query(`delete from torrent_files where info_hash = $1`, [`\\x${hash(4)}`])
    await bm.query(`delete from torrents where info_hash = $1`, [`\\x${hash(4)}`])
    const report = await importFromBitmagnet({ source: bm, target: cat, batchSize: 100 })
    expect(report.deleted).toBe(1)
    expect((await cat.query(`select count(*)::int as n from catalog.torrent_files where info_hash = $1`, [hash(4)])).rows[0].n).toBe(0)
    expect((await cat.query(`select count(*)::int as n from catalog.torrents where source = 'bitmagnet'`)).rows[0].n).toBe(7)
  })
})

test('fitChars cuts at a character boundary, counting code points as PostgreSQL does', () => {
  expect(fitChars('abc', 5)).toBe('abc')
  expect(fitChars('😀'.repeat(10), 4)).toBe('😀'.repeat(4))
  expect(Array.from(fitChars('高清'.repeat(400), 500)!).length).toBe(500)
  expect(fitChars(null, 3)).toBeNull()
})
