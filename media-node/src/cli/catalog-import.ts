/**
 * `npm run catalog:import -- --from <bitmagnet postgres url> [--batch 1000] [--max-batches N]
 *  [--source bitmagnet] [--create-index]`
 *
 * Imports Bitmagnet's torrents into our catalog (DATABASE_URL, or the embedded database — the
 * one a running `npm start` serves, else its files), incrementally and resumably; Ctrl-C stops
 * after the batch in flight, and the next run goes on from there. A progress bar on a terminal,
 * a line every few seconds otherwise; a summary with the skipped rows by reason at the end.
 *
 * Bitmagnet has no index on torrents.updated_at: on a large Bitmagnet database each batch then
 * reads the whole table. `--create-index` adds one (concurrently, named bt_import_cursor_idx);
 * it is the only thing this command ever writes to Bitmagnet's database.
 */
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import pg from 'pg'
import { createLogger, loadDbConfig, openDatabaseTarget } from '@bittorrented/db'
import { importFromBitmagnet } from '../catalog/bitmagnet-import.ts'

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    batch: { type: 'string', default: '1000' },
    'max-batches': { type: 'string' },
    source: { type: 'string', default: 'bitmagnet' },
    'create-index': { type: 'boolean', default: false },
  },
})
const config = loadDbConfig()
const log = createLogger(config.LOG_LEVEL, 'catalog:import')
const fail = (message: string) => {
  log.error(message)
  process.exit(2)
}
if (!values.from) fail('Name the Bitmagnet database: --from postgres://user@host:5432/bitmagnet')
const batchSize = Number(values.batch)
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) fail('--batch is a whole number from 1 to 50000')
const maxBatches = values['max-batches'] === undefined ? undefined : Number(values['max-batches'])
if (maxBatches !== undefined && (!Number.isInteger(maxBatches) || maxBatches < 1)) fail('--max-batches is a whole number above 0')
if (!/^[a-z0-9_]{1,32}$/.test(values.source!)) fail('--source is 1–32 of a-z, 0-9 and _')

const source = new pg.Client({ connectionString: values.from })
try {
  await source.connect()
} catch (err) {
  fail(`Cannot reach the Bitmagnet database: ${(err as Error).message}`)
}
const hasTorrents = await source.query(`select to_regclass('public.torrents') is not null and to_regclass('public.torrent_files') is not null as ok`)
if (!hasTorrents.rows[0]?.ok) fail('That database has no Bitmagnet tables (torrents, torrent_files).')
if (values['create-index']) {
  log.info('creating bt_import_cursor_idx on Bitmagnet’s torrents (concurrently)…')
  await source.query(`create index concurrently if not exists bt_import_cursor_idx on torrents (updated_at, encode(info_hash, 'hex'))`)
}

const target = await openDatabaseTarget(config, (err) => log.error({ err }, 'embedded database error'))
const client = new pg.Client({ connectionString: target.url })
await client.connect()

const stop = new AbortController()
process.once('SIGINT', () => {
  process.stderr.write('\nstopping after this batch…\n')
  stop.abort()
})

const tty = process.stderr.isTTY
const bar = new cliProgress.SingleBar(
  { format: 'importing [{bar}] {percentage}% | {value}/{total} rows | {imported} in, {skipped} skipped | {eta_formatted} left', noTTYOutput: !tty, notTTYSchedule: 5000, etaBuffer: 50 },
  cliProgress.Presets.shades_classic,
)
let started = false
try {
  const report = await importFromBitmagnet({
    source,
    target: client,
    sourceName: values.source,
    batchSize,
    maxBatches,
    signal: stop.signal,
    onProgress: (p) => {
      if (!started) {
        bar.start(Math.max(p.total, 1), 0, { imported: 0, skipped: 0 })
        started = true
      }
      if (p.read > p.total) bar.setTotal(p.read)
      bar.update(p.read, { imported: p.imported, skipped: p.skipped })
    },
    onSkip: (infoHash, reason) => log.debug({ infoHash, reason }, 'skipped'),
  })
  bar.stop()
  const state = report.complete ? 'up to date' : 'stopped; run again to go on'
  process.stdout.write(
    `${report.imported} imported, ${report.skipped} skipped${
      report.skipped
        ? ` (${Object.entries(report.skippedReasons)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')})`
        : ''
    } in ${report.batches} batches — ${state}\n`,
  )
} catch (err) {
  bar.stop()
  log.error({ err }, 'import failed; what landed is kept, the next run goes on from there')
  process.exitCode = 1
} finally {
  await client.end()
  await source.end()
  await target.close()
}
