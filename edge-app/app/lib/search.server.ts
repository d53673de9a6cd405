/**
 * Catalog search: words, "quoted phrases", -excluded words (websearch syntax, which never fails
 * to parse), the last word as a prefix while typing, typo tolerance by trigram similarity when
 * the words find nothing, filters with counts (facets), four sort orders and keyset pagination.
 * Runs as the person (RLS hides what their profile may not see, adult titles included) — one
 * code path for the search page and `GET /api/search`.
 */
import { isInfoHash } from '@bittorrented/common'
import { z } from 'zod'
import type { RequestDb } from './db.server.ts'
import type { ProfilePerson } from './person.ts'

export const CONTENT_TYPES = ['movie', 'tv_episode', 'tv_season', 'music_album', 'music_track', 'ebook', 'audiobook', 'comic', 'podcast', 'software', 'other'] as const
const list = <T extends z.ZodTypeAny>(item: T) => z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(20))

export const SearchParamsSchema = z.object({
  q: z.string().max(200).default(''),
  type: list(z.enum(CONTENT_TYPES)),
  resolution: list(z.string().regex(/^(\d{3,4}p|4k)$/i).max(8)),
  language: list(z.string().regex(/^[\p{L} -]{2,32}$/u)),
  yearFrom: z.coerce.number().int().min(1870).max(2100).optional(),
  yearTo: z.coerce.number().int().min(1870).max(2100).optional(),
  sizeMinMb: z.coerce.number().min(0).max(10_000_000).optional(),
  sizeMaxMb: z.coerce.number().min(0).max(10_000_000).optional(),
  sort: z.enum(['relevance', 'seeders', 'size', 'date']).default('relevance'),
  after: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})
export type SearchParams = z.infer<typeof SearchParamsSchema>

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

/**
 * How much of a search's matches it reads. Up to `exactUpTo` matches a search counts exactly and
 * its facets are exact. Past it (a head term: `the`, `1080p`, `love`), counting every match is
 * what made searches slow — each match is a random heap read — so the total is PostgreSQL's own
 * estimate of the matches (EXPLAIN, no execution), the facets are those of the best-seeded
 * matches read (the candidates) scaled to it, all marked as estimates, and relevance orders the
 * candidates (other sorts page through everything by their indexes).
 * Every search first reads `headCandidates` + 1 candidates. Only when it has more matches than
 * that and the planner expects fewer than `headEstimate` — so the total might be countable — does
 * it read `exactUpTo` + 1. A search the planner expects to match `headEstimate` or more keeps its
 * `headCandidates`: its count would be an estimate either way, and finding the 1,001 best-seeded
 * matches of a common word with two filters meant walking ~100,000 index entries at 10M torrents
 * (~30 ms of CPU) where 201 take a fifth of that.
 */
export interface SearchLimits {
  exactUpTo: number
  headCandidates: number
  headEstimate: number
}
export const SEARCH_LIMITS: SearchLimits = { exactUpTo: 1_000, headCandidates: 200, headEstimate: 20_000 }
const EXACT_UP_TO = SEARCH_LIMITS.exactUpTo
/** The candidates of a search expected to be a head term: headCandidates, never more than the cap. */
const headCap = (cap: number, headCandidates: number) => Math.max(1, Math.min(cap, Math.floor(headCandidates)))
/**
 * What a person searches: the catalog as their profile may see it, as a view whose filter the
 * planner can combine with the search (the table's own policy would keep every non-leakproof
 * search operator off the indexes; see the view's migration). A profile without a rating ceiling
 * searches the view made for it, where the ceiling is a one-time test the planner does not count
 * against the rows (in the general view it priced it at 1/3: every estimate a third of the truth);
 * for a profile with a ceiling that view is empty, so a wrong choice can only hide rows.
 */
export const SEARCHED_VIEWS = { anyProfile: 'catalog.visible_torrents', withoutCeiling: 'catalog.visible_torrents_without_ceiling' } as const
export type SearchedView = (typeof SEARCHED_VIEWS)[keyof typeof SEARCHED_VIEWS]

/**
 * Who searches: the profile context and, as the middleware read it, the selected profile's row;
 * without it the search takes the view for any profile (same rows, rougher estimates).
 */
export type SearchContext = ProfilePerson & { profile?: { maxRating: string | null } }

/** The view for this profile: the one without a ceiling when its row (read by the middleware) has none. */
export function searchedViewFor(ctx: SearchContext): SearchedView {
  return ctx.profile && ctx.profile.maxRating === null ? SEARCHED_VIEWS.withoutCeiling : SEARCHED_VIEWS.anyProfile
}

