/**
 * Podcasts and radio on the media node, against the loopback audio service (Podcast Index,
 * iTunes, Radio Browser, feeds, enclosures, ICY streams) and a real database: directory search
 * merged, a feed added and refreshed with conditional GET, moves followed once, failures backed
 * off, OPML in and out, enclosures with byte ranges, chapters and transcripts, stations with
 * ICY titles taken out of the audio, and the bad inputs (SSRF, XML bombs, silent streams).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import type pg from 'pg'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { episodeResource, feedResource, PODCASTS_RESOURCE, RADIO_RESOURCE, signUrl, stationResource } from '@bittorrented/common'
import { connect, createMigratedDatabase, type TestDatabase, testTarget } from '@bittorrented/db/test-helpers'
import { freePort } from '@bittorrented/scripts/free-port'
import { FIXTURE_FEEDS, ICY_METAINT, PODCAST_INDEX_KEY, PODCAST_INDEX_SECRET, startAudioFixture, type AudioFixture } from '../src/demo/audio-fixture.ts'
import { createApp } from '../src/http/app.ts'
import { PodcastDirectory } from '../src/podcasts/directory.ts'
import { addFeed, FeedRefresher, refreshFeed, type FeedLimits } from '../src/podcasts/feed-refresh.ts'
import { RadioBrowser } from '../src/radio/radio-browser.ts'
import { createTestEngine } from './helpers/test-engine.ts'

const log = pino({ level: 'silent' })
const signingKey = 'p'.repeat(48)
const owner = '00000000-0000-4000-8000-0000000000cc'
let work: string
let db: TestDatabase
let client: pg.Client
let fixture: AudioFixture
let limits: FeedLimits
let server: ServerType
let base: string
let engine: ReturnType<typeof createTestEngine>
let profileId: string
/** A second loopback server for the odd cases (moves, bombs, silence), allowed like the fixture. */
let odd: Server
let oddBase: string
const oddRoutes = new Map<string, (res: import('node:http').ServerResponse) => void>()

