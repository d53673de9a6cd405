/**
 * `npm run bench:feeds -- [--feeds N] [--runs R] [--concurrency C]`: one refresh of N podcast
 * feeds (default 1,000) from a loopback host answering the mix a real refresh meets (half
 * changed, a quarter unchanged → 304, slow, broken, moved, never answering; bench/lib/feed-server.ts),
 * ours — the media node's FeedRefresher writing the catalog (PostgreSQL of DATABASE_URL, else
 * the embedded PGlite) — against the floor: a bare fetch + feedsmith loop over the same feeds,
 * same ETags, same time limit, same concurrency, writing nothing. Each run in its own process
 * (peak RSS its own), interleaved; medians. Goals: time ≤ 1.3× the floor, RSS < 300 MB, and no
 * feed taking longer than its own time limit (a stalled feed never holds the others).
 * Then an OPML import of 2,000 subscriptions: ours (parse, normalize, de-duplicate, enter the
 * feeds, subscribe) against feedsmith's parse plus one bare insert of the same addresses.
 * One JSON line; a dated line in RESULTS.md.
 */
import { spawn } from 'node:child_process'
import { appendFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseOpml } from 'feedsmith'
import { repoRoot } from '@bittorrented/db'
import { connect, createMigratedDatabase } from '@bittorrented/db/test-helpers'
import { enterFeeds } from '@bittorrented/media-node/feed-refresh'
import { parseSubscriptionOpml } from '@bittorrented/media-node/opml'
import { priorEtag, startFeedServer } from './lib/feed-server.ts'

const { values } = parseArgs({ options: { feeds: { type: 'string', default: '1000' }, runs: { type: 'string', default: '2' }, concurrency: { type: 'string', default: '16' } } })
const N = Number(values.feeds)
const RUNS = Number(values.runs)
const CONCURRENCY = Number(values.concurrency)
const TIMEOUT_MS = 2000
process.env.BT_TEST_DB ??= process.env.DATABASE_URL ? 'postgres' : 'pglite'

