/**
 * Search step 5b, typos: when neither the words nor the prefix find anything, each word is
 * replaced by the catalog's most similar words (trigram distance, pg_trgm's `%`) and searched
 * again. A profile with a rating ceiling is corrected only to words of titles it may see.
 */
import type pg from 'pg'
import { SEARCHED_VIEWS, type SearchedView } from './plan.ts'
import { lexeme, wordsToCorrect } from './text-query.ts'

/** The corrected search as a tsquery and as words for "showing results for …"; null when no word has a near one. */
export async function correctedQuery(tx: pg.Client, q: string, view: SearchedView): Promise<{ fuzzy: string; correctedTo: string } | null> {
  const words = wordsToCorrect(q)
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
  if (!corrected.length) return null
  return { fuzzy: corrected.map((r) => `(${r.similar.map(lexeme).join(' | ')})`).join(' & '), correctedTo: corrected.map((r) => r.similar[0]).join(' ') }
}
