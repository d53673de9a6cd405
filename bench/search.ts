/**
 * `npm run bench:search -- --rows N [--duration S] [--clients C]`: catalog search at N torrents
 * (default 10,000,000) on the real PostgreSQL of DATABASE_URL (default 127.0.0.1:5432/test).
 *
 * - Loads a generated catalog into its own database `bt_bench_search_<N>` (kept between runs):
 *   names in the shapes of real release names (films, episodes, albums, books; title words drawn
 *   from a Zipf-like vocabulary, so some words are everywhere), the parsed fields filled as the
 *   ingest would. The search indexes are built after the load and timed; disk per million rows.
 * - Workload: C clients (16) for S seconds (30), each running the edge app's own searchCatalog as
 *   a person with a profile, through a mix: rare word, head terms (`the`, `1080p`, the most
 *   common title word), two words, a phrase, a typo, a prefix while typing, a facet filter,
 *   sorted by seeders, a deep page. p50/p95/p99 overall and per shape, queries/s — twice: in a
 *   closed loop (every client searches again the moment it has its answer: the box's capacity,
 *   where on 2 cores latency ≈ clients ÷ throughput), then paced (each client one search every
 *   `--paced-interval-ms`, 1,000: people searching; the latency of a search at a stated load).
 * - Baseline, same run: the seed-shaped query (`name % $q OR to_tsvector('simple', name) @@
 *   plainto_tsquery('simple', $q)` ordered by `similarity(name, $q)`, GIN trigram and GIN
 *   tsvector indexes) on a sample of the same queries, one at a time, under statement_timeout
 *   (`--baseline-timeout`, 10 s); a timeout counts as the timeout.
 *
 * Last line: one JSON object.
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import { listMigrations, migrate, migrationsDir, seed, seedFile, withClient } from '@bittorrented/db'
import pg from 'pg'
import { RequestDb } from '@bittorrented/edge-app/db'
import { searchCatalog, SearchParamsSchema, type SearchLimits, type SearchParams } from '@bittorrented/edge-app/search'
import { latencyStats } from './lib/latency-stats.ts'
import { pacedLoop, type LoopResult } from './lib/closed-loop.ts'
import type { ReleaseInfo } from '@bittorrented/media-node/release-name'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    duration: { type: 'string', default: '30' },
    clients: { type: 'string', default: '16' },
    'baseline-timeout': { type: 'string', default: '10' },
    'skip-baseline': { type: 'boolean', default: false },
    'baseline-samples': { type: 'string', default: '2' },
    // The paced run: each client starts one search every this many ms (0 skips the run).
    'paced-interval-ms': { type: 'string', default: '1000' },
    // Experiments only: searchCatalog's limits (SEARCH_LIMITS when unset).
    'exact-up-to': { type: 'string' },
    'head-candidates': { type: 'string' },
  },
})
const ROWS = Number(values.rows)
const DURATION_S = Number(values.duration)
const CLIENTS = Number(values.clients)
const BASELINE_TIMEOUT_S = Number(values['baseline-timeout'])
const BASELINE_SAMPLES = Number(values['baseline-samples'])
const PACED_INTERVAL_MS = Number(values['paced-interval-ms'])
const LIMITS: Partial<SearchLimits> = {
  ...(values['exact-up-to'] ? { exactUpTo: Number(values['exact-up-to']) } : {}),
  ...(values['head-candidates'] ? { headCandidates: Number(values['head-candidates']) } : {}),
}
const GOALS = { p99_ms: 100, p50_ms: 15, speedup: 10 }
/** Sam of the seed, as the app's middleware passes him: ids and his profile's (absent) rating ceiling. */
const SAM = { userId: '00000000-0000-4000-8000-000000000001', profileId: '00000000-0000-4000-9000-000000000012', profile: { maxRating: null } }
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const dbName = `bt_bench_search_${ROWS}`
const dbUrl = new URL(serverUrl)
dbUrl.pathname = `/${dbName}`
const log = (line: string) => process.stderr.write(`${line}\n`)

// ——— the generated catalog ———

