/**
 * Imports torrents from a Bitmagnet database (its own schema, as its migrations leave it) into
 * our catalog, in batches ordered by Bitmagnet's `updated_at` and info hash.
 *
 * - Incremental: the cursor (updated_at, info hash) of the last imported row is kept in
 *   `catalog.import_cursors`; the next run reads only rows Bitmagnet changed after it.
 * - Resumable: each batch and the cursor that covers it land in one transaction, so a stopped
 *   import (Ctrl-C, crash) goes on after the last batch that landed, and never twice.
 * - Idempotent: rows are upserted on the info hash (catalog-writer.ts).
 * - Bad rows (a hash that is not 20 bytes, an empty or absurd name, a negative size, file paths
 *   that climb out of the torrent's folder) are skipped with their reason and counted; the import
 *   goes on.
 *
 * Bitmagnet keeps seeders/leechers per source in `torrents_torrent_sources` (the best is taken),
 * files in `torrent_files`, and its classification in `torrent_contents` (`xxx` marks adult
 * content, which we keep flagged whatever our own classifier says).
 */
import type pg from 'pg'
import { checkEntry, inCatalogTransaction, upsertCatalogEntries, type CatalogEntry, type SkipReason } from './catalog-writer.ts'

export interface ImportProgress {
  /** Rows read from Bitmagnet in this run. */
  read: number
  imported: number
  skipped: number
  /** Rows still to read when the run began (an estimate on very large tables). */
  total: number
  totalIsEstimate: boolean
}

export interface BitmagnetImportOptions {
  /** Bitmagnet's database. */
  source: pg.ClientBase
  /** Our database (catalog). */
  target: pg.ClientBase
  /** Name of the cursor in catalog.import_cursors. */
  sourceName?: string
  batchSize?: number
  /** Stop after this many batches (the rest waits for the next run). */
  maxBatches?: number
  onProgress?: (p: ImportProgress) => void
  onSkip?: (infoHash: string, reason: SkipReason) => void
  signal?: AbortSignal
}

export interface ImportReport extends ImportProgress {
  skippedReasons: Partial<Record<SkipReason, number>>
  batches: number
  cursor: { updatedAt: string; infoHash: string } | null
  /** True when every row there was has been read (not stopped by maxBatches or the signal). */
  complete: boolean
}

interface BitmagnetRow {
  info_hash: string
  hash_bytes: number
  name: string
  size: string
  /** Text, with PostgreSQL's full precision. */
  updated_at: string
  created_at: Date
  seeders: number | null
  leechers: number | null
  adult: boolean
  files: Array<{ index: number; path: string; size: string }> | null
}

const EXACT_COUNT_UP_TO = 2_000_000

export async function importFromBitmagnet(opts: BitmagnetImportOptions): Promise<ImportReport> {
  const { source, target } = opts
  const sourceName = opts.sourceName ?? 'bitmagnet'
  const batchSize = opts.batchSize ?? 1000
  // Timestamps travel as text: PostgreSQL keeps microseconds, a JS Date only milliseconds, and a
  // cursor rounded down would read its last row again forever.
  const cursorRow = await target.query<{ cursor_updated_at: string | null; cursor_info_hash: string | null }>(
    `select to_json(cursor_updated_at) #>> '{}' as cursor_updated_at, cursor_info_hash from catalog.import_cursors where source = $1`,
    [sourceName],
  )
  let cursor = cursorRow.rows[0]?.cursor_updated_at ? { updatedAt: cursorRow.rows[0].cursor_updated_at, infoHash: cursorRow.rows[0].cursor_info_hash! } : null

  const { total, estimate } = await remaining(source, cursor)
  const report: ImportReport = { read: 0, imported: 0, skipped: 0, total, totalIsEstimate: estimate, skippedReasons: {}, batches: 0, cursor, complete: false }
  opts.onProgress?.(report)

  for (;;) {
    if (opts.signal?.aborted || (opts.maxBatches !== undefined && report.batches >= opts.maxBatches)) return report
    const rows = await readBatch(source, cursor, batchSize)
    if (rows.length === 0) {
      report.complete = true
      return report
    }
    const good: CatalogEntry[] = []
    const skippedNow: Partial<Record<SkipReason, number>> = {}
    for (const row of rows) {
      const entry: CatalogEntry = {
        infoHash: row.hash_bytes === 20 ? row.info_hash : '',
        name: row.name,
        sizeBytes: Number(row.size),
        files: row.files ? row.files.map((f) => ({ index: f.index, path: f.path, length: Number(f.size) })) : null,
        source: sourceName,
        seeders: row.seeders,
        leechers: row.leechers,
        discoveredAt: row.created_at,
        adultHint: row.adult,
      }
      const reason = checkEntry(entry)
      if (reason) {
        skippedNow[reason] = (skippedNow[reason] ?? 0) + 1
        opts.onSkip?.(row.info_hash, reason)
      } else good.push(entry)
    }
    const last = rows.at(-1)!
    const nextCursor = { updatedAt: last.updated_at, infoHash: last.info_hash }
    const skippedCount = rows.length - good.length
    await inCatalogTransaction(target, async () => {
      await upsertCatalogEntries(target, good)
      // The cursor moves with the batch: a row that was skipped is not read again (until Bitmagnet changes it).
      await target.query(
        `insert into catalog.import_cursors (source, cursor_updated_at, cursor_info_hash, imported, skipped, skipped_reasons, updated_at)
         values ($1, $2, $3, $4, $5, $6::jsonb, now())
         on conflict (source) do update set cursor_updated_at = excluded.cursor_updated_at, cursor_info_hash = excluded.cursor_info_hash,
           imported = catalog.import_cursors.imported + excluded.imported, skipped = catalog.import_cursors.skipped + excluded.skipped,
           skipped_reasons = (select coalesce(jsonb_object_agg(k, coalesce((catalog.import_cursors.skipped_reasons ->> k)::bigint, 0) + coalesce((excluded.skipped_reasons ->> k)::bigint, 0)), '{}'::jsonb)
                              from (select jsonb_object_keys(catalog.import_cursors.skipped_reasons || excluded.skipped_reasons) as k) keys),
           updated_at = now()`,
        [sourceName, nextCursor.updatedAt, nextCursor.infoHash, good.length, skippedCount, JSON.stringify(skippedNow)],
      )
    })
    cursor = nextCursor
    report.cursor = cursor
    report.batches++
    report.read += rows.length
    report.imported += good.length
    report.skipped += skippedCount
    for (const [k, v] of Object.entries(skippedNow) as Array<[SkipReason, number]>) report.skippedReasons[k] = (report.skippedReasons[k] ?? 0) + v
    opts.onProgress?.(report)
  }
}