const withClient = <T>(fn: (c: pg.ClientBase) => Promise<T>) => fn(client)

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bt-audio-'))
  db = await createMigratedDatabase()
  client = await connect(db.url)
  fixture = await startAudioFixture({ port: 0, workDir: work })
  odd = createServer((req, res) => {
    const route = oddRoutes.get(req.url ?? '')
    if (route) route(res)
    else res.writeHead(404).end()
  })
  await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r))
  oddBase = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`
  limits = { maxBytes: 2 << 20, timeoutMs: 5_000, allow: new Set([new URL(fixture.url).host, new URL(oddBase).host]), intervalMinutes: 60 }
  await client.query(`insert into auth.users (id, aud, role, email) values ($1, 'authenticated', 'authenticated', 'pod@example.com')`, [owner])
  const account = (await client.query<{ id: string }>('select id from public.accounts where owner_id = $1', [owner])).rows[0]!.id
  profileId = (await client.query<{ id: string }>(`insert into public.profiles (account_id, name) values ($1, 'Listener') returning id`, [account])).rows[0]!.id
  engine = createTestEngine({ cacheDir: join(work, 'cache') })
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  const app = createApp({
    withDb: async (fn) => fn(client),
    signingKey,
    log,
    engine,
    audio: {
      podcasts: {
        withClient,
        limits,
        directory: new PodcastDirectory({
          podcastIndex: { baseUrl: `${fixture.url}/api/1.0`, key: PODCAST_INDEX_KEY, secret: PODCAST_INDEX_SECRET },
          itunesBaseUrl: fixture.url,
          allow: limits.allow,
          timeoutMs: 5_000,
        }),
      },
      radio: {
        withClient,
        selfUrl: base,
        signingKey,
        radioBrowser: new RadioBrowser({ baseUrls: [fixture.url], allow: limits.allow, timeoutMs: 5_000 }),
        allow: limits.allow,
        timeoutMs: 5_000,
        firstAudioMs: 1_500,
      },
    },
  })
  server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
}, 90_000)

afterAll(async () => {
  server?.close()
  odd?.close()
  odd?.closeAllConnections()
  await engine?.destroy()
  await fixture?.stop()
  await client?.end()
  await db?.drop()
  if (work) await rm(work, { recursive: true, force: true })
})

const sign = (path: string, resource: string, method = 'GET') => signUrl({ secret: signingKey, method, url: `${base}${path}`, subject: { userId: owner, profileId, resource }, ttlSeconds: 600 })
/** Query parameters are choices, not part of the grant: they go after the signature (as the edge's client does). */
const withQuery = async (signed: Promise<string>, query: Record<string, string>) => {
  const u = new URL(await signed)
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v)
  return u.toString()
}
const feedUrl = (slug: string) => `${fixture.url}/feeds/${slug}.xml`

describe(`podcasts on the media node (${testTarget()})`, () => {
  test('directory search asks Podcast Index (signed) and iTunes at once and merges them by feed', async () => {
    const res = await fetch(await withQuery(sign('/v1/podcasts/search', PODCASTS_RESOURCE), { q: 'loopback news' }))
    expect(res.status).toBe(200)
    const body = (await res.json()) as { podcasts: Array<{ title: string; sources: string[]; feedUrl: string }>; unavailable: string[] }
    expect(body.unavailable).toEqual([])
    const hour = body.podcasts.filter((p) => p.title === 'The Loopback Hour')
    expect(hour).toHaveLength(1)
    expect(hour[0]!.sources.sort()).toEqual(['itunes', 'podcastindex'])
    // Only iTunes knows The Checksum; the Apple-only result without a feed URL is left out.
    expect(body.podcasts.find((p) => p.title === 'The Checksum')?.sources).toEqual(['itunes'])
    expect(body.podcasts.some((p) => p.title.includes('Apple exclusive'))).toBe(false)
  })

  test('a wrong Podcast Index secret: iTunes still answers and the result says which directory did not', async () => {
    const directory = new PodcastDirectory({
      podcastIndex: { baseUrl: `${fixture.url}/api/1.0`, key: PODCAST_INDEX_KEY, secret: 'wrong' },
      itunesBaseUrl: fixture.url,
      allow: limits.allow,
      timeoutMs: 5_000,
    })
    const answer = await directory.search('loopback')
    expect(answer.unavailable).toEqual(['Podcast Index did not answer.'])
    expect(answer.podcasts.map((p) => p.sources)).toContainEqual(['itunes'])
  })

  test('a feed added by address is fetched at once: show, episodes, chapters and transcripts', async () => {
    const added = await addFeed(withClient, feedUrl('loopback-hour'), limits)
    expect(added.created).toBe(true)
    const feed = (await client.query('select title, author, podcast_guid, categories, image_url, extras from catalog.podcast_feeds where id = $1', [added.feedId])).rows[0]
    expect(feed).toMatchObject({ title: 'The Loopback Hour', author: 'BitTorrented Demo', podcast_guid: FIXTURE_FEEDS[0]!.guid, categories: ['Technology'] })
    expect(feed.extras.fundings?.[0]?.display).toBe('Support the show')
    const episodes = (
      await client.query('select guid, duration_s, season, episode, explicit, chapters_url, transcripts from catalog.podcast_episodes where feed_id = $1 order by episode', [added.feedId])
    ).rows
    expect(episodes.map((e) => [e.guid, e.duration_s, e.episode, e.explicit])).toEqual([
      ['loopback-hour-1', 75, 1, false],
      ['loopback-hour-2', 75, 2, true],
      ['loopback-hour-3', 75, 3, false],
    ])
    expect(episodes[0].chapters_url).toContain('/chapters/loopback-hour-1.json')
    expect(episodes[1].transcripts[0]).toMatchObject({ type: 'application/x-subrip', language: 'en' })
    // The same address again: the catalog's feed, not a second one.
    expect(await addFeed(withClient, feedUrl('loopback-hour'), limits)).toEqual({ feedId: added.feedId, created: false })
  })

  test('a refresh sends the ETag back and a 304 changes nothing but the fetch state', async () => {
    const feed = (await client.query('select id::float8 as id, url, etag, last_modified, error_count from catalog.podcast_feeds where url = $1', [feedUrl('loopback-hour')])).rows[0]
    expect(feed.etag).toMatch(/^"/)
    fixture.feedRequests.length = 0
    expect(await refreshFeed(client, feed, limits)).toEqual({ state: 'not_modified', movedTo: null })
    expect(fixture.feedRequests).toEqual([{ slug: 'loopback-hour', ifNoneMatch: feed.etag }])
    expect((await client.query('select last_fetch_state from catalog.podcast_feeds where id = $1', [feed.id])).rows[0].last_fetch_state).toBe('not_modified')
  })

  test('the refresher takes only feeds somebody subscribes to, and records the result per feed', async () => {
    const other = await addFeed(withClient, feedUrl('seeds-and-soil'), limits)
    const hour = (await client.query('select id from catalog.podcast_feeds where url = $1', [feedUrl('loopback-hour')])).rows[0].id
    await client.query('update catalog.podcast_feeds set next_fetch_at = now() - interval $$1 minute$$')
    await client.query('insert into public.podcast_subscriptions (profile_id, feed_id) values ($1, $2)', [profileId, hour])
    const refresher = new FeedRefresher({ withClient, limits })
    expect(await refresher.tick()).toBe(1)
    const states = (await client.query('select id::float8 as id, last_fetch_state, next_fetch_at > now() as later from catalog.podcast_feeds where id in ($1, $2) order by id', [hour, other.feedId]))
      .rows
    expect(states.find((s) => Number(s.id) === Number(hour))).toMatchObject({ last_fetch_state: 'not_modified', later: true })
    expect(states.find((s) => s.id === other.feedId)).toMatchObject({ later: false })
  })

  test('a 301 moves the feed once and records where it was; a 302 is followed but not recorded', async () => {
    oddRoutes.set('/moved.xml', (res) => res.writeHead(301, { Location: feedUrl('the-checksum') }).end())
    oddRoutes.set('/temporary.xml', (res) => res.writeHead(302, { Location: feedUrl('little-signals') }).end())
    const moved = await addFeed(withClient, `${oddBase}/moved.xml`, limits)
    expect((await client.query('select url, moved_from from catalog.podcast_feeds where id = $1', [moved.feedId])).rows[0]).toEqual({
      url: feedUrl('the-checksum'),
      moved_from: `${oddBase}/moved.xml`,
    })
    // Pasting the old address again finds the moved feed.
    expect((await addFeed(withClient, `${oddBase}/moved.xml`, limits)).feedId).toBe(moved.feedId)
    const temporary = await addFeed(withClient, `${oddBase}/temporary.xml`, limits)
    expect((await client.query('select url, moved_from from catalog.podcast_feeds where id = $1', [temporary.feedId])).rows[0]).toEqual({ url: `${oddBase}/temporary.xml`, moved_from: null })
  })

  test('itunes:new-feed-url moves the feed to its new address on refresh', async () => {
    const old = `${oddBase}/old-home.xml`
    const fixtureFeed = await (await fetch(feedUrl('little-signals'))).text()
    oddRoutes.set('/old-home.xml', (res) =>
      res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(fixtureFeed.replace('<language>', `<itunes:new-feed-url>${oddBase}/new-home.xml</itunes:new-feed-url><language>`)),
    )
    const { feedId } = await addFeed(withClient, old, limits)
    const row = (await client.query('select id::float8 as id, url, etag, last_modified, error_count from catalog.podcast_feeds where id = $1', [feedId])).rows[0]
    const outcome = await refreshFeed(client, row, limits)
    expect(outcome).toMatchObject({ state: 'ok', movedTo: `${oddBase}/new-home.xml` })
    expect((await client.query('select url, moved_from from catalog.podcast_feeds where id = $1', [feedId])).rows[0]).toEqual({ url: `${oddBase}/new-home.xml`, moved_from: old })
  })

  test('a failing feed backs off (15 min, then 30) with the reason, and keeps its episodes', async () => {
    const { feedId } = (await client.query('select id as "feedId" from catalog.podcast_feeds where url = $1', [`${oddBase}/new-home.xml`])).rows[0]
    const before = (await client.query('select count(*)::int as n from catalog.podcast_episodes where feed_id = $1', [feedId])).rows[0].n
    for (const wait of [15, 30]) {
      const row = (await client.query('select id::float8 as id, url, etag, last_modified, error_count from catalog.podcast_feeds where id = $1', [feedId])).rows[0]
      expect(await refreshFeed(client, row, limits)).toEqual({ state: 'failed', message: 'The feed is gone (the server says it no longer exists).' })
      const after = (await client.query(`select error_count, round(extract(epoch from next_fetch_at - now()) / 60)::int as minutes from catalog.podcast_feeds where id = $1`, [feedId])).rows[0]
      expect(after.minutes).toBe(wait)
    }
    expect((await client.query('select count(*)::int as n from catalog.podcast_episodes where feed_id = $1', [feedId])).rows[0].n).toBe(before)
  })

  test('bad feeds: SSRF, an XML bomb, something that is not a feed, a feed too large', async () => {
    await expect(addFeed(withClient, 'http://127.0.0.1:9/feed.xml', limits)).rejects.toThrow(/this machine/)
    await expect(addFeed(withClient, 'http://169.254.169.254/latest/meta-data', limits)).rejects.toThrow(/link-local/)
    await expect(addFeed(withClient, 'file:///etc/passwd', limits)).rejects.toThrow(/http/)
    oddRoutes.set('/bomb.xml', (res) =>
      res
        .writeHead(200, { 'Content-Type': 'application/rss+xml' })
        .end(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><title>&b;</title></channel></rss>`),
    )
    await expect(addFeed(withClient, `${oddBase}/bomb.xml`, limits)).rejects.toThrow(/XML bomb/)
    oddRoutes.set('/page.html', (res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><html><body>Hello</body></html>'))
    await expect(addFeed(withClient, `${oddBase}/page.html`, limits)).rejects.toThrow(/podcast feed/)
    oddRoutes.set('/huge.xml', (res) => res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(`<rss><channel><title>${'x'.repeat(3 << 20)}</title></channel></rss>`))
    await expect(addFeed(withClient, `${oddBase}/huge.xml`, limits)).rejects.toThrow(/larger than 2 MB/)
  })

  test('OPML in: 10,000 outlines with duplicates and broken addresses import what is valid; OPML out lists the subscriptions', async () => {
    const outlines = Array.from({ length: 10_000 }, (_, i) =>
      i % 10 === 0 ? '<outline type="rss" text="Broken" xmlUrl="not a url"/>' : `<outline type="rss" text="Feed ${i % 5000}" xmlUrl="https://feeds.example.com/${i % 5000}.xml"/>`,
    )
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>Export</title></head><body><outline text="Podcasts">${outlines.join('')}</outline></body></opml>`
    const res = await fetch(await sign('/v1/podcasts/opml', PODCASTS_RESOURCE, 'POST'), { method: 'POST', body: opml, headers: { 'Content-Type': 'text/x-opml' } })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { feedIds: number[]; outlines: number; duplicates: number; invalid: number }
    expect(body.outlines).toBe(10_000)
    expect(body.invalid).toBe(1000)
    expect(body.feedIds).toHaveLength(4500)
    expect(body.duplicates).toBe(4500)
    const exported = await (await fetch(await sign('/v1/podcasts/subscriptions.opml', PODCASTS_RESOURCE))).text()
    expect(exported).toContain(`<outline text="The Loopback Hour" type="rss" xmlUrl="${feedUrl('loopback-hour')}"`)
    expect(exported).toMatch(/^<\?xml[^>]*>\s*<opml version="2.0">/)
  })

  test('an episode’s audio through the node with byte ranges, and its chapters and transcript parsed', async () => {
    const ep = (await client.query<{ id: string }>(`select id from catalog.podcast_episodes where guid = 'loopback-hour-2'`)).rows[0]!.id
    const audio = await sign(`/v1/podcasts/episodes/${ep}/audio`, episodeResource(Number(ep)))
    const ranged = await fetch(audio, { headers: { Range: 'bytes=100-199' } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get('content-range')).toMatch(/^bytes 100-199\/\d+$/)
    expect((await ranged.arrayBuffer()).byteLength).toBe(100)
    // Another episode's signature is no grant for this one.
    expect((await fetch(await sign(`/v1/podcasts/episodes/${ep}/audio`, episodeResource(Number(ep) + 1)))).status).toBe(403)
    const extras = (await (await fetch(await sign(`/v1/podcasts/episodes/${ep}/extras`, episodeResource(Number(ep))))).json()) as {
      chapters: Array<{ start: number; title: string }>
      transcript: { cues: Array<{ start: number; speaker?: string; text: string }> }
      problems: string[]
    }
    expect(extras.problems).toEqual([])
    expect(extras.chapters.map((c) => c.title)).toEqual(['Cold open', 'The news', 'The long read', 'Goodbye'])
    expect(extras.transcript.cues[1]).toEqual({ start: 5, end: 10, speaker: 'Guest', text: 'Today we listen to the sound of a single frequency.' })
    const feedId = (await client.query<{ id: string }>(`select id from catalog.podcast_feeds where url = $1`, [feedUrl('loopback-hour')])).rows[0]!.id
    const art = await fetch(await sign(`/v1/podcasts/feeds/${feedId}/artwork`, feedResource(Number(feedId))))
    expect(art.headers.get('content-type')).toBe('image/svg+xml')
    expect(art.headers.get('content-security-policy')).toContain('sandbox')
  })
})

describe(`radio on the media node (${testTarget()})`, () => {
  test('search writes the stations into the catalog; playing one counts a click and its ICY titles are taken out of the audio', async () => {
    const res = await fetch(await withQuery(sign('/v1/radio/search', RADIO_RESOURCE), { tag: 'classical' }))
    const body = (await res.json()) as { stations: Array<{ id: number; name: string; countrycode: string }> }
    expect(body.stations.map((s) => [s.name, s.countrycode])).toEqual([['Klara Loopback Classical', 'BE']])
    const id = body.stations[0]!.id
    const stream = await fetch(await sign(`/v1/radio/${id}/stream`, stationResource(id)))
    expect(stream.status).toBe(200)
    expect(stream.headers.get('content-type')).toBe('audio/mpeg')
    const reader = stream.body!.getReader()
    let got = 0
    const chunks: Uint8Array[] = []
    while (got < ICY_METAINT + 2000) {
      const { value, done } = await reader.read()
      if (done) break
      chunks.push(value)
      got += value.length
    }
    await reader.cancel()
    const audio = Buffer.concat(chunks)
    // No metadata block reached the browser: the bytes are the fixture's MP3 frames only.
    expect(audio.includes(Buffer.from('StreamTitle='))).toBe(false)
    expect(fixture.clicks.get('5a1f1b7c-9b61-4d3e-8c55-0d7f3c2a9e03')).toBe(1)
    const np = (await (await fetch(await sign(`/v1/radio/${id}/now-playing`, stationResource(id)))).json()) as { title: string | null; station: string }
    expect(np).toMatchObject({ station: 'Klara Loopback Classical', title: 'Bach — Air on the Loopback String' })
  })

  test('stations from .pls, .m3u and .xspf playlists', async () => {
    for (const kind of ['pls', 'm3u', 'xspf']) {
      const url = `${fixture.url}/playlists/sine-wave.${kind}`
      const res = await fetch(await withQuery(sign('/v1/radio/playlist', RADIO_RESOURCE, 'POST'), { url }), { method: 'POST' })
      const body = (await res.json()) as { stations: Array<{ name: string }> }
      expect(
        body.stations.map((s) => s.name),
        kind,
      ).toEqual(['Sine Wave Radio'])
    }
  })

  test('an HLS station: its playlist leads back to the node only, and its segments come through', async () => {
    const body = (await (await fetch(await withQuery(sign('/v1/radio/search', RADIO_RESOURCE), { tag: 'jazz' }))).json()) as { stations: Array<{ id: number; name: string }> }
    expect(body.stations.map((s) => s.name)).toEqual(['Segment Jazz (HLS)'])
    const id = body.stations[0]!.id
    const res = await fetch(await sign(`/v1/radio/${id}/index.m3u8`, stationResource(id)))
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).not.toContain(new URL(fixture.url).host)
    const uris = text.split('\n').filter((l) => l && !l.startsWith('#'))
    expect(uris.length).toBe(3)
    const segment = new Uint8Array(await (await fetch(`${base}${uris[0]}`)).arrayBuffer())
    expect(segment[0]).toBe(0x47)
    // The stream route points HLS stations at their playlist.
    expect((await fetch(await sign(`/v1/radio/${id}/stream`, stationResource(id)))).status).toBe(400)
  })

  test('stream, enclosure and playlist addresses go through the SSRF guard', async () => {
    const ids = (
      await client.query<{ id: string }>(
        `insert into catalog.radio_stations (station_key, source, name, stream_url) values ('url:meta', 'playlist', 'Metadata', 'http://169.254.169.254/latest/meta-data/') returning id`,
      )
    ).rows.map((r) => Number(r.id))
    const station = await fetch(await sign(`/v1/radio/${ids[0]}/stream`, stationResource(ids[0]!)))
    expect(station.status).toBe(400)
    expect(((await station.json()) as { message: string }).message).toMatch(/link-local/)
    const feedId = (await client.query<{ id: string }>('select id from catalog.podcast_feeds limit 1')).rows[0]!.id
    const ep = (
      await client.query<{ id: string }>(`insert into catalog.podcast_episodes (feed_id, guid, title, enclosure_url) values ($1, 'ssrf', 'SSRF', 'http://10.0.0.1/secret.mp3') returning id`, [feedId])
    ).rows[0]!.id
    const audio = await fetch(await sign(`/v1/podcasts/episodes/${ep}/audio`, episodeResource(Number(ep))))
    expect(audio.status).toBe(400)
    expect(((await audio.json()) as { message: string }).message).toMatch(/private network/)
    const playlist = await fetch(await withQuery(sign('/v1/radio/playlist', RADIO_RESOURCE, 'POST'), { url: 'http://127.0.0.1:22/x.pls' }), { method: 'POST' })
    expect(playlist.status).toBe(400)
  })

  test('a station that never sends audio is cut off with a clear message; one that sends HTML is refused', async () => {
    oddRoutes.set('/silent', (res) => res.writeHead(200, { 'Content-Type': 'audio/mpeg' }).flushHeaders())
    oddRoutes.set('/html', (res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html></html>'))
    const ids = (
      await client.query<{ id: string }>(
        `insert into catalog.radio_stations (station_key, source, name, stream_url) values ('url:silent', 'playlist', 'Silent', $1), ('url:html', 'playlist', 'HTML', $2) returning id`,
        [`${oddBase}/silent`, `${oddBase}/html`],
      )
    ).rows.map((r) => Number(r.id))
    const silent = await fetch(await sign(`/v1/radio/${ids[0]}/stream`, stationResource(ids[0]!)))
    expect(silent.status).toBe(503)
    expect(((await silent.json()) as { message: string }).message).toBe('The station sent no audio in 2 seconds; it may be off the air.')
    const html = await fetch(await sign(`/v1/radio/${ids[1]}/stream`, stationResource(ids[1]!)))
    expect(html.status).toBe(422)
    expect(((await html.json()) as { message: string }).message).toBe('The station sent text/html, not audio.')
  })
})
