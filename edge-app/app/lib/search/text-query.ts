/**
 * Search step 2, the words: how a query's text becomes tsquery input — the websearch part, the
 * last word as a prefix while typing, the words a typo correction looks up, and how a corrected
 * word is quoted.
 */

/**
 * How a search's text is matched, tried in this order until one finds something: `words` (every
 * word as typed), `prefix` (while typing, the last word as a prefix: `guard` → Guardians), and
 * `{ fuzzy }` (typos: each word replaced by the catalog's most similar words, `hercles` →
 * hercules, searched as words; `fuzzy` is that tsquery). A finished word is not widened to a
 * prefix when it matches as it is: widening a common word (`love:*`) makes GIN collect every
 * torrent of every word it begins, ~70 ms at 10M torrents on each keystroke, for results the
 * person did not ask for.
 */
export type MatchMode = 'words' | 'prefix' | { fuzzy: string }

/** The words of a query to correct: as to_tsvector('simple') would split them, excluded ones left out. */
export function wordsToCorrect(q: string): string[] {
  const kept = q
    .split(/\s+/)
    .filter((w) => !w.startsWith('-'))
    .join(' ')
    .toLowerCase()
  return [...new Set(kept.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 2 && w.length <= 64))].slice(0, 8)
}

/** A lexeme as tsquery input: quoted, its quotes and backslashes escaped. */
export const lexeme = (w: string) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`

/** The search text as parameters: the websearch part and, while typing, the last word as a prefix. */
export function textQuery(q: string): { web: string; prefix: string | null } {
  const trimmed = q.trim()
  const typing = /[\p{L}\p{N}]$/u.test(q) && !/"[^"]*$/.test(trimmed.replace(/"[^"]*"/g, ''))
  const words = trimmed.split(/\s+/)
  const last = words.at(-1) ?? ''
  const prefixWord = typing && !last.startsWith('-') && !last.includes('"') ? last.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '') : ''
  if (!prefixWord) return { web: trimmed, prefix: null }
  return { web: words.slice(0, -1).join(' '), prefix: prefixWord }
}