/** How many rows are after the cursor: exact on small tables, the planner's estimate on big ones. */
async function remaining(source: pg.ClientBase, cursor: { updatedAt: string; infoHash: string } | null): Promise<{ total: number; estimate: boolean }> {
  const est = await source.query<{ n: number }>(`select greatest(reltuples, 0)::float8 as n from pg_class where oid = 'public.torrents'::regclass`)
  const estimated = Number(est.rows[0]?.n ?? 0)
  if (estimated > EXACT_COUNT_UP_TO) return { total: Math.round(estimated), estimate: true }
  const { rows } = await source.query<{ n: string }>(
    cursor
      ? `select count(*) as n from torrents where (updated_at, encode(info_hash, 'hex')) > ($1::timestamptz, $2::text)`
      : `select count(*) as n from torrents`,
    cursor ? [cursor.updatedAt, cursor.infoHash] : [],
  )
  return { total: Number(rows[0]?.n ?? 0), estimate: false }
}

/**
 * One batch after the cursor, with the best seeders/leechers over Bitmagnet's sources, its adult
 * classification and the files. The keyset compares (updated_at, hex hash) — the same order the
 * cursor was taken in.
 */
async function readBatch(source: pg.ClientBase, cursor: { updatedAt: string; infoHash: string } | null, limit: number): Promise<BitmagnetRow[]> {
  const { rows } = await source.query<BitmagnetRow>(
    `with batch as (
       select t.info_hash, t.name, t.size, t.created_at, t.updated_at
       from torrents t
       -- the plain >= lets an index on updated_at find the start; the row comparison breaks ties
       where ${cursor ? `t.updated_at >= $2::timestamptz and (t.updated_at, encode(t.info_hash, 'hex')) > ($2::timestamptz, $3::text)` : 'true'}
       order by t.updated_at, encode(t.info_hash, 'hex')
       limit $1
     )
     select encode(b.info_hash, 'hex') as info_hash, octet_length(b.info_hash) as hash_bytes, b.name, b.size::text as size, b.created_at, to_json(b.updated_at) #>> '{}' as updated_at,
            (select max(s.seeders) from torrents_torrent_sources s where s.info_hash = b.info_hash) as seeders,
            (select max(s.leechers) from torrents_torrent_sources s where s.info_hash = b.info_hash) as leechers,
            exists (select 1 from torrent_contents c where c.info_hash = b.info_hash and c.content_type = 'xxx') as adult,
            (select json_agg(json_build_object('index', f.index, 'path', f.path, 'size', f.size::text) order by f.index)
             from torrent_files f where f.info_hash = b.info_hash) as files
     from batch b
     order by b.updated_at, encode(b.info_hash, 'hex')`,
    cursor ? [limit, cursor.updatedAt, cursor.infoHash] : [limit],
  )
  return rows
}
