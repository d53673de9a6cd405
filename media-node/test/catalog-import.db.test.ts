/**
 * catalog:import from a Bitmagnet-shaped database into a migrated catalog, on PGlite and on
 * PostgreSQL (the db:* projects): good rows land parsed and classified, bad rows are skipped with
 * their reason and counted, a second run reads nothing, changed rows are picked up, a stopped
 * import resumes exactly where it stopped.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type pg from 'pg'
import { openImportPair, type ImportPair } from './helpers/bitmagnet-pair.ts'
import { importFromBitmagnet } from '../src/catalog/bitmagnet-import.ts'
import { checkEntry, inCatalogTransaction, recordTaggedArtist, upsertCatalogEntries } from '../src/catalog/catalog-writer.ts'
import { rateTitle } from '../src/catalog/content-rating.ts'
import { entryFromMagnet } from '../src/catalog/ingest.ts'

let pair: ImportPair
let bm: pg.Client
let cat: pg.Client

const hash = (n: number) => n.toString(16).padStart(40, '0')
const T0 = Date.UTC(2026, 0, 1)

async function addTorrent(n: number, name: string, opts: { files?: Array<[string, number]>; seeders?: number[]; type?: string; hashHex?: string; size?: number; at?: number } = {}) {
  const h = `\\x${opts.hashHex ?? hash(n)}`
  const at = new Date(opts.at ?? T0 + n * 1000).toISOString()
  const files = opts.files ?? [[`${name}.mkv`, 1000]]
  // Microseconds, as PostgreSQL's now() gives them: the cursor must not lose them.
  await bm.query(
    `insert into torrents (info_hash, name, size, private, files_status, files_count, created_at, updated_at) values ($1, $2, $3, false, 'multi', $4, $5, $5::timestamptz + interval '123 microseconds')`,
    [h, name, opts.size ?? files.reduce((a, [, s]) => a + s, 0), files.length, at],
  )
  for (const [i, [path, size]] of files.entries()) {
    await bm.query(`insert into torrent_files (info_hash, index, path, size, created_at, updated_at) values ($1, $2, $3, $4, now(), now())`, [h, i, path, size])
  }
  for (const [i, s] of (opts.seeders ?? []).entries()) {
    await bm.query(`insert into torrents_torrent_sources (source, info_hash, seeders, leechers, created_at, updated_at) values ($1, $2, $3, 1, now(), now())`, [['dht', 'rarbg'][i], h, s])
  }
  if (opts.type) await bm.query(`insert into torrent_contents (info_hash, content_type, created_at, updated_at) values ($1, $2, now(), now())`, [h, opts.type])
}

beforeAll(async () => {
  pair = await openImportPair()
  ;({ bm, cat } = pair)
  // 25 good torrents, then the bad ones, interleaved in update order.
  for (let n = 1; n <= 25; n++) {
    await addTorrent(n, `Some.Film.${2000 + n}.1080p.BluRay.x264-GRP`, {
      files: [
        [`Some.Film.${2000 + n}/film.mkv`, 5000],
        [`Some.Film.${2000 + n}/film.en.srt`, 10],
      ],
      seeders: [n, n * 2],
    })
  }
  await addTorrent(26, 'Short Hash', { hashHex: 'abcdef' })
  await addTorrent(27, '   ')
  await addTorrent(28, 'Escape.Attempt.2020.720p', { files: [['../../etc/passwd', 10]] })
  await addTorrent(29, 'Absolute.Path.2020', { files: [['/etc/shadow', 10]] })
  await addTorrent(30, 'Negative.Size.2020', { size: -5 })
  await addTorrent(31, 'Backslash.Path.2021', { files: [['..\\..\\windows\\system32', 10]] })
  await addTorrent(32, 'Quiet.Evening.2019.1080p.WEB', { type: 'xxx' })
}, 60_000)

afterAll(async () => {
  await pair?.close()
})

describe('importing from Bitmagnet', () => {
  test('a stopped import resumes after the last batch that landed; the whole comes out once, bad rows skipped by reason', async () => {
    const first = await importFromBitmagnet({ source: bm, target: cat, batchSize: 10, maxBatches: 1 })
    expect(first).toMatchObject({ read: 10, imported: 10, skipped: 0, batches: 1, complete: false, total: 32 })
    const rest = await importFromBitmagnet({ source: bm, target: cat, batchSize: 10 })
    expect(rest).toMatchObject({ read: 22, imported: 16, skipped: 6, complete: true, total: 22 })
    expect(rest.skippedReasons).toEqual({ bad_info_hash: 1, bad_name: 1, hostile_path: 3, bad_size: 1 })
    const { rows } = await cat.query(`select count(*)::int as n from catalog.torrents where source = 'bitmagnet'`)
    expect(rows[0].n).toBe(26)
    const cursor = await cat.query(`select imported::int, skipped::int, skipped_reasons from catalog.import_cursors where source = 'bitmagnet'`)
    expect(cursor.rows[0]).toEqual({ imported: 26, skipped: 6, skipped_reasons: { bad_info_hash: 1, bad_name: 1, hostile_path: 3, bad_size: 1 } })
  })

  test('rows land parsed and classified, with the best seeders of all sources, their files, and Bitmagnet’s adult flag kept', async () => {
    const { rows } = await cat.query(
      `select name, content_type, title, year, resolution, release_source, seeders, file_count, is_adult from catalog.torrents where info_hash = $1 or info_hash = $2 order by name`,
      [hash(7), hash(32)],
    )
    expect(rows).toEqual([
      {
        name: 'Quiet.Evening.2019.1080p.WEB',
        content_type: 'adult',
        title: 'Quiet Evening',
        year: 2019,
        resolution: '1080p',
        release_source: expect.any(String),
        seeders: null,
        file_count: 1,
        is_adult: true,
      },
      {
        name: 'Some.Film.2007.1080p.BluRay.x264-GRP',
        content_type: 'movie',
        title: 'Some Film',
        year: 2007,
        resolution: '1080p',
        release_source: expect.stringMatching(/blu/i),
        seeders: 14,
        file_count: 2,
        is_adult: false,
      },
    ])
    const files = await cat.query(`select file_index, path, media_type from catalog.torrent_files where info_hash = $1 order by file_index`, [hash(7)])
    expect(files.rows).toEqual([
      { file_index: 0, path: 'Some.Film.2007/film.mkv', media_type: 'video' },
      { file_index: 1, path: 'Some.Film.2007/film.en.srt', media_type: 'subtitle' },
    ])
    const hostile = await cat.query(`select count(*)::int as n from catalog.torrent_files where path like '%..%' or path like '/%' or path like '%\\%'`)
    expect(hostile.rows[0].n).toBe(0)
  })

  test('a second run reads nothing; a row Bitmagnet changes is picked up and updated in place', async () => {
    expect(await importFromBitmagnet({ source: bm, target: cat, batchSize: 10 })).toMatchObject({ read: 0, imported: 0, complete: true })
    await bm.query(`update torrents_torrent_sources set seeders = 500 where info_hash = $1 and source = 'dht'`, [`\\x${hash(3)}`])
    await bm.query(`update torrents set updated_at = $2 where info_hash = $1`, [`\\x${hash(3)}`, new Date(T0 + 10_000_000).toISOString()])
    expect(await importFromBitmagnet({ source: bm, target: cat, batchSize: 10 })).toMatchObject({ read: 1, imported: 1, complete: true })
    const { rows } = await cat.query(`select seeders, (select count(*)::int from catalog.torrents) as total from catalog.torrents where info_hash = $1`, [hash(3)])
    expect(rows[0]).toEqual({ seeders: 500, total: 26 })
  })

  test('a magnet then the same torrent with files: one row, files filled in, seeders kept', async () => {
    const magnet = entryFromMagnet(`magnet:?xt=urn:btih:${hash(9)}&dn=Renamed+By+Magnet&xl=123`)
    expect(magnet).toMatchObject({ infoHash: hash(9), name: 'Renamed By Magnet', sizeBytes: 123, files: null })
    expect(checkEntry(magnet)).toBeNull()
    await inCatalogTransaction(cat, () => upsertCatalogEntries(cat, [magnet]))
    const { rows } = await cat.query(
      `select name, file_count, seeders, (select count(*)::int from catalog.torrent_files f where f.info_hash = t.info_hash) as files from catalog.torrents t where info_hash = $1`,
      [hash(9)],
    )
    // The magnet renamed it but did not erase the files or the seeders learned from Bitmagnet.
    expect(rows[0]).toEqual({ name: 'Renamed By Magnet', file_count: 2, seeders: 18, files: 2 })
  })
})

describe('age ratings in the catalog', () => {
  const h = (c: string) => c.repeat(40)
  const ratings = async (...hashes: string[]) =>
    (await cat.query(`select info_hash, content_rating from catalog.torrents where info_hash = any($1) order by info_hash`, [hashes])).rows.map((r) => r.content_rating)

  test('a rating from any system is stored on the profiles’ scale; a later sighting without one keeps it', async () => {
    const film = { infoHash: h('1'), name: 'Rated.Film.2011.1080p.BluRay.x264-GRP', sizeBytes: 10, files: [{ path: 'film.mkv', length: 10 }], source: 'upload', contentRating: 'TV-14' }
    await inCatalogTransaction(cat, () => upsertCatalogEntries(cat, [film]))
    expect(await ratings(h('1'))).toEqual(['PG-13'])
    await inCatalogTransaction(cat, () => upsertCatalogEntries(cat, [{ ...film, contentRating: undefined }]))
    expect(await ratings(h('1'))).toEqual(['PG-13'])
    // Something that is not a rating is stored as unrated, not as a guess.
    await inCatalogTransaction(cat, () => upsertCatalogEntries(cat, [{ ...film, infoHash: h('2'), name: 'Odd.Film.2012.720p.WEB', contentRating: 'Not Rated' }]))
    expect(await ratings(h('2'))).toEqual([null])
  })

  test('a new release of a rated title takes its rating; rateTitle rates every torrent of a title at once', async () => {
    await inCatalogTransaction(cat, () =>
      upsertCatalogEntries(cat, [
        { infoHash: h('3'), name: 'Rated.Film.2011.2160p.WEB-DL.x265-NEW', sizeBytes: 10, files: null, source: 'magnet' },
        { infoHash: h('4'), name: 'Rated.Film.1999.720p.HDTV', sizeBytes: 10, files: null, source: 'magnet' },
      ]),
    )
    // Same title and year as the PG-13 one → PG-13; same title, another year → another film, unrated.
    expect(await ratings(h('3'), h('4'))).toEqual(['PG-13', null])
    const changed = await inCatalogTransaction(cat, () => rateTitle(cat, 'rated film', 1999, 'R'))
    expect(changed).toBe(1)
    expect(await ratings(h('1'), h('3'), h('4'))).toEqual(['PG-13', 'PG-13', 'R'])
    await expect(inCatalogTransaction(cat, () => rateTitle(cat, 'Rated Film', 1999, 'whatever'))).rejects.toThrow(/not a rating/)
  })
})

describe('artists of music releases', () => {
  const h = (c: string) => c.repeat(40)
  const artistOf = async (hash: string) => (await cat.query(`select artist, artist_from_tags from catalog.torrents where info_hash = $1`, [hash])).rows[0]
  const album = {
    infoHash: h('5'),
    name: 'Velvet Static - Album 2 (2012) [FLAC]',
    sizeBytes: 20,
    files: [
      { path: '01 - One.flac', length: 10 },
      { path: '02 - Two.flac', length: 10 },
    ],
    source: 'upload',
  }

  test("the name's artist at ingest; the tags' artist once read, kept over any later name", async () => {
    await inCatalogTransaction(cat, () => upsertCatalogEntries(cat, [album]))
    expect(await artistOf(h('5'))).toEqual({ artist: 'Velvet Static', artist_from_tags: false })
    expect(await inCatalogTransaction(cat, () => recordTaggedArtist(cat, h('5'), '  The\tVelvet   Static '))).toBe(true)
    expect(await artistOf(h('5'))).toEqual({ artist: 'The Velvet Static', artist_from_tags: true })
    // Reading the same tags again changes nothing; a new sighting of the name does not undo the tags.
    expect(await inCatalogTransaction(cat, () => recordTaggedArtist(cat, h('5'), 'The Velvet Static'))).toBe(false)
    await inCatalogTransaction(cat, () => upsertCatalogEntries(cat, [album]))
    expect(await artistOf(h('5'))).toEqual({ artist: 'The Velvet Static', artist_from_tags: true })
  })

  test('tags never give a film an artist', async () => {
    await inCatalogTransaction(cat, () =>
      upsertCatalogEntries(cat, [{ infoHash: h('6'), name: 'Some.Film.2010.1080p.BluRay', sizeBytes: 10, files: [{ path: 'f.mkv', length: 10 }], source: 'upload' }]),
    )
    expect(await inCatalogTransaction(cat, () => recordTaggedArtist(cat, h('6'), 'Someone'))).toBe(false)
    expect(await artistOf(h('6'))).toEqual({ artist: null, artist_from_tags: false })
  })
})