/** A deterministic pseudo-random sequence (mulberry32), so every load is the same catalog. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const COMMON = ['the', 'of', 'and', 'a', 'in', 'man', 'love', 'night', 'last', 'dark', 'world', 'day', 'house', 'girl', 'city', 'star', 'king', 'war', 'life', 'blue']
const SYLLABLES = ['ka', 'lo', 'mi', 'ter', 'van', 'dor', 'sel', 'ri', 'no', 'bel', 'gar', 'tis', 'mon', 'ra', 'quel', 'fen', 'do', 'ar', 'lin', 'ves']
/** 200 000 words: the first few very common (Zipf-like draw), the long tail rare. */
const VOCAB = [
  ...COMMON,
  ...Array.from(
    { length: 200_000 },
    (_, i) => SYLLABLES[i % 20]! + SYLLABLES[Math.floor(i / 20) % 20]! + SYLLABLES[Math.floor(i / 400) % 20]! + (i >= 8000 ? SYLLABLES[Math.floor(i / 8000) % 20] : ''),
  ),
]
const RESOLUTIONS = ['480p', '720p', '1080p', '1080p', '2160p']
const SOURCES = ['BluRay', 'WEB-DL', 'WEBRip', 'HDTV', 'DVDRip']
const CODECS = ['x264', 'x265', 'H.264', 'HEVC']
const GROUPS = ['RARBG', 'SPARKS', 'NTb', 'FLUX', 'YIFY', 'GECKOS', 'EDITH']

function word(r: () => number): string {
  // Zipf-ish: index ~ 1/u, capped by the vocabulary.
  const i = Math.min(VOCAB.length - 1, Math.floor(1 / (r() + 1 / VOCAB.length)) - 1)
  return VOCAB[Math.max(0, i)]!
}
const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1)

/** A generated torrent: the parsed fields the catalog keeps (no language), and the rest. */
interface Row extends Omit<ReleaseInfo, 'language'> {
  infoHash: string
  name: string
  type: string
  size: number
  seeders: number | null
  discovered: string
}

function makeRow(i: number): Row {
  const r = rng(i * 2654435761)
  const titleWords = Array.from({ length: 1 + Math.floor(r() * 4) }, () => cap(word(r)))
  const title = titleWords.join(' ')
  const kind = r()
  const year = 1950 + Math.floor(r() * 76)
  const res = RESOLUTIONS[Math.floor(r() * RESOLUTIONS.length)]!
  const src = SOURCES[Math.floor(r() * SOURCES.length)]!
  const codec = CODECS[Math.floor(r() * CODECS.length)]!
  const group = GROUPS[Math.floor(r() * GROUPS.length)]!
  const infoHash = (
    i.toString(16).padStart(10, '0') +
    Math.floor(r() * 2 ** 32)
      .toString(16)
      .padStart(8, '0')
  )
    .padEnd(40, 'a')
    .slice(0, 40)
  const seeders = r() < 0.2 ? null : Math.floor(r() ** 3 * 5000)
  const discovered = new Date(Date.UTC(2020, 0, 1) + Math.floor(r() * 6 * 365 * 86_400_000)).toISOString()
  if (kind < 0.55) {
    return {
      infoHash,
      name: `${titleWords.join('.')}.${year}.${res}.${src}.${codec}-${group}`,
      title,
      type: 'movie',
      year,
      season: null,
      episode: null,
      resolution: res,
      codec,
      source: src,
      group,
      size: Math.floor(700e6 + r() * 8e9),
      seeders,
      discovered,
    }
  }
  if (kind < 0.85) {
    const season = 1 + Math.floor(r() * 12)
    const episode = 1 + Math.floor(r() * 24)
    const s = `S${String(season).padStart(2, '0')}E${String(episode).padStart(2, '0')}`
    return {
      infoHash,
      name: `${titleWords.join('.')}.${s}.${res}.${src}.${codec}-${group}`,
      title,
      type: 'tv_episode',
      year: null,
      season,
      episode,
      resolution: res,
      codec,
      source: src,
      group,
      size: Math.floor(200e6 + r() * 2e9),
      seeders,
      discovered,
    }
  }
  if (kind < 0.95) {
    const artist = `${cap(word(r))} ${cap(word(r))}`
    return {
      infoHash,
      name: `${artist} - ${title} (${year}) [${r() < 0.5 ? 'FLAC' : 'MP3 320'}]`,
      title,
      type: 'music_album',
      year,
      season: null,
      episode: null,
      resolution: null,
      codec: null,
      source: null,
      group: null,
      size: Math.floor(50e6 + r() * 5e8),
      seeders,
      discovered,
    }
  }
  return {
    infoHash,
    name: `${title} - ${cap(word(r))} ${cap(word(r))} (${year}) [EPUB]`,
    title,
    type: 'ebook',
    year,
    season: null,
    episode: null,
    resolution: null,
    codec: null,
    source: null,
    group: null,
    size: Math.floor(1e5 + r() * 2e7),
    seeders,
    discovered,
  }
}

