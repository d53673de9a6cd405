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
import { connect, createMigratedDatabase, createTestDatabase, type TestDatabase } from '../../../supabase/tests/helpers/test-database.ts'
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
        [t.infoHash, t.name, t.length, t.files.length, at]
      )
      if (inserted.rowCount === 0) continue
      const files = t.files.filter((f) => !f.pad)
      await bm.query(
        `insert into torrent_files (info_hash, index, path, size, created_at, updated_at)
       select decode($1, 'hex'), i, p, s, now(), now() from unnest($2::int[], $3::text[], $4::bigint[]) as u(i, p, s) on conflict do nothing`,
        [t.infoHash, files.map((_, i) => i), files.map((f) => f.path), files.map((f) => f.length)]
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
      `insert into torrent_files (info_hash, index, path, size, created_at, updated_at) values (decode(repeat('ee', 20), 'hex'), 0, '../../../../home/user/.ssh/authorized_keys', 10, now(), now())`
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
        }))
    )
    expect(loaded.length).toBeGreaterThan(30)
  })
})
