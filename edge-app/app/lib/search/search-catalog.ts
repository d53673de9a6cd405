/**
 * Catalog search: words, "quoted phrases", -excluded words (websearch syntax, which never fails
 * to parse), the last word as a prefix while typing, typo tolerance by trigram similarity when
 * the words find nothing, filters with counts (facets), four sort orders and keyset pagination.
 * Runs as the person (RLS hides what their profile may not see, adult titles included) — one
 * code path for the search page and `GET /api/search`.
 *
 * The steps, each in its own module, data flowing one way: params (the request) → text-query
 * (the words) → plan (candidates, view) → sql (the statements) → this module, which runs them:
 * words, then prefix, then corrections (corrections.ts); facets (facets.ts); the page.
 */
import type { RequestDb } from '../db.server.ts'
import { decodeCursor, encodeCursor } from './cursor.ts'
import { correctedQuery } from './corrections.ts'
import { facetCounts, type FoundGroups } from './facets.ts'
import type { SearchParams } from './params.ts'
import { headCap, SEARCH_LIMITS, searchedViewFor, type SearchContext, type SearchLimits } from './plan.ts'
import { estimateQuery, firstQuery, pageQuery } from './sql.ts'
import { textQuery, type MatchMode } from './text-query.ts'

export type { SearchParams } from './params.ts'

export interface SearchHit {
  infoHash: string
  name: string
  title: string | null
  contentType: string
  year: number | null
  resolution: string | null
  sizeBytes: number
  seeders: number | null
  discoveredAt: string
}

export interface SearchResult {
  hits: SearchHit[]
  /** Totals past SEARCH_LIMITS.exactUpTo are PostgreSQL's estimate, not a count: `estimate` says so. */
  total: { count: number; estimate: boolean }
  /** `estimate`: counted over a sample of the matches (the candidates: the best-seeded) and scaled to the estimated total. */
  facets: { type: Array<{ value: string; count: number }>; resolution: Array<{ value: string; count: number }>; language: Array<{ value: string; count: number }>; estimate: boolean }
  /** Where the next page starts; null on the last page. */
  next: string | null
  /** 'words' when the words matched (as typed or the last as a prefix), 'fuzzy' when only the catalog words most like them did. */
  matchedBy: 'words' | 'fuzzy' | 'all'
  /** When fuzzy: the query as corrected (each word's nearest catalog word), for "showing results for …". */
  correctedTo: string | null
}

type PageRow = Omit<SearchHit, 'discoveredAt'> & { discoveredAt: string; sortValue: number | string }

export function searchCatalog(db: RequestDb, ctx: SearchContext, p: SearchParams, recordHistory = true, limits: Partial<SearchLimits> = {}): Promise<SearchResult> {
  const { exactUpTo, headCandidates, headEstimate } = { ...SEARCH_LIMITS, ...limits }
  const cap = Math.max(1, Math.floor(exactUpTo))
  const view = searchedViewFor(ctx)
  return db.asPerson(ctx, async (tx) => {
    const hasText = p.q.trim() !== ''
    const cursor = decodeCursor(p.after)
    // How many candidates the first statement takes (headCandidates when the planner expects a head term).
    let candidates = cap
    const first = async (mode: MatchMode) => {
      const q = firstQuery(p, mode, candidates, view)
      const { rows } = await tx.query<{ n: number; groups: FoundGroups; page: PageRow[] }>(q.text, q.values)
      return rows[0]!
    }
    // PostgreSQL's estimate of all the matches (planning only).
    const estimate = async (mode: MatchMode) => {
      const q = estimateQuery(p, mode, view)
      const { rows: plan } = await tx.query<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(q.text, q.values)
      return Math.round(plan[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0)
    }
    // Asked before the search (a head term's total is this estimate anyway): the candidates are
    // chosen once, and a search of a few hundred matches is read once, whatever its plan. A later
    // page takes what its first page took (its cursor says), so relevance pages one set.
    let estimated: number | null = null
    if (cursor?.k) candidates = Math.min(cap, cursor.k)
    else if ((estimated = await estimate('words')) >= headEstimate) candidates = headCap(cap, headCandidates)
    // The words as typed; if they find nothing, the last as a prefix while it is being typed; if
    // still nothing, names that look alike (typos).
    let mode: MatchMode = 'words'
    let correctedTo: string | null = null
    let found = await first(mode)
    // The fallbacks were not estimated: they take every candidate, and are estimated only when they have more.
    const fallback = (m: MatchMode) => {
      mode = m
      estimated = null
      candidates = cap
      return first(m)
    }
    if (hasText && found.n === 0 && textQuery(p.q).prefix) found = await fallback('prefix')
    if (hasText && found.n === 0) {
      const corrected = await correctedQuery(tx, p.q, view)
      if (corrected) {
        found = await fallback({ fuzzy: corrected.fuzzy })
        correctedTo = corrected.correctedTo
      }
    }
    const { n } = found
    const many = n > candidates
    // Past the candidates the total is the estimate, never below what was seen.
    const total = many ? Math.max(n, estimated ?? (await estimate(mode))) : n
    const matchedBy: SearchResult['matchedBy'] = !hasText ? 'all' : typeof mode === 'object' ? 'fuzzy' : 'words'
    const facets = await facetCounts(tx, { p, mode, view, groups: found.groups, n, total, many, cap })
    let rows = found.page
    // The candidates are the first cap + 1 matches in seeders order, so a full page of them sorted
    // by seeders is that order's page too; otherwise (other orders, or a page past the candidates)
    // the page comes through its order's index, over every match.
    const pageFromCandidates = p.sort === 'relevance' || (p.sort === 'seeders' && rows.length === p.limit + 1)
    if (many && !pageFromCandidates) {
      const q = pageQuery(p, mode, view)
      rows = (await tx.query<{ page: PageRow[] }>(q.text, q.values)).rows[0]!.page
    }
    const more = rows.length > p.limit
    const hits = rows.slice(0, p.limit)

    if (recordHistory && hasText && !cursor) {
      // One entry per query (in any case), most recent first: the same search again moves it to the top.
      await tx.query(
        `with earlier as (delete from public.search_history where profile_id = $1 and lower(query) = lower($2))
         insert into public.search_history (profile_id, query) values ($1, $2)`,
        [ctx.profileId, p.q.trim().slice(0, 200)],
      )
    }
    const last = rows[p.limit - 1]
    return {
      hits: hits.map(({ sortValue: _, ...h }) => ({ ...h, discoveredAt: new Date(h.discoveredAt).toISOString() })),
      total: { count: total, estimate: many },
      facets: { ...facets, estimate: many },
      // A timestamp stays PostgreSQL's own text (microseconds kept: a Date would round them away and skip rows).
      next: more && last ? encodeCursor({ v: last.sortValue, h: last.infoHash, k: candidates }) : null,
      matchedBy,
      correctedTo,
    }
  })
}
