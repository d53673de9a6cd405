/** Catalog search (see search-catalog.ts for the steps). */
export { CONTENT_TYPES, SearchParamsSchema, searchParamsFrom, type SearchParams } from './params.ts'
export type { MatchMode } from './text-query.ts'
export { SEARCH_LIMITS, SEARCHED_VIEWS, searchedViewFor, type SearchContext, type SearchedView, type SearchLimits } from './plan.ts'
export { estimateQuery, facetQuery, firstQuery, pageQuery } from './sql.ts'
export { searchCatalog, type SearchHit, type SearchResult } from './search-catalog.ts'
