/**
 * Search step 1, the request: what a search may ask (zod), read from a URL's query. Everything
 * after this reads SearchParams only.
 */
import { z } from 'zod'

export const CONTENT_TYPES = ['movie', 'tv_episode', 'tv_season', 'music_album', 'music_track', 'ebook', 'audiobook', 'comic', 'podcast', 'software', 'other'] as const
const list = <T extends z.ZodTypeAny>(item: T) => z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(20))

export const SearchParamsSchema = z.object({
  q: z.string().max(200).default(''),
  type: list(z.enum(CONTENT_TYPES)),
  resolution: list(
    z
      .string()
      .regex(/^(\d{3,4}p|4k)$/i)
      .max(8),
  ),
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
