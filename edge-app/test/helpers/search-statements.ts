/** Every statement a search may run, so tests EXPLAIN exactly what runs (built by the same functions). */
import { EXACT_UP_TO, headCap, SEARCH_LIMITS, type SearchedView } from '../../app/lib/search/plan.ts'
import type { SearchParams } from '../../app/lib/search/params.ts'
import { estimateQuery, facetQuery, filtered, firstQuery, pageQuery, type FacetName } from '../../app/lib/search/sql.ts'
import type { MatchMode } from '../../app/lib/search/text-query.ts'

const FACETS: FacetName[] = ['type', 'resolution', 'language']

export function searchStatements(p: SearchParams, mode: MatchMode, view: SearchedView, cap = EXACT_UP_TO): Array<{ label: string; text: string; values: unknown[] }> {
  return [
    { label: 'first', ...firstQuery(p, mode, cap, view) },
    { label: 'first (head term)', ...firstQuery(p, mode, headCap(cap, SEARCH_LIMITS.headCandidates), view) },
    ...FACETS.filter((f) => filtered(p, f)).map((f) => ({ label: `facet ${f}`, ...facetQuery(p, mode, f, cap + 1, view) })),
    { label: 'estimate', ...estimateQuery(p, mode, view) },
    { label: 'page', ...pageQuery(p, mode, view) },
  ]
}