/**
 * How a search's text is matched, tried in this order until one finds something: `words` (every
 * word as typed), `prefix` (while typing, the last word as a prefix: `guard` → Guardians), and
 * `{ fuzzy }` (typos: each word replaced by the catalog's most similar words, `hercles` →
 * hercules, searched as words; `fuzzy` is that tsquery). A finished word is not widened to a
 * prefix when it matches as it is: widening a common word (`love:*`) makes GIN collect every
 * torrent of every word it begins, ~70 ms at 10M torrents on each keystroke, for results the
 * person did not ask for.
 */
export type MatchMode = 'words' | 'prefix' | { fuzzy: string }

/** The words of a query to correct: as to_tsvector('simple') would split them, excluded ones left out. */
function wordsToCorrect(q: string): string[] {
  const kept = q
    .split(/\s+/)
    .filter((w) => !w.startsWith('-'))
    .join(' ')
    .toLowerCase()
  return [...new Set(kept.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 2 && w.length <= 64))].slice(0, 8)
}

/** A lexeme as tsquery input: quoted, its quotes and backslashes escaped. */
const lexeme = (w: string) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`

/** The search text as parameters: the websearch part and, while typing, the last word as a prefix. */
function textQuery(q: string): { web: string; prefix: string | null } {
  const trimmed = q.trim()
  const typing = /[\p{L}\p{N}]$/u.test(q) && !/"[^"]*$/.test(trimmed.replace(/"[^"]*"/g, ''))
  const words = trimmed.split(/\s+/)
  const last = words.at(-1) ?? ''
  const prefixWord = typing && !last.startsWith('-') && !last.includes('"') ? last.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '') : ''
  if (!prefixWord) return { web: trimmed, prefix: null }
  return { web: words.slice(0, -1).join(' '), prefix: prefixWord }
}

interface Cursor {
  v: number | string
  h: string
  /** How many candidates the first page took: later pages take as many (same set), without asking for an estimate. */
  k?: number
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url')
function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as Cursor
    const fine = (typeof c.v === 'number' || typeof c.v === 'string') && typeof c.h === 'string' && isInfoHash(c.h)
    return fine && (c.k === undefined || (Number.isInteger(c.k) && c.k >= 1)) ? c : null
  } catch {
    return null
  }
}

/** One query's parameters: each statement gets its own list, numbered from $1. */
class Params {
  readonly values: unknown[] = []
  constructor(readonly view: SearchedView) {}
  arg(v: unknown, type: string): string {
    return `$${this.values.push(v)}::${type}`
  }
}

type Facet = Array<{ value: string; count: number }>
type FacetName = 'type' | 'resolution' | 'language'

/**
 * Which words column a branch of a search tests: `search_head` holds the words of every torrent
 * but a few with very long names, and an index walked in seeders order carries it (see the
 * migration add_catalog_search_covering_index); those few are found through `search_vector`.
 */
type Branch = 'head' | 'long'

/** The text condition, its rank and the filters (one of them left out for its own facet). */
function conditions(b: Params, p: SearchParams, mode: MatchMode, branch: Branch, skip?: FacetName) {
  const { web, prefix } = mode === 'prefix' ? textQuery(p.q) : { web: p.q.trim(), prefix: null }
  const hasText = p.q.trim() !== ''
  let text = 'true'
  let rank = '0'
  if (hasText) {
    let tsquery: string
    if (typeof mode === 'object') tsquery = b.arg(mode.fuzzy, 'tsquery')
    else {
      const parts: string[] = []
      if (web) parts.push(`websearch_to_tsquery('simple', ${b.arg(web, 'text')})`)
      if (prefix) parts.push(`to_tsquery('simple', ${b.arg(`${prefix}:*`, 'text')})`)
      tsquery = `(${parts.join(' && ')})`
    }
    const column = branch === 'head' ? 't.search_head' : 't.search_vector'
    text = branch === 'head' ? `${column} @@ ${tsquery}` : `t.search_head is null and ${column} @@ ${tsquery}`
    rank = `ts_rank(${column}, ${tsquery})`
  }
  const filters: string[] = []
  if (skip !== 'type' && p.type.length) filters.push(`t.content_type = any(${b.arg(p.type, 'text[]')})`)
  if (skip !== 'resolution' && p.resolution.length) filters.push(`lower(t.resolution) = any(${b.arg(p.resolution.map((r) => r.toLowerCase()), 'text[]')})`)
  if (skip !== 'language' && p.language.length) filters.push(`lower(t.language) = any(${b.arg(p.language.map((l) => l.toLowerCase()), 'text[]')})`)
  if (p.yearFrom !== undefined) filters.push(`t.year >= ${b.arg(p.yearFrom, 'int')}`)
  if (p.yearTo !== undefined) filters.push(`t.year <= ${b.arg(p.yearTo, 'int')}`)
  if (p.sizeMinMb !== undefined) filters.push(`t.size_bytes >= ${b.arg(Math.round(p.sizeMinMb * 1024 * 1024), 'bigint')}`)
  if (p.sizeMaxMb !== undefined) filters.push(`t.size_bytes <= ${b.arg(Math.round(p.sizeMaxMb * 1024 * 1024), 'bigint')}`)
  return { where: [text, ...filters].join(' and '), rank }
}

/**
 * Every match of a search as rows `m` of what searches order, filter and count by — only columns
 * the seeders-ordered covering index holds, so a walk of it never reads the heap. A word search
 * is two branches (search_head, and search_vector for the few torrents without search_head).
 * `ordered`: each branch takes its own first `limit` rows in that order (from the cursor on) —
 * PostgreSQL 15 does not merge the orders of a UNION ALL's branches, it would sort every match.
 */
function matches(b: Params, p: SearchParams, mode: MatchMode, skip?: FacetName, ordered?: { column: string; limit: number; after?: boolean }): string {
  const branch = (which: Branch) => {
    const c = conditions(b, p, mode, which, skip)
    const rows = `select t.info_hash, t.content_type, lower(t.resolution) as resolution, lower(t.language) as language, (${c.rank})::float8 as rank,
                   coalesce(t.seeders, -1)::float8 as seeders_key, t.size_bytes::float8 as size_key, t.discovered_at
              from ${b.view} t where ${c.where}`
    if (!ordered) return rows
    return `(select x.* from (${rows}) x where ${ordered.after ? afterCursor(b, p, 'x') : 'true'} order by x.${ordered.column} desc, x.info_hash limit ${Math.max(1, Math.floor(ordered.limit))})`
  }
  const words = p.q.trim() !== ''
  return words ? `(${branch('head')} union all ${branch('long')}) m` : `(${branch('head')}) m`
}

const SORT_KEYS = { relevance: { column: 'rank', type: 'float8' }, seeders: { column: 'seeders_key', type: 'float8' }, size: { column: 'size_key', type: 'float8' }, date: { column: 'discovered_at', type: 'timestamptz' } } as const
const BY_SEEDERS = 'm.seeders_key desc, m.info_hash'
const FACETS = ['type', 'resolution', 'language'] as const
const filtered = (p: SearchParams, f: FacetName) => p[f].length > 0
/**
 * Past the candidates, the facets of a set filter are counted over this many of their matches
 * (leaving the filter out reads more of the index per match found; the counts are estimates
 * either way): as many as a head term's candidates.
 */
const FACET_SAMPLE = SEARCH_LIMITS.headCandidates

/** Where a page starts: after the cursor's row in the page's order. */
function afterCursor(b: Params, p: SearchParams, alias: string): string {
  const cursor = decodeCursor(p.after)
  const sort = SORT_KEYS[p.sort]
  if (!cursor || typeof cursor.v !== (sort.type === 'timestamptz' ? 'string' : 'number')) return 'true'
  const key = `${alias}.${sort.column}`
  const v = b.arg(cursor.v, sort.type)
  return `(${key} < ${v} or (${key} = ${v} and ${alias}.info_hash > ${b.arg(cursor.h, 'text')}))`
}

/** A page's rows as JSON, in the page's order, with what the result list shows. */
function pageJson(b: Params, from: string, p: SearchParams): string {
  const key = `x.${SORT_KEYS[p.sort].column}`
  return `(select coalesce(json_agg(json_build_object(
              'infoHash', d.info_hash, 'name', d.name, 'title', d.title, 'contentType', d.content_type, 'year', d.year, 'resolution', d.resolution,
              'sizeBytes', d.size_bytes::float8, 'seeders', d.seeders, 'discoveredAt', d.discovered_at, 'sortValue', ${key}) order by ${key} desc, x.info_hash), '[]'::json)
            from (${from}) x join ${b.view} d on d.info_hash = x.info_hash)`
}

/**
 * The first statement of every search: its candidates — the `cap` + 1 best-seeded matches, in
 * one walk of the seeders order for common words or one bitmap for rare ones, as the planner
 * judges — and from them, at once: the count (exact up to `cap`), the counts of every facet whose
 * filter is not set (the facets of a set filter leave it out: facetQuery), and a page: right
 * whenever the candidates hold every match, and for relevance always (past `cap` matches
 * relevance orders the `cap` best-seeded; pages stay consistent, the set is the same for every page).
 */
export function firstQuery(p: SearchParams, mode: MatchMode, cap = EXACT_UP_TO, view: SearchedView = SEARCHED_VIEWS.anyProfile): { text: string; values: unknown[] } {
  const b = new Params(view)
  const limit = Math.max(1, Math.floor(cap))
  const key = `c.${SORT_KEYS[p.sort].column}`
  const page = `select c.* from (select * from c order by c.seeders_key desc, c.info_hash limit ${limit}) c
                 where ${afterCursor(b, p, 'c')} order by ${key} desc, c.info_hash limit ${b.arg(p.limit + 1, 'int')}`
  return {
    text: `with c as materialized (select m.* from ${matches(b, p, mode, undefined, { column: 'seeders_key', limit: limit + 1 })} order by ${BY_SEEDERS} limit ${limit + 1})
           select (select count(*)::int from c) as n,
                  (select coalesce(json_agg(json_build_object('g', g, 'value', value, 'count', count)), '[]'::json) from (
                     select grouping(c.content_type, c.resolution, c.language)::int as g, coalesce(c.content_type, c.resolution, c.language) as value, count(*)::int as count
                       from c group by grouping sets ((c.content_type), (c.resolution), (c.language))) g) as groups,
                  ${pageJson(b, page, p)} as page`,
    values: b.values,
  }
}

/**
 * One facet's counts with its own filter left out, over (at most) `sample` of those matches:
 * `cap` + 1 while the search has at most `cap` matches (so they are exact), fewer past it, where
 * they are estimates anyway. Rows: each value (g 0) and how many matches were read (g 1).
 */
export function facetQuery(p: SearchParams, mode: MatchMode, facet: FacetName, sample = EXACT_UP_TO + 1, view: SearchedView = SEARCHED_VIEWS.anyProfile): { text: string; values: unknown[] } {
  const b = new Params(view)
  const column = facet === 'type' ? 'content_type' : facet
  // The limit bounds the matches read, whatever share of them has a value: a facet most torrents
  // leave empty (language) must not read every match to find enough. Taken in seeders order, so
  // that a common word walks the covering index rather than building a bitmap of every match.
  return {
    text: `select grouping(f.value)::int as g, f.value, count(*)::int as count from (
             select m.${column} as value from ${matches(b, p, mode, facet, { column: 'seeders_key', limit: sample })} order by ${BY_SEEDERS} limit ${Math.max(1, Math.floor(sample))}) f
            group by grouping sets ((f.value), ())`,
    values: b.values,
  }
}

/** PostgreSQL's estimate of all the matches (planning only). */
export function estimateQuery(p: SearchParams, mode: MatchMode, view: SearchedView = SEARCHED_VIEWS.anyProfile): { text: string; values: unknown[] } {
  const b = new Params(view)
  return { text: `explain (format json) select 1 from ${matches(b, p, mode)}`, values: b.values }
}

/**
 * A page of a search with more matches than the candidates hold, in an order other than relevance:
 * through that order's index (seeders, size, date), from the cursor on.
 */
export function pageQuery(p: SearchParams, mode: MatchMode, view: SearchedView = SEARCHED_VIEWS.anyProfile): { text: string; values: unknown[] } {
  const b = new Params(view)
  const key = `m.${SORT_KEYS[p.sort].column}`
  const from = `select m.* from ${matches(b, p, mode, undefined, { column: SORT_KEYS[p.sort].column, limit: p.limit + 1, after: true })} order by ${key} desc, m.info_hash limit ${p.limit + 1}`
  return { text: `select ${pageJson(b, from, p)} as page`, values: b.values }
}

/** Every statement a search may run, for tests that EXPLAIN exactly what runs. */
export function searchStatements(p: SearchParams, mode: MatchMode, view: SearchedView, cap = EXACT_UP_TO): Array<{ label: string; text: string; values: unknown[] }> {
  return [
    { label: 'first', ...firstQuery(p, mode, cap, view) },
    { label: 'first (head term)', ...firstQuery(p, mode, headCap(cap, SEARCH_LIMITS.headCandidates), view) },
    ...FACETS.filter((f) => filtered(p, f)).map((f) => ({ label: `facet ${f}`, ...facetQuery(p, mode, f, cap + 1, view) })),
    { label: 'estimate', ...estimateQuery(p, mode, view) },
    { label: 'page', ...pageQuery(p, mode, view) },
  ]
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
      const { rows } = await tx.query<{ n: number; groups: Array<{ g: number; value: string | null; count: number }> | null; page: PageRow[] }>(q.text, q.values)
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
      const words = wordsToCorrect(p.q)
      // Each word's three nearest catalog words by trigram distance, similar enough (pg_trgm's %).
      const { rows } = await tx.query<{ similar: string[] }>(
        `select array(select s.word from catalog.search_words s where s.word operator(extensions.%) q.w
                        order by s.word operator(extensions.<->) q.w, s.word limit 3) as similar
           from unnest($1::text[]) with ordinality as q(w, i) order by q.i`,
        [words],
      )
      let corrected = rows.filter((r) => r.similar.length > 0)
      // The word list holds the words of every title a grown-up may see. A profile with a rating
      // ceiling is corrected only to words of titles it may see itself, so a correction never
      // tells a kids profile that a word exists in titles hidden from it.
      if (view === SEARCHED_VIEWS.anyProfile && corrected.length) {
        const { rows: seen } = await tx.query<{ word: string }>(
          `select w.word from unnest($1::text[]) as w(word)
            where exists (select 1 from catalog.visible_torrents t where t.search_vector @@ plainto_tsquery('simple', w.word) limit 1)`,
          [[...new Set(corrected.flatMap((r) => r.similar))]],
        )
        const visible = new Set(seen.map((r) => r.word))
        corrected = corrected.map((r) => ({ similar: r.similar.filter((w) => visible.has(w)) })).filter((r) => r.similar.length > 0)
      }
      if (corrected.length) {
        found = await fallback({ fuzzy: corrected.map((r) => `(${r.similar.map(lexeme).join(' | ')})`).join(' & ') })
        correctedTo = corrected.map((r) => r.similar[0]).join(' ')
      }
    }
    const { n } = found
    const many = n > candidates
    // Past the candidates the total is the estimate, never below what was seen.
    const total = many ? Math.max(n, estimated ?? (await estimate(mode))) : n
    const matchedBy: SearchResult['matchedBy'] = !hasText ? 'all' : typeof mode === 'object' ? 'fuzzy' : 'words'
    const top = (rows: Facet): Facet => rows.sort((a, c) => c.count - a.count || a.value.localeCompare(c.value)).slice(0, 20)
    const scaled = (rows: Facet, scale: number): Facet => rows.map((v) => ({ value: v.value, count: Math.max(1, Math.round(v.count * scale)) }))
    // A facet whose filter is not set counts the candidates (grouping() bits: content_type 4,
    // resolution 2, language 1): every match, or past them the best-seeded, scaled.
    const grouped = (g: number): Facet => {
      const rows = top((found.groups ?? []).filter((r) => r.g === g && r.value !== null).map((r) => ({ value: r.value!, count: r.count })))
      return many ? scaled(rows, total / n) : rows
    }
    // A facet whose filter is set leaves it out and counts its own matches: all of them while the
    // sample holds them all, else a sample scaled by how often the chosen values occur in it
    // (the search's estimated total is the chosen values' share of the facet's matches).
    const facet = async (f: FacetName, g: number): Promise<Facet> => {
      if (!filtered(p, f)) return grouped(g)
      const sample = many ? FACET_SAMPLE : cap + 1
      const q = facetQuery(p, mode, f, sample, view)
      const { rows } = await tx.query<{ g: number; value: string | null; count: number }>(q.text, q.values)
      const read = rows.find((r) => r.g === 1)?.count ?? 0
      const values = top(rows.filter((r) => r.g === 0 && r.value !== null).map((r) => ({ value: r.value!, count: r.count })))
      if (read < sample) return values
      const chosen = new Set(p[f].map((v) => v.toLowerCase()))
      const chosenCount = values.filter((v) => chosen.has(v.value.toLowerCase())).reduce((sum, v) => sum + v.count, 0)
      return scaled(values, chosenCount > 0 ? total / chosenCount : total / read)
    }
    const facets = { type: await facet('type', 3), resolution: await facet('resolution', 5), language: await facet('language', 6) }
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
      await tx.query('insert into public.search_history (profile_id, query) values ($1, $2)', [ctx.profileId, p.q.trim().slice(0, 200)])
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

/** URL query → search parameters; anything unreadable is dropped rather than failing the page. */
export function searchParamsFrom(url: URL): SearchParams {
  const raw: Record<string, unknown> = {}
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key).filter((v) => v !== '')
    if (values.length) raw[key] = values.length > 1 || key === 'type' || key === 'resolution' || key === 'language' ? values : values[0]
  }
  const parsed = SearchParamsSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  // Keep what is valid, key by key.
  const kept: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(raw)) if (SearchParamsSchema.safeParse({ [k]: v }).success) kept[k] = v
  return SearchParamsSchema.parse(kept)
}
