/**
 * The XML-bomb check shared by every XML the node parses whole (feeds, OPML, XSPF): a DOCTYPE
 * with an internal subset that declares entities is refused before a parser sees it. Real feeds
 * and playlists never need one; the billion-laughs and external-entity attacks always do.
 * (The XMLTV parser streams with saxes and makes the same check in its doctype handler.)
 */
export function declaresEntities(text: string): boolean {
  const doctype = text.search(/<!DOCTYPE/i)
  if (doctype < 0) return false
  // The internal subset ends at the first "]>" after the DOCTYPE; an entity declared anywhere up to there counts.
  const end = text.indexOf(']>', doctype)
  const subset = text.slice(doctype, end < 0 ? doctype + 64 * 1024 : end)
  return /<!ENTITY/i.test(subset)
}
