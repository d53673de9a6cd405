/**
 * Whether a Live TV programme fits a profile's rating ceiling (a kids profile's G or PG). XMLTV
 * ratings come in many systems — US TV (TV-Y … TV-MA), MPAA (G … NC-17), and the numeric ages of
 * European guides (0, 6, 12, 16, 18; FSK, PEGI-style) — mapped here onto one scale. A programme
 * without a rating, or with one we cannot read, fits: its channel group was allowed by an adult,
 * and the rating only narrows that.
 */
const SCALE = ['G', 'PG', 'PG-13', 'R', 'NC-17'] as const

const RANK: Record<string, number> = {
  'TV-Y': 0,
  'TV-Y7': 0,
  'TV-Y7-FV': 0,
  'TV-G': 0,
  G: 0,
  U: 0,
  'TV-PG': 1,
  PG: 1,
  'TV-14': 2,
  'PG-13': 2,
  'TV-MA': 3,
  R: 3,
  'NC-17': 4,
  X: 4,
}

/** A rating's place on the G … NC-17 scale, or null when it is not one we read. */
export function ratingRank(rating: string | null | undefined): number | null {
  if (!rating) return null
  const r = rating.trim().toUpperCase().replace(/\s+/g, '')
  if (r in RANK) return RANK[r]!
  const age = /^(?:FSK|PEGI|AGE)?-?(\d{1,2})\+?$/.exec(r)?.[1]
  if (age === undefined) return null
  const n = Number(age)
  return n <= 6 ? 0 : n <= 10 ? 1 : n <= 14 ? 2 : n <= 17 ? 3 : 4
}

export function fitsCeiling(rating: string | null | undefined, ceiling: string | null | undefined): boolean {
  if (!ceiling) return true
  const max = SCALE.indexOf(ceiling as (typeof SCALE)[number])
  const rank = ratingRank(rating)
  return max < 0 || rank === null || rank <= max
}

export const WITHHELD_TITLE = 'Not shown on this profile'
