/**
 * Catalog search: words, "quoted phrases", -excluded words (websearch syntax, which never fails
 * to parse), the last word as a prefix while typing, typo tolerance by trigram similarity when
 * the words find nothing, filters with counts (facets), four sort orders and keyset pagination.
 * Runs as the person (RLS hides what their profile may not see, adult titles included) — one
 * code path for the search page and `GET /api/search`.
 */
import { z } from 'zod'
import type { RequestDb } from './db.server.ts'
import type { ProfileContext } from './profile-data.server.ts'

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
  /** Totals past EXACT_UP_TO are PostgreSQL's estimate, not a count: `estimate` says so. */
  total: { count: number; estimate: boolean }
  /** `estimate`: counted over the first EXACT_UP_TO + 1 matches and scaled to the estimated total. */
  facets: { type: Array<{ value: string; count: number }>; resolution: Array<{ value: string; count: number }>; language: Array<{ value: string; count: number }>; estimate: boolean }
  /** Where the next page starts; null on the last page. */
  next: string | null
  /** 'words' when the words matched, 'fuzzy' when only similar names did. */
  matchedBy: 'words' | 'fuzzy' | 'all'
}

/**
 * Up to this many matches a search counts exactly and its facets are exact. Past it (a head term:
 * `the`, `1080p`, `love`), counting every match is what made searches slow — each match is a
 * random heap read — so the total is PostgreSQL's own estimate of the matches (EXPLAIN, no
 * execution) and the facets are those of the first EXACT_UP_TO + 1 matches scaled to it, all
 * marked as estimates; and relevance orders the EXACT_UP_TO best-seeded matches (other sorts
 * page through everything by their indexes).
 */
const EXACT_UP_TO = 1_000
/**
 * What a person searches: the catalog as their profile may see it, as a view whose filter the
 * planner can combine with the search (the table's own policy would keep every non-leakproof
 * search operator off the indexes; see the view's migration).
 */
const SEARCHED = 'catalog.visible_torrents'

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
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url')
function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as Cursor
    return (typeof c.v === 'number' || typeof c.v === 'string') && typeof c.h === 'string' && /^[0-9a-f]{40}$/.test(c.h) ? c : null
  } catch {
    return null
  }
}

/** One query's parameters: each statement gets its own list, numbered from $1. */
class Params {
  readonly values: unknown[] = []
  arg(v: unknown, type: string): string {
    return `$${this.values.push(v)}::${type}`
  }
}

