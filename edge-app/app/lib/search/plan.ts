/**
 * Search step 3, the plan: how much of the matches a search reads (its candidates), and which
 * view of the catalog the person searches.
 */
import type { ProfilePerson } from '../person.ts'

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
export const EXACT_UP_TO = SEARCH_LIMITS.exactUpTo
/** The candidates of a search expected to be a head term: headCandidates, never more than the cap. */
export const headCap = (cap: number, headCandidates: number) => Math.max(1, Math.min(cap, Math.floor(headCandidates)))
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
