/**
 * The loopback feed host of `bench:feeds`: N feeds answering the mix a real refresh meets, by
 * feed number modulo 20 — 10 changed since last time (200, a new episode each fetch), 5
 * unchanged (304 to the ETag the refresher already has), 2 slow (200 after 1 s), 1 broken (500
 * or cut-off XML), 1 moved (301 to its new address), 1 that never answers (the refresher's time
 * limit ends it). Each body is a realistic 50-episode podcast feed (~45 KB).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export type FeedKind = 'changed' | 'unchanged' | 'slow' | 'broken' | 'moved' | 'stall'
export function kindOf(i: number): FeedKind {
  const k = i % 20
  return k < 10 ? 'changed' : k < 15 ? 'unchanged' : k < 17 ? 'slow' : k === 17 ? 'broken' : k === 18 ? 'moved' : 'stall'
}
/** The ETag a refresher holds from its last fetch of feed `i`. */
export const priorEtag = (i: number) => `"e${i}"`

const LOREM = 'In this episode we talk about swarms, seeds and the long tail of the internet, with listener questions and a short history of every protocol mentioned. '.repeat(3)

function body(i: number, fresh: number | null): string {
  const items: string[] = []
  const newest = fresh === null ? 0 : 1
  for (let n = 0; n < 50; n++) {
    const id = fresh !== null && n === 0 ? `f${i}-new-${fresh}` : `f${i}-ep-${50 - n + newest}`
    items.push(
      `<item><title>Episode ${id}</title><guid isPermaLink="false">${id}</guid><pubDate>${new Date(Date.UTC(2026, 10, 30) - n * 86_400_000).toUTCString()}</pubDate><description>${LOREM}</description><enclosure url="https://cdn.example.com/${id}.mp3" length="${30_000_000 + n}" type="audio/mpeg"/><itunes:duration>00:${String(20 + (n % 40)).padStart(2, '0')}:00</itunes:duration><itunes:episode>${50 - n}</itunes:episode><itunes:explicit>false</itunes:explicit></item>`,
    )
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Bench Feed ${i}</title><link>https://example.com/${i}</link><description>Feed ${i}</description><itunes:author>Bench</itunes:author><itunes:image href="https://example.com/${i}.jpg"/><podcast:guid>00000000-0000-5000-8000-${String(i).padStart(12, '0')}</podcast:guid>${items.join('')}</channel></rss>`
}

export async function startFeedServer(): Promise<{ base: string; server: Server; stop(): Promise<void> }> {
  let fresh = 0
  const server = createServer((req, res) => {
    const m = /^\/feed\/(\d+)(-new)?\.xml$/.exec(req.url ?? '')
    if (!m) return void res.writeHead(404).end()
    const i = Number(m[1])
    const kind = m[2] ? 'changed' : kindOf(i)
    const send = (b: string, etag: string) => res.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=utf-8', ETag: etag }).end(b)
    switch (kind) {
      case 'changed':
        return send(body(i, ++fresh), `"c${i}-${fresh}"`)
      case 'unchanged':
        if (req.headers['if-none-match'] === priorEtag(i)) return void res.writeHead(304, { ETag: priorEtag(i) }).end()
        return send(body(i, null), priorEtag(i))
      case 'slow':
        return void setTimeout(() => send(body(i, ++fresh), `"s${i}-${fresh}"`), 1000)
      case 'broken':
        if (i % 40 === 17) return void res.writeHead(500).end('Internal Server Error')
        return void res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(body(i, null).slice(0, 3000))
      case 'moved':
        return void res.writeHead(301, { Location: `/feed/${i}-new.xml` }).end()
      case 'stall':
        return // never answers
    }
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    base,
    server,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
