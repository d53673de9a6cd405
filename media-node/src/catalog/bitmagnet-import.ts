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
 * Bitmagnet keeps seeders/leechers per source in `torrents_torrent_sources` (both are taken from
 * the source with the most seeders), files in `torrent_files` (none for a single-file torrent,
 * only the first ones past its threshold), `private` on the torrent, and its classification in
 * `torrent_contents` (`xxx` marks adult content, which we keep flagged whatever our own
 * classifier says). Values too long for our columns are cut or left empty (catalog-writer.ts).
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
  /**
   * How far back each run reads again, idempotently, behind every cursor: a row committed by a
   * slower transaction with an updated_at before the cursor is still found. Default 10 minutes.
   */
  overlapSeconds?: number
}

export interface ImportReport extends ImportProgress {
  skippedReasons: Partial<Record<SkipReason, number>>
  batches: number
  cursor: { updatedAt: string; infoHash: string } | null
  /** True when every row there was has been read (not stopped by maxBatches or the signal). */
  complete: boolean
  /** Torrents read again because a later write touched them (seeders, classification) or they fell in the overlap. */
  refreshed: number
  /** Torrents no longer in Bitmagnet, removed from the catalog (swept after a complete run). */
  deleted: number
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
  /** Bitmagnet's classifier's content type (the latest that names one). */
  content_type: string | null
  private: boolean
  /** Bitmagnet's FilesStatus: no_info, single (the torrent's name and size are its one file), multi, over_threshold. */
  files_status: string
  files_count: number | null
  files: Array<{ index: number; path: string; size: string }> | null
}

/**
 * The files of a Bitmagnet row as we keep them: a single-file torrent has no torrent_files row
 * (its name and size are the file); an over-threshold one lists only its first files, and its
 * count is Bitmagnet's files_count.
 */