/** The search and sort indexes the migrations create: dropped for the load, built after it (timed). */
const SEARCH_INDEXES = [
  'torrents_search_head_idx',
  'torrents_search_vector_long_idx',
  'torrents_name_trgm_idx',
  'torrents_seeders_search_idx',
  'torrents_seeders_long_idx',
  'torrents_size_sort_idx',
  'torrents_discovered_sort_idx',
  'torrents_discovered_at_idx',
  'torrents_type_seeders_idx',
]
/** The seed-shaped query's own index (the trigram index on name is shared). */
const BASELINE_INDEX = `create index if not exists bench_seed_name_tsv_idx on catalog.torrents using gin (to_tsvector('simple', name))`

async function ensureCatalog(): Promise<{ loadS: number | null; indexS: Record<string, number> | null; bytesPerMillion: number }> {
  const exists = await withClient(serverUrl, async (c) => (await c.query(`select 1 from pg_database where datname = $1`, [dbName])).rowCount === 1)
  if (exists) {
    const n = await withClient(dbUrl.toString(), async (c) => Number((await c.query(`select count(*) as n from catalog.torrents`)).rows[0].n))
    if (n >= ROWS) {
      log(`${dbName}: ${n} torrents already loaded; reusing them (drop the database to reload), with any new migrations applied`)
      await withClient(dbUrl.toString(), async (c) => migrate(c, await listMigrations(migrationsDir)))
      return { loadS: null, indexS: null, bytesPerMillion: await bytesPerMillion() }
    }
    await withClient(serverUrl, (c) => c.query(`drop database ${dbName} with (force)`))
  }
  await withClient(serverUrl, (c) => c.query(`create database ${dbName}`))
  const indexS: Record<string, number> = {}
  let loadS = 0
  await withClient(dbUrl.toString(), async (c) => {
    await migrate(c, await listMigrations(migrationsDir))
    await seed(c, seedFile)
    // Load without the search and sort indexes; build them after, timed, as the migrations define them.
    const { rows: defs } = await c.query<{ name: string; sql: string }>(`select indexname as name, indexdef as sql from pg_indexes where schemaname = 'catalog' and indexname = any($1)`, [
      SEARCH_INDEXES,
    ])
    if (defs.length !== SEARCH_INDEXES.length) throw new Error(`the migrations no longer create all of ${SEARCH_INDEXES.join(', ')}`)
    for (const { name } of defs) await c.query(`drop index catalog.${name}`)
    await c.query(`set synchronous_commit = off`)
    const started = Date.now()
    const BATCH = 5000
    for (let i = 0; i < ROWS; i += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, ROWS - i) }, (_, k) => makeRow(i + k))
      const col = <K extends keyof Row>(k: K) => rows.map((r) => r[k])
      await c.query(
        `insert into catalog.torrents (info_hash, name, title, content_type, year, season, episode, resolution, video_codec, release_source, release_group, size_bytes, seeders, discovered_at, file_count, source)
         select h, n, t, ct, y, se, ep, re, co, so, gr, sz, sd, d, 1, 'bench'
           from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::smallint[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::int[], $14::timestamptz[])
             as u(h, n, t, ct, y, se, ep, re, co, so, gr, sz, sd, d)`,
        [
          col('infoHash'),
          col('name'),
          col('title'),
          col('type'),
          col('year'),
          col('season'),
          col('episode'),
          col('resolution'),
          col('codec'),
          col('source'),
          col('group'),
          col('size'),
          col('seeders'),
          col('discovered'),
        ],
      )
      if ((i / BATCH) % 40 === 0) log(`loaded ${i + rows.length} / ${ROWS} (${((Date.now() - started) / 1000).toFixed(0)} s)`)
    }
    loadS = (Date.now() - started) / 1000
    await c.query(`set maintenance_work_mem = '512MB'`)
    for (const { name, sql } of [...defs, { name: 'bench_seed_name_tsv_idx', sql: BASELINE_INDEX }]) {
      const t = Date.now()
      await c.query(sql)
      indexS[name] = (Date.now() - t) / 1000
      log(`built ${name} in ${((Date.now() - t) / 1000).toFixed(1)} s`)
    }
    await c.query(`vacuum analyze catalog.torrents`)
  })
  return { loadS, indexS, bytesPerMillion: await bytesPerMillion() }
}