const feeds = await startFeedServer()
const db = await createMigratedDatabase()
const client = await connect(db.url)
try {
  const owner = '00000000-0000-4000-8000-00000000b001'
  await client.query(`insert into auth.users (id, aud, role, email) values ($1, 'authenticated', 'authenticated', 'bench-feeds@example.com')`, [owner])
  const account = (await client.query<{ id: string }>('select id from public.accounts where owner_id = $1', [owner])).rows[0]!.id
  const profile = (await client.query<{ id: string }>(`insert into public.profiles (account_id, name) values ($1, 'Bench') returning id`, [account])).rows[0]!.id
  await client.query(`insert into catalog.podcast_feeds (url, title) select $1 || '/feed/' || n || '.xml', 'Feed ' || n from generate_series(0, $2 - 1) n`, [feeds.base, N])
  await client.query('insert into public.podcast_subscriptions (profile_id, feed_id) select $1, id from catalog.podcast_feeds', [profile])
  /** Every feed as a refresher finds it after a previous refresh: due now, with the ETag it was last given. */
  const reset = async () => {
    await client.query('delete from catalog.podcast_episodes')
    await client.query(
      `update catalog.podcast_feeds set url = regexp_replace(url, '-new\\.xml$', '.xml'), moved_from = null, moved_at = null, error_count = 0, next_fetch_at = now(),
              etag = '"e' || substring(url from '/feed/(\\d+)') || '"', last_fetch_state = 'never'`,
    )
  }
  await reset()
  if ((await client.query(`select etag from catalog.podcast_feeds where url like '%/feed/10.xml'`)).rows[0]?.etag !== priorEtag(10)) throw new Error('bench setup: ETags not as the feed host expects')
  // The workers run asynchronously: this process serves the feeds while they fetch.
  const work = (mode: 'ours' | 'floor') =>
    new Promise<{ ms: number; rss_mb: number; worst: Record<string, number>; outcomes: Record<string, number> }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/feeds-worker.ts', mode, feeds.base, String(N), String(CONCURRENCY), String(TIMEOUT_MS)], {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: db.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      let err = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d
      })
      child.stderr.on('data', (d: Buffer) => {
        err += d
      })
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`${mode} failed: ${err.slice(-2000)}`))))
    })
  const ours: Array<Awaited<ReturnType<typeof work>>> = []
  const floor: Array<Awaited<ReturnType<typeof work>>> = []
  for (let r = 0; r < RUNS; r++) {
    floor.push(await work('floor'))
    await reset()
    ours.push(await work('ours'))
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const worstOf = (list: typeof ours) => Math.round(Math.max(...list.flatMap((r) => Object.values(r.worst))))

  // OPML import of 2,000 subscriptions (and 200 duplicates).
  const outlines = Array.from({ length: 2200 }, (_, i) => `<outline type="rss" text="Show ${i % 2000}" xmlUrl="https://opml${i % 2000}.example.com/feed.xml"/>`)
  const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>Export</title></head><body>${outlines.join('')}</body></opml>`
  const t1 = performance.now()
  const parsed = parseSubscriptionOpml(opml)
  const ids = await enterFeeds(client, parsed.feeds)
  await client.query('insert into public.podcast_subscriptions (profile_id, feed_id) select $1, unnest($2::bigint[]) on conflict do nothing', [profile, ids])
  const opmlMs = performance.now() - t1
  const t2 = performance.now()
  const bare = (parseOpml(opml) as { body: { outlines: Array<{ xmlUrl: string }> } }).body.outlines.map((o) => o.xmlUrl.replace('opml', 'bare'))
  await client.query(`insert into catalog.podcast_feeds (url, title) select distinct u, u from unnest($1::text[]) u`, [bare])
  const opmlFloorMs = performance.now() - t2

  const result = {
    feeds: N,
    concurrency: CONCURRENCY,
    feed_timeout_ms: TIMEOUT_MS,
    outcomes: ours.at(-1)!.outcomes,
    refresh_ms: Math.round(median(ours.map((o) => o.ms))),
    floor_refresh_ms: Math.round(median(floor.map((o) => o.ms))),
    refresh_ratio: 0,
    rss_mb: Math.round(Math.max(...ours.map((o) => o.rss_mb))),
    floor_rss_mb: Math.round(Math.max(...floor.map((o) => o.rss_mb))),
    worst_feed_ms: worstOf(ours),
    floor_worst_feed_ms: worstOf(floor),
    opml_subscriptions: ids.length,
    opml_ms: Math.round(opmlMs),
    floor_opml_ms: Math.round(opmlFloorMs),
    opml_ratio: Math.round((opmlMs / opmlFloorMs) * 100) / 100,
  }
  result.refresh_ratio = Math.round((result.refresh_ms / result.floor_refresh_ms) * 100) / 100
  console.log(`ours:  ${result.refresh_ms} ms, peak RSS ${result.rss_mb} MB, slowest feed ${result.worst_feed_ms} ms — ${JSON.stringify(result.outcomes)}`)
  console.log(`floor: ${result.floor_refresh_ms} ms, peak RSS ${result.floor_rss_mb} MB, slowest feed ${result.floor_worst_feed_ms} ms (bare fetch + feedsmith, nothing written)`)
  console.log(`ratio: ${result.refresh_ratio} (goal ≤ 1.3), RSS ${result.rss_mb} MB (goal < 300), slowest feed vs its ${TIMEOUT_MS} ms limit`)
  console.log(`OPML import of ${result.opml_subscriptions} subscriptions: ${result.opml_ms} ms; parse + bare insert ${result.floor_opml_ms} ms (${result.opml_ratio}×)`)
  await appendFile(
    join(repoRoot, 'bench', 'RESULTS.md'),
    `| ${new Date().toISOString().slice(0, 10)} | \`bench:feeds -- --feeds ${N}\` | loopback host, 50% changed / 25% 304 / 10% slow 1 s / 5% broken / 5% moved / 5% never answering, ${TIMEOUT_MS} ms per feed, concurrency ${CONCURRENCY}, ${db.target}, median of ${RUNS}, ${os.cpus().length} cores | ours ${result.refresh_ms} ms / ${result.rss_mb} MB peak RSS, slowest feed ${result.worst_feed_ms} ms; bare fetch + feedsmith ${result.floor_refresh_ms} ms / ${result.floor_rss_mb} MB; ratio ${result.refresh_ratio} (goal ≤ 1.3), RSS goal < 300 MB | OPML import of ${result.opml_subscriptions} subscriptions ${result.opml_ms} ms against parse + bare insert ${result.floor_opml_ms} ms (${result.opml_ratio}×) |\n`,
  )
  console.log(JSON.stringify(result))
} finally {
  await client.end()
  await db.drop()
  await feeds.stop()
}
