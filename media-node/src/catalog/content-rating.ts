/**
 * Age ratings for the catalog. Profiles carry an MPAA-style ceiling (G, PG, PG-13, R, NC-17), so
 * every rating a metadata source gives is mapped onto that scale here, once, before it is
 * stored: the US TV Parental Guidelines (TV-Y … TV-MA), the common cinema systems that name an
 * age (BBFC U/PG/12A/15/18, FSK/PEGI-style numbers) and the explicit/clean flag of music stores.
 * What cannot be placed is `null` (unrated) — and an unrated title is hidden from every profile
 * with a ceiling (see the migration add_ratings_and_artists_to_catalog), so guessing low is never
 * the fallback. No maintained package maps these systems onto one scale; the table is small.
 */
import type pg from 'pg'

export const RATINGS = ['G', 'PG', 'PG-13', 'R', 'NC-17'] as const
export type ContentRating = (typeof RATINGS)[number]

const NAMED: Record<string, ContentRating> = {
  G: 'G',
  PG: 'PG',
  'PG-13': 'PG-13',
  PG13: 'PG-13',
  R: 'R',
  'NC-17': 'NC-17',
  NC17: 'NC-17',
  X: 'NC-17',
  // US TV Parental Guidelines
  'TV-Y': 'G',
  'TV-G': 'G',
  'TV-Y7': 'PG',
  'TV-Y7-FV': 'PG',
  'TV-PG': 'PG',
  'TV-14': 'PG-13',
  'TV-MA': 'R',
  // BBFC
  U: 'G',
  UC: 'G',
  '12A': 'PG-13',
  // music stores
  CLEAN: 'G',
  EXPLICIT: 'R',
}

/** An age as a minimum (FSK 0/6/12/16/18, PEGI, "15", "18+"): where it sits on the MPAA scale. */
function byAge(age: number): ContentRating {
  if (age <= 6) return 'G'
  if (age <= 11) return 'PG'
  if (age <= 14) return 'PG-13'
  if (age <= 17) return 'R'
  return 'NC-17'
}

/** A rating from any source on the profiles' scale, or null when it is not one we can place. */
export function normalizeRating(raw: string | null | undefined): ContentRating | null {
  if (typeof raw !== 'string') return null
  const key = raw.trim().toUpperCase().replace(/\s+/g, '-')
  if (!key || key.length > 16) return null
  const named = NAMED[key]
  if (named) return named
  const age = /^(?:FSK-?|PEGI-?|AGE-?)?(\d{1,2})\+?$/.exec(key)
  return age ? byAge(Number(age[1])) : null
}

/**
 * Gives every torrent of a title (same parsed title and year) its rating: what a metadata lookup
 * (TMDB's certification, say) calls once per title. Runs in the caller's service-role
 * transaction; returns how many torrents it changed.
 */
export async function rateTitle(tx: pg.ClientBase, title: string, year: number | null, rating: string): Promise<number> {
  const normalized = normalizeRating(rating)
  if (!normalized) throw new Error(`not a rating that can be placed on the G…NC-17 scale: ${JSON.stringify(rating)}`)
  const { rowCount } = await tx.query(
    `update catalog.torrents set content_rating = $3, updated_at = now()
      where lower(title) = lower($1) and year is not distinct from $2 and title is not null
        and content_rating is distinct from $3`,
    [title, year, normalized],
  )
  return rowCount ?? 0
}

/**
 * Torrents just written without a rating take the rating of another torrent of the same title and
 * year (a new 2160p release of a film rated PG is rated PG). Uses the (lower(title), year) index.
 */
export async function inheritTitleRatings(tx: pg.ClientBase, infoHashes: string[]): Promise<void> {
  if (infoHashes.length === 0) return
  await tx.query(
    `update catalog.torrents t set content_rating = r.content_rating
       from (select n.info_hash,
                    -- equality on year when there is one (indexable; "is not distinct from" is not),
                    -- through the index of rated titles only
                    (select o.content_rating from catalog.torrents o
                      where lower(o.title) = lower(n.title) and o.title is not null and o.content_rating is not null
                        and (o.year = n.year or (n.year is null and o.year is null))
                      limit 1) as content_rating
               from catalog.torrents n
              where n.info_hash = any($1::text[]) and n.content_rating is null and n.title is not null) r
      where t.info_hash = r.info_hash and r.content_rating is not null`,
    [infoHashes],
  )
}