async function bytesPerMillion(): Promise<number> {
  return withClient(dbUrl.toString(), async (c) => {
    const { rows } = await c.query(`select pg_total_relation_size('catalog.torrents')::float8 as b, (select reltuples from pg_class where oid = 'catalog.torrents'::regclass)::float8 as n`)
    return (rows[0].b / Math.max(1, rows[0].n)) * 1e6
  })
}

// ——— the workload ———

async function headWord(): Promise<string> {
  return withClient(dbUrl.toString(), async (c) => {
    const { rows } = await c.query(`select word from ts_stat($$select to_tsvector('simple', title) from catalog.torrents tablesample system (0.5)$$) where length(word) > 3 order by ndoc desc limit 1`)
    return rows[0]?.word ?? 'night'
  })
}

function workload(head: string): Array<{ shape: string; params: Partial<SearchParams> & { q: string } }> {
  const rare = VOCAB[150_000]!
  const mid = VOCAB[400]!
  return [
    { shape: 'rare word', params: { q: rare } },
    { shape: 'head: the', params: { q: 'the' } },
    { shape: 'head: 1080p', params: { q: '1080p' } },
    { shape: `head: ${head}`, params: { q: head } },
    { shape: 'two words', params: { q: `${mid} ${head}` } },
    { shape: 'phrase', params: { q: `"${cap(head)} ${cap(VOCAB[30]!)}"` } },
    { shape: 'typo', params: { q: `${rare.slice(0, 2)}${rare[3]}${rare[2]}${rare.slice(4)} ` } },
    { shape: 'prefix', params: { q: `${mid} ${VOCAB[9000]!.slice(0, 4)}` } },
    { shape: 'facet', params: { q: head, type: ['movie'], resolution: ['1080p'] } },
    { shape: 'sort seeders', params: { q: head, sort: 'seeders' } },
    { shape: 'deep page', params: { q: mid, sort: 'date' } },
  ]
}

/**
 * The workload through C clients of their own (a connection each): `intervalMs` 0 is a closed loop
 * (each client searches again the moment it has its answer: the machine's capacity), otherwise
 * each client starts one search every `intervalMs` (people searching, not a flood).
 */
async function runWorkload(queries: ReturnType<typeof workload>, intervalMs: number): Promise<LoopResult> {
  const clients = Array.from({ length: CLIENTS }, () => new RequestDb(dbUrl.toString()))
  let logged = 0
  try {
    return await pacedLoop(CLIENTS, DURATION_S, intervalMs, async (ci, round) => {
      const q = queries[(ci + round) % queries.length]!
      let params = SearchParamsSchema.parse(q.params)
      try {
        let result = await searchCatalog(clients[ci]!, SAM, params, false, LIMITS)
        if (q.shape === 'deep page') {
          // Five pages on, following the keyset cursor.
          for (let p = 0; p < 5 && result.next; p++) {
            params = { ...params, after: result.next }
            result = await searchCatalog(clients[ci]!, SAM, params, false, LIMITS)
          }
        }
        return { kind: q.shape, ok: true }
      } catch (err) {
        if (logged++ < 5) log(`error in ${q.shape}: ${(err as Error).message}`)
        return { kind: q.shape, ok: false }
      }
    })
  } finally {
    // Closed, or the process would wait on their sockets and never exit.
    await Promise.all(clients.map((db) => db.close()))
  }
}

