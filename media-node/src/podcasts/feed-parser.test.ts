import { describe, expect, test } from 'vitest'
import { feedXml, FIXTURE_FEEDS } from '../demo/audio-fixture.ts'
import { feedCharset, parsePodcastFeed } from './feed-parser.ts'

const enc = (s: string) => new TextEncoder().encode(s)
const BASE = 'https://pod.example.com/feed.xml'

describe('podcast feed parser', () => {
  test('RSS with iTunes and Podcasting 2.0 tags', () => {
    const feed = parsePodcastFeed(enc(feedXml(FIXTURE_FEEDS[0]!, 'https://pod.example.com', Date.parse('2026-12-01T00:00:00Z'))), BASE)
    expect(feed).toMatchObject({ title: 'The Loopback Hour', author: 'BitTorrented Demo', podcastGuid: FIXTURE_FEEDS[0]!.guid, categories: ['Technology'], explicit: false })
    expect(feed.imageUrl).toBe('https://pod.example.com/art/loopback-hour.svg')
    expect(feed.episodes.map((e) => [e.guid, e.durationS, e.season, e.episode, e.explicit])).toEqual([
      ['loopback-hour-3', 75, 1, 3, false],
      ['loopback-hour-2', 75, 1, 2, true],
      ['loopback-hour-1', 75, 1, 1, false],
    ])
    expect(feed.episodes[1]!.transcripts).toEqual([{ url: 'https://pod.example.com/transcripts/loopback-hour-2.srt', type: 'application/x-subrip', language: 'en' }])
    expect(feed.episodes[0]!.chaptersUrl).toBe('https://pod.example.com/chapters/loopback-hour-3.json')
    expect(feed.episodes[0]!.extras.persons).toBeDefined()
  })

  test('relative enclosures resolve against the feed; items without audio or with a non-web enclosure are counted and skipped; duplicate guids kept once', () => {
    const xml = `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>T</title>
      <item><title>A</title><guid>a</guid><enclosure url="/media/a.mp3" type="audio/mpeg" length="10"/><itunes:duration>1:02:03</itunes:duration><itunes:explicit>yes</itunes:explicit></item>
      <item><title>A again</title><guid>a</guid><enclosure url="/media/a2.mp3" type="audio/mpeg"/></item>
      <item><title>Blog post</title><guid>b</guid></item>
      <item><title>Bad</title><guid>c</guid><enclosure url="javascript:alert(1)" type="audio/mpeg"/></item>
      <item><title>No guid</title><enclosure url="https://cdn.example.com/x.mp3"/></item>
    </channel></rss>`
    const feed = parsePodcastFeed(enc(xml), BASE)
    expect(feed.episodes.map((e) => [e.guid, e.enclosureUrl, e.durationS, e.explicit])).toEqual([
      ['a', 'https://pod.example.com/media/a.mp3', 3723, true],
      ['https://cdn.example.com/x.mp3', 'https://cdn.example.com/x.mp3', null, false],
    ])
    expect(feed.skipped).toEqual({ noEnclosure: 1, badEnclosure: 1 })
  })

  test('itunes:new-feed-url is read', () => {
    const xml = `<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>T</title><itunes:new-feed-url>https://new.example.com/feed</itunes:new-feed-url></channel></rss>`
    expect(parsePodcastFeed(enc(xml), BASE).newFeedUrl).toBe('https://new.example.com/feed')
  })

  test('a declared Latin-1 feed decodes; an invalid UTF-8 byte becomes U+FFFD instead of failing', () => {
    const latin = Uint8Array.from([...enc('<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>Caf'), 0xe9, ...enc('</title></channel></rss>')])
    expect(feedCharset(latin, undefined)).toBe('ISO-8859-1')
    expect(parsePodcastFeed(latin, BASE).title).toBe('Café')
    const broken = Uint8Array.from([...enc('<rss><channel><title>Bad '), 0xff, ...enc(' byte</title></channel></rss>')])
    expect(parsePodcastFeed(broken, BASE).title).toBe('Bad \uFFFD byte')
  })

  test('XML bombs and external entities are refused; HTML is not a feed', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><rss><channel><title>&lol2;</title></channel></rss>`
    expect(() => parsePodcastFeed(enc(bomb), BASE)).toThrow(/XML bomb/)
    const xxe = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss><channel><title>&xxe;</title></channel></rss>`
    expect(() => parsePodcastFeed(enc(xxe), BASE)).toThrow(/XML bomb/)
    expect(() => parsePodcastFeed(enc('<!doctype html><html><body>hi</body></html>'), BASE)).toThrow(/podcast feed/)
  })

  test('Atom feeds with enclosure links', () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Show</title><entry><id>urn:1</id><title>One</title><updated>2026-11-01T00:00:00Z</updated><link rel="enclosure" href="https://cdn.example.com/1.ogg" type="audio/ogg"/></entry></feed>`
    const feed = parsePodcastFeed(enc(xml), BASE)
    expect(feed.title).toBe('Atom Show')
    expect(feed.episodes.map((e) => [e.guid, e.enclosureUrl, e.enclosureType])).toEqual([['urn:1', 'https://cdn.example.com/1.ogg', 'audio/ogg']])
  })
})
