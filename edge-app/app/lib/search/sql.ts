/**
 * Search step 4, the statements: each SQL statement a search runs, built from its parameters,
 * match mode and view. Pure: text and values out, nothing run here.
 */
import type { SearchParams } from './params.ts'
import { decodeCursor } from './cursor.ts'
import { EXACT_UP_TO, SEARCH_LIMITS, SEARCHED_VIEWS, type SearchedView } from './plan.ts'
import { textQuery, type MatchMode } from './text-query.ts'

/** One query's parameters: each statement gets its own list, numbered from $1. */
class Params {
  readonly values: unknown[] = []
  constructor(readonly view: SearchedView) {}
  arg(v: unknown, type: string): string {
    return `$${this.values.push(v)}::${type}`
  }
}

export type Facet = Array<{ value: string; count: number }>
export type FacetName = 'type' | 'resolution' | 'language'

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
  if (skip !== 'resolution' && p.resolution.length)
    filters.push(
      `lower(t.resolution) = any(${b.arg(
        p.resolution.map((r) => r.toLowerCase()),
        'text[]',
      )})`,
    )
  if (skip !== 'language' && p.language.length)
    filters.push(
      `lower(t.language) = any(${b.arg(
        p.language.map((l) => l.toLowerCase()),
        'text[]',
      )})`,
    )
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

const SORT_KEYS = {
  relevance: { column: 'rank', type: 'float8' },
  seeders: { column: 'seeders_key', type: 'float8' },
  size: { column: 'size_key', type: 'float8' },
  date: { column: 'discovered_at', type: 'timestamptz' },
} as const
const BY_SEEDERS = 'm.seeders_key desc, m.info_hash'
export const filtered = (p: SearchParams, f: FacetName) => p[f].length > 0
/**
 * Past the candidates, the facets of a set filter are counted over this many of their matches
 * (leaving the filter out reads more of the index per match found; the counts are estimates
 * either way): as many as a head term's candidates.
 */
export const FACET_SAMPLE = SEARCH_LIMITS.headCandidates

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
