import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { mergeDirectoryResults, podcastIndexHeaders, type DirectoryPodcast } from './directory.ts'

const show = (over: Partial<DirectoryPodcast>): DirectoryPodcast => ({
  feedUrl: 'https://a.example.com/feed',
  title: 'A',
  author: null,
  description: null,
  artwork: null,
  categories: [],
  podcastGuid: null,
  episodeCount: null,
  sources: ['podcastindex'],
  ...over,
})

describe('podcast directories', () => {
  test('Podcast Index headers: whole-second date, SHA-1 of key + secret + date', () => {
    const h = podcastIndexHeaders('KEY', 'SECRET', 1_700_000_000_987)
    expect(h['X-Auth-Date']).toBe('1700000000')
    expect(h['X-Auth-Key']).toBe('KEY')
    expect(h.Authorization).toBe(createHash('sha1').update('KEYSECRET1700000000').digest('hex'))
    expect(h['User-Agent']).toMatch(/^BitTorrented\//)
  })

  test('merged by feed address (http and https alike) and by podcast:guid, fields filled from either', () => {
    const merged = mergeDirectoryResults([
      [show({ podcastGuid: 'G-1', description: 'From PI' }), show({ feedUrl: 'https://b.example.com/rss', title: 'B', podcastGuid: 'g-2' })],
      [
        show({ feedUrl: 'http://a.example.com/feed/', artwork: 'https://img/a.jpg', sources: ['itunes'] }),
        show({ feedUrl: 'https://b-moved.example.com/rss', podcastGuid: 'G-2', title: 'B', sources: ['itunes'] }),
        show({ feedUrl: 'https://c.example.com/rss', title: 'C', sources: ['itunes'] }),
      ],
    ])
    expect(merged.map((p) => [p.title, p.sources, p.artwork, p.description])).toEqual([
      ['A', ['podcastindex', 'itunes'], 'https://img/a.jpg', 'From PI'],
      ['B', ['podcastindex', 'itunes'], null, null],
      ['C', ['itunes'], null, null],
    ])
  })
})