async function runBaseline(queries: ReturnType<typeof workload>) {
  const samples: number[] = []
  let timeouts = 0
  const c = new pg.Client({ connectionString: dbUrl.toString() })
  await c.connect()
  try {
    await c.query(`set statement_timeout = '${BASELINE_TIMEOUT_S}s'`)
    await c.query(`set search_path = public, extensions`)
    for (const q of queries.filter((x) => x.shape !== 'deep page')) {
      const text = q.params.q.replace(/"/g, '').trim()
      for (let s = 0; s < BASELINE_SAMPLES; s++) {
        const t = performance.now()
        try {
          await c.query(
            `select info_hash, name from catalog.torrents
              where name % $1 or to_tsvector('simple', name) @@ plainto_tsquery('simple', $1)
              order by similarity(name, $1) desc limit 20`,
            [text],
          )
          samples.push(performance.now() - t)
        } catch (err) {
          if ((err as { code?: string }).code !== '57014') throw err
          timeouts++
          samples.push(BASELINE_TIMEOUT_S * 1000)
        }
      }
    }
  } finally {
    await c.end()
  }
  return { samples, timeouts }
}

const catalog = await ensureCatalog()
const head = await headWord()
const queries = workload(head)
log(`workload: ${CLIENTS} clients × ${DURATION_S} s over ${queries.length} query shapes (head word "${head}")`)
// A short warm-up, so the first numbers are not all cold cache.
await withClient(dbUrl.toString(), async (c) => {
  await c.query(`select count(*) from catalog.torrents where search_head @@ to_tsquery('simple', 'the')`)
})
const run = await runWorkload(queries, 0)
const paced = PACED_INTERVAL_MS > 0 ? await runWorkload(queries, PACED_INTERVAL_MS) : null
log(`baseline: the seed-shaped query, ${BASELINE_SAMPLES} samples per shape, one at a time, statement_timeout ${BASELINE_TIMEOUT_S} s`)
const baseline = values['skip-baseline'] ? { samples: [], timeouts: 0 } : await runBaseline(queries)

const allOf = (r: LoopResult) => Object.values(r.samples).flat()
const ours = latencyStats(allOf(run))
const pacedStats = paced ? latencyStats(allOf(paced)) : null
const base = latencyStats(baseline.samples)
console.log(`catalog search benchmark: ${ROWS.toLocaleString('en')} torrents, PostgreSQL at ${new URL(serverUrl).host}, ${os.cpus().length} cores`)
if (catalog.loadS !== null)
  console.log(
    `load ${catalog.loadS.toFixed(0)} s; index builds: ${Object.entries(catalog.indexS!)
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(', ')}`,
  )
console.log(`disk: ${(catalog.bytesPerMillion / 1024 / 1024).toFixed(0)} MB per million torrents (table, TOAST and indexes)`)
const perShape = (r: LoopResult) => {
  for (const [shape, xs] of Object.entries(r.samples)) {
    const st = latencyStats(xs)
    console.log(`  ${shape.padEnd(16)} n=${String(st.count).padStart(5)}  p50 ${String(st.p50).padStart(9)}  p99 ${String(st.p99).padStart(9)} ms`)
  }
}
console.log(
  `ours, closed loop (capacity): ${ours.count} searches, ${run.throughput} q/s; p50 ${ours.p50} ms, p95 ${ours.p95} ms, p99 ${ours.p99} ms, max ${ours.max} ms; ${run.errors} errors   (goals p50 < ${GOALS.p50_ms}, p99 < ${GOALS.p99_ms} ms)`,
)
perShape(run)
if (paced && pacedStats) {
  console.log(
    `ours, paced (${CLIENTS} clients, one search every ${PACED_INTERVAL_MS} ms each, ${Math.round((CLIENTS * 1000) / PACED_INTERVAL_MS)} q/s offered): ${pacedStats.count} searches, ${paced.throughput} q/s; p50 ${pacedStats.p50} ms, p95 ${pacedStats.p95} ms, p99 ${pacedStats.p99} ms, max ${pacedStats.max} ms; ${paced.errors} errors`,
  )
  perShape(paced)
}
console.log(
  `baseline (seed-shaped query): p50 ${base.p50} ms, p99 ${base.p99} ms over ${base.count} samples, ${baseline.timeouts} timeouts at ${BASELINE_TIMEOUT_S} s; p99 ratio ${(base.p99 / ours.p99).toFixed(1)}×   (goal ≥ ${GOALS.speedup}×)`,
)
console.log(
  JSON.stringify({
    rows: ROWS,
    clients: CLIENTS,
    qps: run.throughput,
    p50_ms: ours.p50,
    p95_ms: ours.p95,
    p99_ms: ours.p99,
    errors: run.errors,
    paced_interval_ms: paced ? PACED_INTERVAL_MS : null,
    paced_qps: paced?.throughput ?? null,
    paced_p50_ms: pacedStats?.p50 ?? null,
    paced_p95_ms: pacedStats?.p95 ?? null,
    paced_p99_ms: pacedStats?.p99 ?? null,
    paced_errors: paced?.errors ?? null,
    baseline_p50_ms: base.p50,
    baseline_p99_ms: base.p99,
    baseline_timeouts: baseline.timeouts,
    baseline_timeout_ms: BASELINE_TIMEOUT_S * 1000,
    load_s: catalog.loadS,
    index_build_s: catalog.indexS ? Math.round(Object.values(catalog.indexS).reduce((a, b) => a + b, 0) * 10) / 10 : null,
    disk_mb_per_million_rows: Math.round(catalog.bytesPerMillion / 1024 / 1024),
    goal_p50_ms: GOALS.p50_ms,
    goal_p99_ms: GOALS.p99_ms,
  }),
)
