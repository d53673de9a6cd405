/**
 * `npm run bench:bitmagnet -- --rows N` (default 1,000,000): the Bitmagnet import at scale.
 *
 * Builds a Bitmagnet database from Bitmagnet's own migrations (../shared/fixtures/catalog/
 * bitmagnet-schema, the real schema) on the PostgreSQL of DATABASE_URL, fills it with N
 * generated torrents shaped as a crawler and classifier leave them (60 % single-file, 35 %
 * multi-file with 3 files, 5 % over the file threshold with 10 of 150 files listed; two sources
 * each; a classification for a third of them, 2 % xxx; 1 % private; film, episode, music and
 * CJK names), then in the same run:
 *   floor — a bare COPY of the same rows (torrents and files) from that database into a scratch
 *           table of the catalog database;
 *   ours  — `importFromBitmagnet` into a migrated catalog, timed per tenth of the rows.
 * Prints both and their ratio, ends with one JSON line, and appends a dated line to RESULTS.md.
 */
import { appendFile, readdir, readFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { listMigrations, migrate, migrationsDir, repoRoot, withClient } from '@bittorrented/db'
import pg from 'pg'
import { from as copyFrom, to as copyTo } from 'pg-copy-streams'
import { importFromBitmagnet } from '@bittorrented/media-node/bitmagnet-import'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, batch: { type: 'string', default: '2000' }, keep: { type: 'boolean', default: false } } })
const ROWS = Number(values.rows)
const BATCH = Number(values.batch)
const serverUrl = process.env.DATABASE_URL
if (!serverUrl) {
  console.error('bench:bitmagnet needs DATABASE_URL (a PostgreSQL server: Bitmagnet’s migrations need btree_gin)')
  process.exit(2)
}
const schemaDir = join(repoRoot, '..', 'shared', 'fixtures', 'catalog', 'bitmagnet-schema')
const suffix = `${process.pid}_${Date.now().toString(36)}`
const bmName = `bt_bench_bm_${suffix}`
const catName = `bt_bench_cat_${suffix}`
const urlOf = (db: string) => {
  const u = new URL(serverUrl)
  u.pathname = `/${db}`
  return u.toString()
}
const log = (s: string) => process.stderr.write(`[bench:bitmagnet] ${s}\n`)

function gooseUp(sql: string): string {
  const up = sql.split(/^-- \+goose Down/m)[0]!.split(/^-- \+goose Up/m)[1] ?? ''
  return up.replace(/^-- \+goose Statement(Begin|End)\s*$/gm, '')
}

async function connect(db: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: urlOf(db) })
  await c.connect()
  return c
}

