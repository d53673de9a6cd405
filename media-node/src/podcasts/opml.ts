/**
 * OPML subscription lists in and out (feedsmith parses and writes OPML 1.0/2.0). In: every
 * outline with an `xmlUrl`, nested category outlines flattened, addresses normalized, duplicates
 * and broken addresses counted and left out: an export of 10,000 outlines imports what is valid
 * and says what was not. Out: the standard `<outline type="rss" text title xmlUrl htmlUrl>`
 * that AntennaPod, Pocket Casts and Podcast Addict import.
 */
import { generateOpml, parseOpml } from 'feedsmith'
import { AppError } from '../errors.ts'
import { declaresEntities } from '../net/xml-guard.ts'
import { normalizeFeedUrl } from './feed-refresh.ts'

export interface OpmlImport {
  feeds: Array<{ url: string; title: string }>
  outlines: number
  duplicates: number
  invalid: number
}

interface OutlineLike {
  text?: string
  title?: string
  xmlUrl?: string
  outlines?: OutlineLike[]
}

export const OPML_MAX_OUTLINES = 20_000

export function parseSubscriptionOpml(text: string): OpmlImport {
  if (declaresEntities(text)) throw new AppError('invalid_input', 'The OPML file declares XML entities (the shape of an XML bomb); it is refused.')
  let opml: { body?: { outlines?: OutlineLike[] } }
  try {
    opml = parseOpml(text) as typeof opml
  } catch {
    throw new AppError('invalid_input', 'That file is not OPML (a subscription export from a podcast app).')
  }
  const out: OpmlImport = { feeds: [], outlines: 0, duplicates: 0, invalid: 0 }
  const seen = new Set<string>()
  const walk = (list: OutlineLike[] | undefined, depth: number) => {
    for (const o of list ?? []) {
      if (o.xmlUrl !== undefined) {
        out.outlines++
        if (out.outlines > OPML_MAX_OUTLINES) throw new AppError('invalid_input', `The OPML file lists more than ${OPML_MAX_OUTLINES} feeds; split it.`)
        let url: string
        try {
          url = normalizeFeedUrl(o.xmlUrl)
        } catch {
          out.invalid++
          continue
        }
        if (seen.has(url)) {
          out.duplicates++
          continue
        }
        seen.add(url)
        out.feeds.push({ url, title: (o.title ?? o.text ?? '').trim().slice(0, 500) || new URL(url).hostname })
      }
      if (o.outlines && depth < 8) walk(o.outlines, depth + 1)
    }
  }
  walk(opml.body?.outlines, 0)
  if (!out.outlines) throw new AppError('invalid_input', 'The OPML file lists no feeds.')
  return out
}

export function subscriptionOpml(feeds: Array<{ url: string; title: string; link: string | null }>, title = 'BitTorrented podcast subscriptions', now = new Date()): string {
  return generateOpml({
    head: { title, dateCreated: now },
    body: { outlines: feeds.map((f) => ({ text: f.title, title: f.title, type: 'rss', xmlUrl: f.url, ...(f.link ? { htmlUrl: f.link } : {}) })) },
  } as Parameters<typeof generateOpml>[0])
}