export function filesOfBitmagnetRow(row: Pick<BitmagnetRow, 'name' | 'size' | 'files_status' | 'files_count' | 'files'>): { files: CatalogEntry['files']; fileCount?: number } {
  const listed = row.files ? row.files.map((f) => ({ index: f.index, path: f.path, length: Number(f.size) })) : null
  if (row.files_status === 'single' && !listed?.length) return { files: [{ index: 0, path: row.name.trim(), length: Number(row.size) }], fileCount: 1 }
  if (row.files_status === 'over_threshold' && row.files_count !== null) return { files: listed, fileCount: Math.max(row.files_count, listed?.length ?? 0) }
  return { files: listed }
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
  const report: ImportReport = { read: 0, imported: 0, skipped: 0, total, totalIsEstimate: estimate, skippedReasons: {}, batches: 0, cursor, complete: false, refreshed: 0, deleted: 0 }
  const overlap = opts.overlapSeconds ?? 600
  const startCursor = cursor
  opts.onProgress?.(report)

  // The next batch is read from Bitmagnet while the current one is written (two connections).
  let pending: Promise<BitmagnetRow[]> | null = null
  for (;;) {
    if (opts.signal?.aborted || (opts.maxBatches !== undefined && report.batches >= opts.maxBatches)) {
      pending?.catch(() => {})
      return report
    }
    const rows = await (pending ?? readBatch(source, cursor, batchSize))
    pending = null
    if (rows.length === 0) {
      report.complete = true
      await followLaterWrites(opts, sourceName, startCursor, overlap, batchSize, report)
      if (!opts.signal?.aborted) report.deleted = await sweepDeleted(source, target, sourceName, batchSize * 5)
      return report
    }
    const { good, skippedNow } = toEntries(rows, sourceName, opts.onSkip)
    const last = rows.at(-1)!
    const nextCursor = { updatedAt: last.updated_at, infoHash: last.info_hash }
    if (rows.length === batchSize && !(opts.maxBatches !== undefined && report.batches + 1 >= opts.maxBatches)) {
      pending = readBatch(source, nextCursor, batchSize)
      pending.catch(() => {}) // awaited next time round; a write that fails first must not leave it unhandled
    }
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

/** Our entries for Bitmagnet rows, and the rows skipped with their reasons. */
function toEntries(rows: BitmagnetRow[], sourceName: string, onSkip?: (infoHash: string, reason: SkipReason) => void): { good: CatalogEntry[]; skippedNow: Partial<Record<SkipReason, number>> } {
  const good: CatalogEntry[] = []
  const skippedNow: Partial<Record<SkipReason, number>> = {}
  for (const row of rows) {
    const entry: CatalogEntry = {
      infoHash: row.hash_bytes === 20 ? row.info_hash : '',
      name: row.name,
      sizeBytes: Number(row.size),
      ...filesOfBitmagnetRow(row),
      isPrivate: row.private,
      source: sourceName,
      seeders: row.seeders,
      leechers: row.leechers,
      discoveredAt: row.created_at,
      adultHint: row.adult,
      sourceContentType: row.content_type,
    }
    const reason = checkEntry(entry)
    if (reason) {
      skippedNow[reason] = (skippedNow[reason] ?? 0) + 1
      onSkip?.(row.info_hash, reason)
    } else good.push(entry)
  }
  return { good, skippedNow }
}

/** The tables whose writes change what we show without touching torrents.updated_at. */
const SIDE_TABLES = [
  { table: 'torrents_torrent_sources', cursor: 'sources' },
  { table: 'torrent_contents', cursor: 'contents' },
] as const

/**
 * Later writes: Bitmagnet's seeder scrapes (torrents_torrent_sources) and its classifier
 * (torrent_contents, a minute after the crawl) leave torrents.updated_at alone. Each has its own
 * cursor (`<source>_sources`, `<source>_contents` in catalog.import_cursors); every run reads the
 * torrents touched after it — and, like the main pass, the overlap window behind each cursor
 * again, idempotently — and upserts them whole.
 */
async function followLaterWrites(opts: BitmagnetImportOptions, sourceName: string, startCursor: { updatedAt: string } | null, overlap: number, batchSize: number, report: ImportReport): Promise<void> {
  const { source, target } = opts
  const refresh = async (hashes: string[]) => {
    if (!hashes.length) return
    const rows = await readRows(source, hashes)
    const { good } = toEntries(rows, sourceName)
    await inCatalogTransaction(target, () => upsertCatalogEntries(target, good))
    report.refreshed += good.length
  }
  /**
   * Re-reads the torrents a keyset query names, page by page in (time, hash) order; `select`
   * gets the last page's end as $3/$4 and the page size as $5. Returns the latest time seen.
   */
  const refreshPages = async (select: string, params: unknown[]): Promise<string | null> => {
    let after = { at: '-infinity', hash: '' }
    let latest: string | null = null
    for (;;) {
      if (opts.signal?.aborted) return latest
      const { rows } = await source.query<{ h: string; at: string }>(select, [...params, after.at, after.hash, batchSize])
      await refresh(rows.map((r) => r.h))
      if (rows.length) {
        latest = rows.at(-1)!.at
        after = { at: latest, hash: rows.at(-1)!.h }
      }
      if (rows.length < batchSize) return latest
    }
  }
  // The main cursor's overlap: rows committed late with an updated_at already behind it.
  if (startCursor) {
    await refreshPages(
      `select encode(info_hash, 'hex') as h, to_json(updated_at) #>> '{}' as at from torrents
        where updated_at > $1::timestamptz - make_interval(secs => $2) and updated_at <= $1::timestamptz
          and (updated_at, encode(info_hash, 'hex')) > ($3::timestamptz, $4::text)
        order by updated_at, encode(info_hash, 'hex') limit $5`,
      [startCursor.updatedAt, overlap],
    )
  }
  for (const side of SIDE_TABLES) {
    const name = `${sourceName}_${side.cursor}`.slice(0, 32)
    const { rows: c } = await target.query<{ at: string | null }>(`select to_json(cursor_updated_at) #>> '{}' as at from catalog.import_cursors where source = $1`, [name])
    // First run: everything up to now was read with its torrents by the main pass.
    let since: string | null = c[0]?.at ?? null
    if (since === null) {
      const { rows } = await source.query<{ at: string | null }>(`select to_json(max(updated_at)) #>> '{}' as at from ${side.table}`)
      since = rows[0]?.at ?? null
    } else {
      // Pages come in time order: the last row read is the latest write (the cursor keeps the greater).
      since =
        (await refreshPages(
          `select encode(info_hash, 'hex') as h, to_json(max(updated_at)) #>> '{}' as at from ${side.table}
            where updated_at > $1::timestamptz - make_interval(secs => $2)
            group by info_hash having (max(updated_at), encode(info_hash, 'hex')) > ($3::timestamptz, $4::text)
            order by max(updated_at), encode(info_hash, 'hex') limit $5`,
          [since, overlap],
        )) ?? since
    }
    if (opts.signal?.aborted) return
    if (since !== null) {
      await target.query(
        `insert into catalog.import_cursors (source, cursor_updated_at, updated_at) values ($1, $2, now())
         on conflict (source) do update set cursor_updated_at = greatest(catalog.import_cursors.cursor_updated_at, excluded.cursor_updated_at), updated_at = now()`,
        [name, since],
      )
    }
  }
}

/**
 * Deletions: torrents of this source in our catalog that Bitmagnet no longer has are removed
 * (their files go with them). Walks our rows in chunks by info hash.
 */
async function sweepDeleted(source: pg.ClientBase, target: pg.ClientBase, sourceName: string, chunk: number): Promise<number> {
  let after = ''
  let deleted = 0
  for (;;) {
    const { rows } = await target.query<{ h: string }>(`select info_hash as h from catalog.torrents where source = $1 and info_hash > $2 order by info_hash limit $3`, [sourceName, after, chunk])
    if (!rows.length) return deleted
    const hashes = rows.map((r) => r.h)
    const { rows: present } = await source.query<{ h: string }>(`select encode(info_hash, 'hex') as h from torrents where info_hash = any($1::bytea[])`, [hashes.map((h) => `\\x${h}`)])
    const there = new Set(present.map((r) => r.h))
    const gone = hashes.filter((h) => !there.has(h))
    if (gone.length) {
      const res = await inCatalogTransaction(target, () => target.query(`delete from catalog.torrents where source = $1 and info_hash = any($2::text[])`, [sourceName, gone]))
      deleted += res.rowCount ?? 0
    }
    if (rows.length < chunk) return deleted
    after = hashes.at(-1)!
  }
}

/** How many rows are after the cursor: exact on small tables, the planner's estimate on big ones. */
async function remaining(source: pg.ClientBase, cursor: { updatedAt: string; infoHash: string } | null): Promise<{ total: number; estimate: boolean }> {
  const est = await source.query<{ n: number }>(`select greatest(reltuples, 0)::float8 as n from pg_class where oid = 'public.torrents'::regclass`)
  const estimated = Number(est.rows[0]?.n ?? 0)
  if (estimated > EXACT_COUNT_UP_TO) return { total: Math.round(estimated), estimate: true }
  const { rows } = await source.query<{ n: string }>(
    cursor ? `select count(*) as n from torrents where (updated_at, encode(info_hash, 'hex')) > ($1::timestamptz, $2::text)` : `select count(*) as n from torrents`,
    cursor ? [cursor.updatedAt, cursor.infoHash] : [],
  )
  return { total: Number(rows[0]?.n ?? 0), estimate: false }
}

/**
 * Bitmagnet rows with what we take of them: the seeders and leechers of its best source, its
 * adult classification and the files. `batch` is a query giving the torrents' columns.
 */
function rowsQuery(batch: string): string {
  return `with batch as (${batch})
     select encode(b.info_hash, 'hex') as info_hash, octet_length(b.info_hash) as hash_bytes, b.name, b.size::text as size, b.created_at, to_json(b.updated_at) #>> '{}' as updated_at,
            b.private, b.files_status, b.files_count,
            -- seeders and leechers as one source counted them: the source with the most seeders
            best.seeders, best.leechers,
            exists (select 1 from torrent_contents c where c.info_hash = b.info_hash and c.content_type = 'xxx') as adult,
            (select c.content_type from torrent_contents c where c.info_hash = b.info_hash and c.content_type is not null order by c.updated_at desc limit 1) as content_type,
            (select json_agg(json_build_object('index', f.index, 'path', f.path, 'size', f.size::text) order by f.index)
             from torrent_files f where f.info_hash = b.info_hash) as files
     from batch b
     left join lateral (
       select s.seeders, s.leechers from torrents_torrent_sources s
        where s.info_hash = b.info_hash and s.seeders is not null
        order by s.seeders desc, s.leechers desc nulls last limit 1
     ) best on true
     order by b.updated_at, encode(b.info_hash, 'hex')`
}

const TORRENT_COLUMNS = `t.info_hash, t.name, t.size, t.created_at, t.updated_at, t.private, t.files_status::text as files_status, t.files_count`

/** One batch after the cursor. The keyset compares (updated_at, hex hash) — the order the cursor was taken in. */
async function readBatch(source: pg.ClientBase, cursor: { updatedAt: string; infoHash: string } | null, limit: number): Promise<BitmagnetRow[]> {
  const { rows } = await source.query<BitmagnetRow>(
    rowsQuery(`select ${TORRENT_COLUMNS} from torrents t
       -- the plain >= lets an index on updated_at find the start; the row comparison breaks ties
       where ${cursor ? `t.updated_at >= $2::timestamptz and (t.updated_at, encode(t.info_hash, 'hex')) > ($2::timestamptz, $3::text)` : 'true'}
       order by t.updated_at, encode(t.info_hash, 'hex')
       limit $1`),
    cursor ? [limit, cursor.updatedAt, cursor.infoHash] : [limit],
  )
  return rows
}

/** The rows of these torrents (hex info hashes), read again after a later write. */
async function readRows(source: pg.ClientBase, hashes: string[]): Promise<BitmagnetRow[]> {
  const { rows } = await source.query<BitmagnetRow>(rowsQuery(`select ${TORRENT_COLUMNS} from torrents t where t.info_hash = any($1::bytea[])`), [hashes.map((h) => `\\x${h}`)])
  return rows
}
