/**
 * One refresh of every feed, in a process of its own (its peak RSS is its own):
 * `ours` — the media node's FeedRefresher over the catalog in DATABASE_URL (conditional GET,
 * moves, backoff, SSRF guard, parse, episode upserts), `floor` — a bare loop: fetch with the
 * same ETag and time limit, feedsmith's parseFeed, nothing written. Same concurrency. Prints
 * one JSON line: wall time, peak RSS, per-kind worst time of one feed.
 */
import { parseFeed } from 'feedsmith'
import pg from 'pg'
import { FeedRefresher } from '@bittorrented/media-node/feed-refresh'
import { kindOf, priorEtag } from './feed-server.ts'

const [mode, base, countArg, concurrencyArg, timeoutArg] = process.argv.slice(2)
const N = Number(countArg)
const CONCURRENCY = Number(concurrencyArg)
const TIMEOUT_MS = Number(timeoutArg)
const worst: Record<string, number> = {}
const outcomes: Record<string, number> = {}
const note = (i: number, state: string, ms: number) => {
  const k = kindOf(i)
  worst[k] = Math.max(worst[k] ?? 0, ms)
  outcomes[state] = (outcomes[state] ?? 0) + 1
}

const t0 = performance.now()
if (mode === 'floor') {
  const queue = Array.from({ length: N }, (_, i) => i)
  const worker = async () => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
      const started = performance.now()
      let state = 'ok'
      try {
        const res = await fetch(`${base}/feed/${i}.xml`, { headers: { 'If-None-Match': priorEtag(i) }, signal: AbortSignal.timeout(TIMEOUT_MS) })
        if (res.status === 304) state = 'not_modified'
        else if (!res.ok) state = 'failed'
        else parseFeed(await res.text())
      } catch {
        state = 'failed'
      }
      note(i, state, performance.now() - started)
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
} else {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: CONCURRENCY + 1 })
  const ids = new Map<number, number>(
    (await pool.query<{ id: string; url: string }>('select id, url from catalog.podcast_feeds')).rows.map((r) => [Number(r.id), Number(/\/feed\/(\d+)/.exec(r.url)![1])]),
  )
  const refresher = new FeedRefresher({
    withClient: async (fn) => {
      const c = await pool.connect()
      try {
        return await fn(c)
      } finally {
        c.release()
      }
    },
    limits: { maxBytes: 20 << 20, timeoutMs: TIMEOUT_MS, allow: new Set([new URL(base!).host]), intervalMinutes: 60 },
    concurrency: CONCURRENCY,
    onRefreshed: (id, outcome, ms) => note(ids.get(id)!, outcome.state, ms),
  })
  while ((await refresher.tick()) > 0) {}
  await pool.end()
}
const ms = performance.now() - t0
process.stdout.write(`${JSON.stringify({ mode, ms, rss_mb: process.resourceUsage().maxRSS / 1024, worst, outcomes })}\n`)