/** The text condition, its rank and the filters (one of them left out for its own facet). */
function conditions(b: Params, p: SearchParams, fuzzy: boolean, skip?: 'type' | 'resolution' | 'language') {
  const { web, prefix } = textQuery(p.q)
  const hasText = p.q.trim() !== ''
  let text = 'true'
  let rank = '0'
  if (hasText && fuzzy) {
    const q = b.arg(p.q.trim().replace(/["-]/g, ' '), 'text')
    // The <% operator (word similarity above pg_trgm.word_similarity_threshold) can use the trigram index.
    text = `${q} operator(extensions.<%) t.name`
    rank = `extensions.word_similarity(${q}, t.name)`
  } else if (hasText) {
    const parts: string[] = []
    if (web) parts.push(`websearch_to_tsquery('simple', ${b.arg(web, 'text')})`)
    if (prefix) parts.push(`to_tsquery('simple', ${b.arg(`${prefix}:*`, 'text')})`)
    const tsquery = `(${parts.join(' && ')})`
    text = `t.search_vector @@ ${tsquery}`
    rank = `ts_rank(t.search_vector, ${tsquery})`
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

const SORTS = {
  relevance: { key: (rank: string) => `(${rank})::float8`, type: 'float8' },
  seeders: { key: () => 'coalesce(t.seeders, -1)::float8', type: 'float8' },
  size: { key: () => 't.size_bytes::float8', type: 'float8' },
  date: { key: () => 't.discovered_at', type: 'timestamptz' },
} as const

/**
 * The statement of one page of results (exported so tests can EXPLAIN exactly what runs).
 *
 * `bounded`: the words match more than `candidates` torrents (a head term: `the`, `1080p`).
 * Ranking every match by relevance is what makes such searches slow (hundreds of thousands of
 * ts_rank calls), so relevance then orders the `candidates` best-seeded matches — found through
 * the seeders index — rather than all of them: the popular versions of what was asked for, which
 * is what a person looking for "the" wants to see first. Pages stay consistent: the candidate set
 * is the same for every page.
 */
export function pageQuery(p: SearchParams, fuzzy: boolean, bounded = false, candidates = EXACT_UP_TO): { text: string; values: unknown[] } {
  const page = new Params()
  const c = conditions(page, p, fuzzy)
  const sort = SORTS[p.sort]
  const key = sort.key(c.rank)
  const cursor = decodeCursor(p.after)
  let after = 'true'
  if (cursor && typeof cursor.v === (sort.type === 'timestamptz' ? 'string' : 'number')) {
    const v = page.arg(cursor.v, sort.type)
    after = `(${key} < ${v} or (${key} = ${v} and t.info_hash > ${page.arg(cursor.h, 'text')}))`
  }
  const from =
    bounded && p.sort === 'relevance'
      ? `(select * from ${SEARCHED} t where ${c.where} order by ${SORTS.seeders.key()} desc, t.info_hash limit ${Math.floor(candidates)}) t where ${after}`
      : `${SEARCHED} t where ${c.where} and ${after}`
  return {
    text: `select t.info_hash as "infoHash", t.name, t.title, t.content_type as "contentType", t.year, t.resolution, t.size_bytes::float8 as "sizeBytes",
              t.seeders, t.discovered_at as "discoveredAt", ${key} as "sortValue"
         from ${from}
        order by ${key} desc, t.info_hash asc limit ${page.arg(p.limit + 1, 'int')}`,
    values: page.values,
  }
}

export function searchCatalog(db: RequestDb, ctx: ProfileContext, p: SearchParams, recordHistory = true, exactUpTo = EXACT_UP_TO): Promise<SearchResult> {
  const cap = Math.max(1, Math.floor(exactUpTo))
  return db.asPerson(ctx, async (tx) => {
    const hasText = p.q.trim() !== ''
    const cursor = decodeCursor(p.after)
    type Facet = Array<{ value: string; count: number }>
    // The count first (capped): past the cap the page and the facets bound their work.
    const countAndFacets = async (fuzzy: boolean): Promise<{ n: number; facets: { type: Facet; resolution: Facet; language: Facet } }> => {
      if (!p.type.length && !p.resolution.length && !p.language.length) {
        // No facet filter: the count and all three facets come from one scan of (at most
        // cap + 1) matches, grouped four ways — instead of four scans of every match.
        const b = new Params()
        const { rows: groups } = await tx.query<{ g: number; value: string | null; count: number }>(
          `select grouping(s.content_type, s.resolution, s.language)::int as g, coalesce(s.content_type, s.resolution, s.language) as value, count(*)::int as count
             from (select t.content_type, lower(t.resolution) as resolution, lower(t.language) as language
                     from ${SEARCHED} t where ${conditions(b, p, fuzzy).where} limit ${cap + 1}) s
            group by grouping sets ((s.content_type), (s.resolution), (s.language), ())`,
          b.values,
        )
        // grouping() bits: content_type 4, resolution 2, language 1; 7 is the total.
        const pick = (g: number): Facet =>
          groups
            .filter((r) => r.g === g && r.value !== null)
            .map((r) => ({ value: r.value!, count: r.count }))
            .sort((a, c) => c.count - a.count || a.value.localeCompare(c.value))
            .slice(0, 20)
        return { n: groups.find((r) => r.g === 7)?.count ?? 0, facets: { type: pick(3), resolution: pick(5), language: pick(6) } }
      } else {
        const counting = new Params()
        const { rows: counted } = await tx.query<{ n: number }>(
          `select count(*)::int as n from (select 1 from ${SEARCHED} t where ${conditions(counting, p, fuzzy).where} limit ${cap + 1}) c`,
          counting.values,
        )
        const n = counted[0]?.n ?? 0
        // Each facet leaves out its own filter; exact up to the cap, past it counted over the first
        // cap + 1 matches (scaled below) and marked as estimates (the page shows them as such).
        const facet = async (column: 'content_type' | 'resolution' | 'language', skip: 'type' | 'resolution' | 'language') => {
          const fb = new Params()
          const value = column === 'content_type' ? 't.content_type' : `lower(t.${column})`
          return (
            await tx.query<{ value: string; count: number }>(
              // The limit bounds the matches read, whatever share of them has a value: a facet
              // most torrents leave empty (language) must not read every match to find cap + 1.
              `select value, count(*)::int as count from (
                 select ${value} as value from ${SEARCHED} t
                  where ${conditions(fb, p, fuzzy, skip).where} limit ${cap + 1}) f
                where value is not null group by 1 order by 2 desc, 1 limit 20`,
              fb.values,
            )
          ).rows
        }
        return { n, facets: { type: await facet('content_type', 'type'), resolution: await facet('resolution', 'resolution'), language: await facet('language', 'language') } }
      }
    }
    // Words first; only if they find nothing, names that look alike (typos). The count doubles as
    // the "found anything?" probe.
    let fuzzy = false
    let { n, facets } = await countAndFacets(false)
    if (hasText && n === 0) {
      fuzzy = true
      // One typo in a short word puts similarity near 0.55; pg_trgm's default (0.6) would miss it.
      await tx.query(`select set_config('pg_trgm.word_similarity_threshold', '0.5', true)`)
      ;({ n, facets } = await countAndFacets(true))
    }
    const matchedBy: SearchResult['matchedBy'] = !hasText ? 'all' : fuzzy ? 'fuzzy' : 'words'
    const many = n > cap
    let total = n
    if (many) {
      // PostgreSQL's estimate of all the matches (planning only), never below what was seen.
      const b = new Params()
      const { rows: plan } = await tx.query<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(
        `explain (format json) select 1 from ${SEARCHED} t where ${conditions(b, p, fuzzy).where}`,
        b.values,
      )
      total = Math.max(n, Math.round(plan[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? n))
      const scale = total / n
      const scaled = (f: Facet) => f.map((v) => ({ value: v.value, count: Math.max(1, Math.round(v.count * scale)) }))
      facets = { type: scaled(facets.type), resolution: scaled(facets.resolution), language: scaled(facets.language) }
    }
    const page = pageQuery(p, fuzzy, many, cap)
    const { rows } = await tx.query<SearchHit & { sortValue: number | Date }>(page.text, page.values)
    const more = rows.length > p.limit
    const hits = rows.slice(0, p.limit)

    if (recordHistory && hasText && !cursor) {
      await tx.query('insert into public.search_history (profile_id, query) values ($1, $2)', [ctx.profileId, p.q.trim().slice(0, 200)])
    }
    const last = rows[p.limit - 1]
    return {
      hits: hits.map(({ sortValue: _, ...h }) => h),
      total: { count: total, estimate: many },
      facets: { ...facets, estimate: many },
      next: more && last ? encodeCursor({ v: last.sortValue instanceof Date ? last.sortValue.toISOString() : last.sortValue, h: last.infoHash }) : null,
      matchedBy,
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
