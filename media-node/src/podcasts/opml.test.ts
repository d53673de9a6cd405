import { describe, expect, test } from 'vitest'
import { parseSubscriptionOpml, subscriptionOpml } from './opml.ts'

describe('OPML', () => {
  test('nested outlines flattened, feed: and itpc: schemes normalized, duplicates and broken addresses counted', () => {
    const opml = `<?xml version='1.0'?>
<opml version="version"><head><title>Export</title></head><body>
  <outline text="Tech"><outline text="One" type="rss" xmlUrl="https://a.example.com/feed"/><outline text="One again" xmlUrl="https://a.example.com/feed#x"/></outline>
  <outline title='Two' type='rss' xmlUrl='feed://b.example.com/rss' htmlUrl=''/>
  <outline text="Three" xmlUrl="itpc://c.example.com/podcast.xml"/>
  <outline text="Broken" xmlUrl="ftp://d.example.com/x"/>
  <outline text="Nothing" xmlUrl=""/>  <!-- an empty address is a folder, as the apps treat it -->
  <outline text="Just a folder"/>
</body></opml>`
    expect(parseSubscriptionOpml(opml)).toEqual({
      feeds: [
        { url: 'https://a.example.com/feed', title: 'One' },
        { url: 'https://b.example.com/rss', title: 'Two' },
        { url: 'https://c.example.com/podcast.xml', title: 'Three' },
      ],
      outlines: 5,
      duplicates: 1,
      invalid: 1,
    })
  })

  test('refuses what is not OPML, lists nothing, or is a bomb', () => {
    expect(() => parseSubscriptionOpml('hello')).toThrow(/not OPML|lists no feeds/)
    expect(() => parseSubscriptionOpml('<opml><body><outline text="x"/></body></opml>')).toThrow(/lists no feeds/)
    expect(() => parseSubscriptionOpml('<!DOCTYPE opml [<!ENTITY a "b">]><opml><body><outline xmlUrl="&a;"/></body></opml>')).toThrow(/XML bomb/)
  })

  test('our export is standard OPML 2.0 and imports again', () => {
    const out = subscriptionOpml([{ url: 'https://a.example.com/feed?x=1&y=2', title: 'A & B', link: 'https://a.example.com/' }], 'Mine', new Date('2026-12-04T00:00:00Z'))
    expect(out).toContain('<opml version="2.0">')
    expect(out).toContain('type="rss"')
    expect(out).toContain('xmlUrl="https://a.example.com/feed?x=1&amp;y=2"')
    expect(parseSubscriptionOpml(out).feeds).toEqual([{ url: 'https://a.example.com/feed?x=1&y=2', title: 'A & B' }])
  })
})
