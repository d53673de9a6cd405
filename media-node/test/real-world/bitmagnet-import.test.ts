/**
 * catalog:import against Bitmagnet's real schema: its own migrations (../shared/fixtures, goose
 * "Up" sections, in order) build a fresh database — on the PostgreSQL server of DATABASE_URL — which is filled with libtorrent's loadable test torrents (real names, real
 * file lists) plus rows no importer should trust, and imported into a migrated catalog.
 * Needs DATABASE_URL (`.ci/run` sets it); skipped without.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type pg from 'pg'
import { repoRoot } from '@bittorrented/db'
import { connect, createMigratedDatabase, createTestDatabase, type TestDatabase } from '@bittorrented/db/test-helpers'
import { importFromBitmagnet } from '../../src/catalog/bitmagnet-import.ts'
import { readTorrentFile } from '../../src/catalog/torrent-file.ts'

// Bitmagnet's migrations need btree_gin, which the embedded PGlite lacks: a PostgreSQL server only.
process.env.BT_TEST_DB = 'postgres'
const fixtures = join(repoRoot, '..', 'shared', 'fixtures')
const schemaDir = join(fixtures, 'catalog', 'bitmagnet-schema')
const torrentsDir = join(fixtures, 'torrents', 'libtorrent-test-torrents')

let source: TestDatabase
let target: TestDatabase
let bm: pg.Client
let cat: pg.Client
const loaded: Array<{ infoHash: string; name: string; files: number }> = []

function gooseUp(sql: string): string {
  const up = sql.split(/^-- \+goose Down/m)[0]!.split(/^-- \+goose Up/m)[1] ?? ''
  return up.replace(/^-- \+goose Statement(Begin|End)\s*$/gm, '')
}

describe.runIf(process.env.DATABASE_URL)('importing from Bitmagnet’s real schema (PostgreSQL of DATABASE_URL)', () => {
  beforeAll(async () => {
    ;[source, target] = await Promise.all([createTestDatabase(), createMigratedDatabase()])
    bm = await connect(source.url)
    cat = await connect(target.url)
    for (const c of [bm, cat]) c.on('error', () => {})
    for (const file of readdirSync(schemaDir)
      .filter((f) => f.endsWith('.sql'))
      .sort()) {
      await bm.query(gooseUp(readFileSync(join(schemaDir, file), 'utf8')))
    }
    const expectations = JSON.parse(readFileSync(join(torrentsDir, 'EXPECTATIONS.json'), 'utf8')) as { loads_ok: Array<{ file: string }> }
    let n = 0
    for (const { file } of expectations.loads_ok) {
      const t = readTorrentFile(readFileSync(join(torrentsDir, file)))
      if (!t.infoHash) continue
      const at = new Date(Date.UTC(2026, 0, 1) + n++ * 1000).toISOString()
      // The same torrent can appear twice in libtorrent's set (under other file names): Bitmagnet keeps one.
      const inserted = await bm.query(
        `insert into torrents (info_hash, name, size, private, files_status, files_count, created_at, updated_at)
       values (decode($1, 'hex'), $2, $3, false, 'multi', $4, $5, $5) on conflict do nothing`,
        [t.infoHash, t.name, t.length, t.files.length, at],
      )
      if (inserted.rowCount === 0) continue
      const files = t.files.filter((f) => !f.pad)
      await bm.query(
        `insert into torrent_files (info_hash, index, path, size, created_at, updated_at)
       select decode($1, 'hex'), i, p, s, now(), now() from unnest($2::int[], $3::text[], $4::bigint[]) as u(i, p, s) on conflict do nothing`,
        [t.infoHash, files.map((_, i) => i), files.map((f) => f.path), files.map((f) => f.length)],
      )
      loaded.push({
        infoHash: t.infoHash,
        name: t.name,
        files: files.length,
      })
    }
    // Rows a crawler could have stored that must not come through.
    const later = new Date(Date.UTC(2026, 6, 1)).toISOString()
    await bm.query(`insert into torrents (info_hash, name, size, private, created_at, updated_at) values ('\\x0102', 'Short hash', 1, false, $1, $1)`, [later])
    await bm.query(`insert into torrents (info_hash, name, size, private, created_at, updated_at) values (decode(repeat('ee', 20), 'hex'), 'Climbing.Out.2020', 10, false, $1, $1)`, [later])
    await bm.query(
      `insert into torrent_files (info_hash, index, path, size, created_at, updated_at) values (decode(repeat('ee', 20), 'hex'), 0, '../../../../home/user/.ssh/authorized_keys', 10, now(), now())`,
    )
  }, 120_000)

  afterAll(async () => {
    await bm?.end()
    await cat?.end()
    await source?.drop()
    await target?.drop()
  })

  test('every torrent comes through with its files; the untrustworthy rows are skipped with their reason', async () => {
    const report = await importFromBitmagnet({
      source: bm,
      target: cat,
      batchSize: 16,
    })
    expect(report).toMatchObject({
      complete: true,
      imported: loaded.length,
      skipped: 2,
      skippedReasons: { bad_info_hash: 1, hostile_path: 1 },
    })
    const { rows } = await cat.query<{
      info_hash: string
      name: string
      files: number
    }>(`select t.info_hash, t.name, (select count(*)::int from catalog.torrent_files f where f.info_hash = t.info_hash) as files from catalog.torrents t order by t.info_hash`)
    expect(rows).toEqual(
      [...loaded]
        .sort((a, b) => a.infoHash.localeCompare(b.infoHash))
        .map((l) => ({
          info_hash: l.infoHash,
          name: l.name.trim(),
          files: l.files,
        })),
    )
    expect(loaded.length).toBeGreaterThan(30)
  })

  test('live-shaped rows: long CJK names, absurd groups, single-file and over-threshold torrents, private ones, a 65-byte hash, later writes and deletions', async () => {
    const at = (s: number) => new Date(Date.UTC(2026, 7, 1) + s * 1000).toISOString()
    const h = (n: number) => (0xb000 + n).toString(16).padStart(40, '0')
    const insert = (hex: string, name: string, size: number, opts: { status?: string; count?: number | null; priv?: boolean; s: number }) =>
      bm.query(`insert into torrents (info_hash, name, size, private, files_status, files_count, created_at, updated_at) values (decode($1, 'hex'), $2, $3, $4, $5, $6, $7, $7)`, [
        hex,
        name,
        size,
        opts.priv ?? false,
        opts.status ?? 'multi',
        opts.count ?? null,
        at(opts.s),
      ])
    const file = (hex: string, i: number, path: string, size: number) =>
      bm.query(`insert into torrent_files (info_hash, index, path, size, created_at, updated_at) values (decode($1, 'hex'), $2, $3, $4, now(), now())`, [hex, i, path, size])
    const cjk = Array.from({ length: 90 }, (_, i) => `高清电影合集${i}`).join('')
    await insert(h(1), cjk, 100, { s: 1, count: 1 })
    await file(h(1), 0, 'a.mkv', 100)
    await insert(h(2), `Show.S02E03.720p.HDTV.x264-${'Z'.repeat(80)}`, 100, { s: 2, count: 1 })
    await file(h(2), 0, 'e.mkv', 100)
    await insert(h(3), 'Только.один.файл.2020.1080p.mkv', 5_000_000_000, { s: 3, status: 'single' })
    await insert(h(4), 'Many.Files.Pack', 300, { s: 4, status: 'over_threshold', count: 150 })
    for (let i = 0; i < 3; i++) await file(h(4), i, `Many.Files.Pack/${i}.mkv`, 100)
    await insert(h(5), 'Private.Release.2021.1080p', 10, { s: 5, status: 'single', priv: true })
    await bm.query(
      `insert into torrents_torrent_sources (source, info_hash, seeders, leechers, created_at, updated_at) values ('dht', decode($1, 'hex'), 30, 3, now(), now()), ('rarbg', decode($1, 'hex'), 5, 700, now(), now())`,
      [h(5)],
    )
    await insert('cd'.repeat(65), 'Odd.Hash', 10, { s: 6, status: 'single' })
    const first = await importFromBitmagnet({ source: bm, target: cat, batchSize: 16 })
    expect(first).toMatchObject({ complete: true, imported: 5, skipped: 1, skippedReasons: { bad_info_hash: 1 } })
    const q = async (sql: string, params: unknown[]) => (await cat.query(sql, params)).rows
    expect(await q(`select char_length(title) <= 500 as fits, char_length(name) as n from catalog.torrents where info_hash = $1`, [h(1)])).toEqual([{ fits: true, n: Array.from(cjk).length }])
    expect(await q(`select release_group, season, episode from catalog.torrents where info_hash = $1`, [h(2)])).toEqual([{ release_group: null, season: 2, episode: 3 }])
    expect(await q(`select file_count, (select count(*)::int from catalog.torrent_files f where f.info_hash = t.info_hash) as listed from catalog.torrents t where info_hash = $1`, [h(3)])).toEqual([
      { file_count: 1, listed: 1 },
    ])
    expect(await q(`select file_count, files_complete from catalog.torrents where info_hash = $1`, [h(4)])).toEqual([{ file_count: 150, files_complete: false }])
    expect(await q(`select is_private, seeders, leechers from catalog.torrents where info_hash = $1`, [h(5)])).toEqual([{ is_private: true, seeders: 30, leechers: 3 }])
    // Later writes: a scrape, the classifier's xxx verdict; and a deletion.
    await bm.query(`update torrents_torrent_sources set seeders = 90, leechers = 9, updated_at = now() where info_hash = decode($1, 'hex') and source = 'dht'`, [h(5)])
    await bm.query(`insert into torrent_contents (info_hash, content_type, created_at, updated_at) values (decode($1, 'hex'), 'xxx', now(), now())`, [h(3)])
    await bm.query(`delete from torrents where info_hash = decode($1, 'hex')`, [h(2)])
    const second = await importFromBitmagnet({ source: bm, target: cat, batchSize: 16 })
    expect(second).toMatchObject({ complete: true, read: 0, deleted: 1 })
    expect(await q(`select seeders, leechers from catalog.torrents where info_hash = $1`, [h(5)])).toEqual([{ seeders: 90, leechers: 9 }])
    expect(await q(`select is_adult from catalog.torrents where info_hash = $1`, [h(3)])).toEqual([{ is_adult: true }])
    expect(await q(`select count(*)::int as n from catalog.torrents where info_hash = $1`, [h(2)])).toEqual([{ n: 0 }])
  })
})