await withClient(serverUrl, async (c) => {
  await c.query(`create database ${bmName}`)
  await c.query(`create database ${catName}`)
})
const bm = await connect(bmName)
const cat = await connect(catName)
try {
  log(`Bitmagnet schema from ${schemaDir}`)
  for (const f of (await readdir(schemaDir)).filter((f) => f.endsWith('.sql')).sort()) await bm.query(gooseUp(await readFile(join(schemaDir, f), 'utf8')))
  log('our migrations')
  await migrate(cat, await listMigrations(migrationsDir))

  log(`generating ${ROWS.toLocaleString('en')} torrents`)
  const genStart = performance.now()
  // Server-side generation: a hash from md5 (20 bytes), names of four shapes, times one ms apart.
  await bm.query(
    `insert into torrents (info_hash, name, size, private, files_status, files_count, created_at, updated_at)
     select decode(md5(i::text) || substr(md5((i * 31)::text), 1, 8), 'hex'),
            case i % 4
              when 0 then 'Film.Number.' || (i % 5000) || '.' || (1950 + i % 75) || '.1080p.BluRay.x264-GRP' || (i % 40)
              when 1 then 'Show.' || (i % 3000) || '.S' || lpad((1 + i % 12)::text, 2, '0') || 'E' || lpad((1 + i % 24)::text, 2, '0') || '.720p.WEB-DL.x264-TEAM'
              when 2 then 'Artist ' || (i % 2000) || ' - Album ' || (i % 7) || ' (' || (1970 + i % 55) || ') [FLAC]'
              else '[字幕组] 高清电影合集 ' || (i % 1000) || ' 第' || (1 + i % 50) || '集 [1080p]'
            end,
            1000000 + i,
            i % 100 = 0,
            (case when i % 20 = 0 then 'over_threshold' when i % 20 < 8 then 'multi' else 'single' end)::"FilesStatus",
            case when i % 20 = 0 then 150 when i % 20 < 8 then 3 else null end,
            timestamptz '2026-01-01' + i * interval '1 millisecond',
            timestamptz '2026-01-01' + i * interval '1 millisecond'
       from generate_series(1, $1) i`,
    [ROWS],
  )
  await bm.query(
    `insert into torrent_files (info_hash, index, path, size, created_at, updated_at)
     select t.info_hash, f, t.name || '/part' || f || '.mkv', 1000, t.created_at, t.created_at
       from torrents t, generate_series(0, 9) f
      where t.files_status = 'over_threshold' or (t.files_status = 'multi' and f < 3)`,
  )
  await bm.query(
    `insert into torrents_torrent_sources (source, info_hash, seeders, leechers, created_at, updated_at)
     select s.key, t.info_hash, (get_byte(t.info_hash, 0) + case s.key when 'dht' then 7 else 0 end) % 200, get_byte(t.info_hash, 1), t.created_at, t.created_at
       from torrents t cross join (values ('dht'), ('rarbg')) s(key)`,
  )
  await bm.query(
    `insert into torrent_contents (info_hash, content_type, created_at, updated_at)
     select info_hash, case when get_byte(info_hash, 2) < 5 then 'xxx' else 'movie' end, created_at, created_at
       from torrents where get_byte(info_hash, 3) < 85`,
  )
  await bm.query('analyze')
  log(`generated in ${((performance.now() - genStart) / 1000).toFixed(1)} s`)

  // Floor: the same rows copied as they are, from one database to the other.
  await cat.query(
    `create table public.bench_copy_torrents (info_hash bytea, name text, size bigint, private boolean, files_status text, files_count int, created_at timestamptz, updated_at timestamptz)`,
  )
  await cat.query(`create table public.bench_copy_files (info_hash bytea, index int, path text, size bigint)`)
  const copyStart = performance.now()
  await pipeline(
    bm.query(copyTo(`copy (select info_hash, name, size, private, files_status::text, files_count, created_at, updated_at from torrents) to stdout`)),
    cat.query(copyFrom(`copy public.bench_copy_torrents from stdin`)),
  )
  await pipeline(bm.query(copyTo(`copy (select info_hash, index, path, size from torrent_files) to stdout`)), cat.query(copyFrom(`copy public.bench_copy_files from stdin`)))
  const copyS = (performance.now() - copyStart) / 1000
  await cat.query(`drop table public.bench_copy_torrents, public.bench_copy_files`)
  const floorRate = ROWS / copyS
  log(`bare COPY: ${copyS.toFixed(1)} s, ${Math.round(floorRate)} rows/s`)

  // Ours, timed per tenth.
  const marks: number[] = []
  const started = performance.now()
  let nextMark = ROWS / 10
  const rss: number[] = []
  const report = await importFromBitmagnet({
    source: bm,
    target: cat,
    batchSize: BATCH,
    onProgress: (p) => {
      while (p.read >= nextMark && marks.length < 10) {
        marks.push(performance.now())
        nextMark += ROWS / 10
      }
      rss.push(process.memoryUsage().rss)
    },
  })
  const totalS = (performance.now() - started) / 1000
  const tenthRates = marks.map((m, i) => ROWS / 10 / ((m - (i === 0 ? started : marks[i - 1]!)) / 1000))
  const rate = report.read / totalS
  const firstTenth = tenthRates[0] ?? rate
  const lastTenth = tenthRates.at(-1) ?? rate
  const { rows: counts } = await cat.query<{ n: number; with_files: number }>(
    `select count(*)::int as n, count(*) filter (where exists (select 1 from catalog.torrent_files f where f.info_hash = t.info_hash))::int as with_files from catalog.torrents t`,
  )
  console.log(`Bitmagnet import benchmark: ${ROWS.toLocaleString('en')} torrents, PostgreSQL at ${new URL(serverUrl).host}, ${os.cpus().length} cores`)
  console.log(`ours: ${totalS.toFixed(1)} s, ${Math.round(rate)} rows/s; per tenth: ${tenthRates.map((r) => Math.round(r)).join(' / ')}`)
  console.log(
    `floor (bare COPY of the same rows): ${copyS.toFixed(1)} s, ${Math.round(floorRate)} rows/s; ratio ${(rate / floorRate).toFixed(3)} (goal ≥ 0.25); last tenth / first ${(lastTenth / firstTenth).toFixed(2)} (goal ≥ 0.8)`,
  )
  console.log(
    `imported ${report.imported.toLocaleString('en')}, skipped ${report.skipped}, in the catalog ${counts[0]!.n.toLocaleString('en')} of which ${counts[0]!.with_files.toLocaleString('en')} with files`,
  )
  const result = {
    rows: ROWS,
    batch: BATCH,
    rows_per_s: Math.round(rate),
    floor_rows_per_s: Math.round(floorRate),
    rate_ratio: Math.round((rate / floorRate) * 1000) / 1000,
    first_tenth_rows_per_s: Math.round(firstTenth),
    last_tenth_rows_per_s: Math.round(lastTenth),
    last_tenth_ratio: Math.round((lastTenth / firstTenth) * 100) / 100,
    import_s: Math.round(totalS * 10) / 10,
    floor_s: Math.round(copyS * 10) / 10,
    imported: report.imported,
    with_files: counts[0]!.with_files,
    rss_mb: Math.round(Math.max(...rss) / 1024 / 1024),
  }
  await appendFile(
    join(repoRoot, 'bench', 'RESULTS.md'),
    `| ${new Date().toISOString().slice(0, 10)} | \`bench:bitmagnet -- --rows ${ROWS}\` | Bitmagnet's 20 migrations, generated live-shaped rows, batch ${BATCH}, ${os.cpus().length} cores | ours ${result.rows_per_s} rows/s, per tenth ${tenthRates.map((r) => Math.round(r)).join('/')}; bare COPY ${result.floor_rows_per_s} rows/s; ratio ${result.rate_ratio} (goal ≥ 0.25), last/first tenth ${result.last_tenth_ratio} (goal ≥ 0.8); ${result.with_files} of ${result.imported} with files; RSS ${result.rss_mb} MB |\n`,
  )
  console.log(JSON.stringify(result))
} finally {
  await bm.end()
  await cat.end()
  if (!values.keep) {
    await withClient(serverUrl, async (c) => {
      await c.query(`drop database if exists ${bmName} with (force)`)
      await c.query(`drop database if exists ${catName} with (force)`)
    })
  }
}
