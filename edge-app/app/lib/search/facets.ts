/**
 * Search step 5c, the filters' counts: exact while the candidates hold every match, else
 * counted over the best-seeded matches and scaled to the estimated total (marked as estimates).
 */
import type pg from 'pg'
import type { SearchParams } from './params.ts'
import type { SearchedView } from './plan.ts'
import { FACET_SAMPLE, facetQuery, filtered, type Facet, type FacetName } from './sql.ts'
import type { MatchMode } from './text-query.ts'

/** The first statement's facet rows: grouping() bits (content_type 4, resolution 2, language 1), value, count. */
export type FoundGroups = Array<{ g: number; value: string | null; count: number }> | null

export interface FacetInput {
  p: SearchParams
  mode: MatchMode
  view: SearchedView
  /** The first statement's groups, over its candidates. */
  groups: FoundGroups
  /** Matches among the candidates, and the search's total (estimated past the candidates). */
  n: number
  total: number
  /** More matches than candidates: the counts are estimates. */
  many: boolean
  cap: number
}

const top = (rows: Facet): Facet => rows.sort((a, c) => c.count - a.count || a.value.localeCompare(c.value)).slice(0, 20)
const scaled = (rows: Facet, scale: number): Facet => rows.map((v) => ({ value: v.value, count: Math.max(1, Math.round(v.count * scale)) }))

export async function facetCounts(tx: pg.Client, input: FacetInput): Promise<Record<FacetName, Facet>> {
  const { p, mode, view, groups, n, total, many, cap } = input
  // A facet whose filter is not set counts the candidates: every match, or past them the best-seeded, scaled.
  const grouped = (g: number): Facet => {
    const rows = top((groups ?? []).filter((r) => r.g === g && r.value !== null).map((r) => ({ value: r.value!, count: r.count })))
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
  return { type: await facet('type', 3), resolution: await facet('resolution', 5), language: await facet('language', 6) }
}
