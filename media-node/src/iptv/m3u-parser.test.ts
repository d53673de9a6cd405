import { describe, expect, test } from 'vitest'
import { parseAttributes, parseM3uStream, parseM3uText, splitPipeHeaders } from './m3u-parser.ts'

const DIALECTS = [
  '\uFEFF#EXTM3U x-tvg-url="http://guide.example/a.xml.gz,http://guide.example/b.xml" url-tvg="http://guide.example/a.xml.gz" catchup="shift" catchup-days="2" refresh="3600"',
  '#EXTINF:-1 tvg-id="news.uk" tvg-name="News One" tvg-logo="http://img.example/a,b.png" tvg-chno="101" group-title="News" tvg-language="English" tvg-country="UK",News One HD',
  'http://stream.example/news/index.m3u8',
  '   #EXTINF:-1 TVG-ID="sport.de" Group-Title="Sport" catchup="flussonic" catchup-days="3" catchup-source="http://cdn.example/sport/archive-{utc}-{duration}.ts" my-attr="kept",Sport 24',
  '   #EXTGRP:Ignored because group-title wins',
  '   #EXTVLCOPT:http-user-agent=Mozilla/5.0 (Smart TV)',
  '   #EXTVLCOPT:http-referrer=http://player.example/',
  '   http://stream.example/sport.ts',
  '#EXTINF:0 tvg-id=kids channel-number=7,,Kids Zone',
  '#EXTGRP:Kids',
  '#KODIPROP:inputstream.adaptive.manifest_type=mpd',
  'http://stream.example/kids.mpd|User-Agent=Kodi%2F20&Referer=http://kodi.example/',
  '#EXTINF:-1 tvg-id="lost",Lost Channel',
  '#EXTINF:-1 tvg-id="xc" catchup="xc" timeshift="5",Archive XC',
  'http://panel.example:8080/live/u/p/42.ts',
  'http://stray.example/no-entry.m3u8',
  '#EXTINF:-1 tvg-name="Unnamed one",',
  'rtp://239.0.0.1:5000',
  'this line is noise',
].join('\r\n')

describe('M3U dialects', () => {
  test('header guides, attributes in any case and quoting, groups, headers, Kodi props, catch-up', async () => {
    const { result, channels } = await parseM3uText(DIALECTS)
    expect(result.header.guideUrls).toEqual(['http://guide.example/a.xml.gz', 'http://guide.example/b.xml'])
    expect(result.header.catchup).toEqual({ type: 'shift', days: 2, source: null })
    expect(result.header.extras).toEqual({ refresh: '3600' })
    const [news, sport, kids, xc, stray, unnamed] = channels
    expect(news).toMatchObject({
      name: 'News One HD',
      tvgId: 'news.uk',
      tvgName: 'News One',
      logo: 'http://img.example/a,b.png',
      number: 101,
      group: 'News',
      language: 'English',
      country: 'UK',
      url: 'http://stream.example/news/index.m3u8',
    })
    // Channels without their own catch-up take the header's.
    expect(news!.catchup).toEqual({ type: 'shift', days: 2, source: null })
    expect(sport).toMatchObject({ name: 'Sport 24', tvgId: 'sport.de', group: 'Sport', userAgent: 'Mozilla/5.0 (Smart TV)', referrer: 'http://player.example/', extras: { 'my-attr': 'kept' } })
    expect(sport!.catchup).toEqual({ type: 'flussonic', days: 3, source: 'http://cdn.example/sport/archive-{utc}-{duration}.ts' })
    expect(kids).toMatchObject({ name: 'Kids Zone', tvgId: 'kids', number: 7, group: 'Kids', url: 'http://stream.example/kids.mpd', userAgent: 'Kodi/20', referrer: 'http://kodi.example/' })
    expect(kids!.kodiProps).toEqual({ 'inputstream.adaptive.manifest_type': 'mpd' })
    expect(xc!.catchup).toEqual({ type: 'xc', days: 5, source: null })
    expect(stray).toMatchObject({ name: 'no-entry.m3u8', url: 'http://stray.example/no-entry.m3u8' })
    // No name after the comma: the tvg-name stands in (and counts as a repair).
    expect(unnamed).toMatchObject({ name: 'Unnamed one', url: 'rtp://239.0.0.1:5000' })
    expect(channels).toHaveLength(6)
    expect(result.problems).toEqual({ entriesWithoutUrl: 1, urlsWithoutEntry: 1, namesRepaired: 2, unreadableLines: 1, missingHeader: false })
  })

  test('a list without a header, an unterminated quote, and a last entry without a URL are read, not fatal', async () => {
    const { result, channels } = await parseM3uText('#EXTINF:-1 tvg-id="a group-title="X",Broken Quote\nhttp://a.example/1\n#EXTINF:-1,Dangling')
    expect(result.problems.missingHeader).toBe(true)
    expect(result.problems.entriesWithoutUrl).toBe(1)
    expect(channels).toHaveLength(1)
    expect(channels[0]!.name).toBe('Broken Quote')
  })

  test('streamed in arbitrary chunks it gives the same channels as whole, one at a time', async () => {
    const whole = await parseM3uText(DIALECTS)
    const bytes = new TextEncoder().encode(DIALECTS)
    async function* pieces() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7)
    }
    const seen: string[] = []
    const result = await parseM3uStream(pieces(), (c) => {
      seen.push(c.name)
    })
    expect(seen).toEqual(whole.channels.map((c) => c.name))
    expect(result.problems).toEqual(whole.result.problems)
  })

  test('a line longer than the limit is dropped whole and counted', async () => {
    const endless = `#EXTM3U\n#EXTINF:-1,${'x'.repeat(200_000)}\nhttp://a.example/1\n`
    async function* pieces() {
      for (let i = 0; i < endless.length; i += 4096) yield endless.slice(i, i + 4096)
    }
    const names: string[] = []
    const result = await parseM3uStream(pieces(), (c) => {
      names.push(c.name)
    })
    expect(result.problems.unreadableLines).toBe(1)
    // The URL is kept, without the entry that was too long.
    expect(names).toEqual(['1'])
    expect(result.problems.urlsWithoutEntry).toBe(1)
  })
})

describe('pieces', () => {
  test('attributes: quoted, unquoted, single quotes, duplicates keep the first', () => {
    const { attrs } = parseAttributes(` tvg-id=abc tvg-name='Two Words' group-title="G" tvg-id="dup",Name`)
    expect(Object.fromEntries(attrs)).toEqual({ 'tvg-id': 'abc', 'tvg-name': 'Two Words', 'group-title': 'G' })
  })

  test("Kodi's pipe headers", () => {
    expect(splitPipeHeaders('http://a/b.ts|user-agent=VLC&referer=http%3A%2F%2Fr%2F')).toEqual({ url: 'http://a/b.ts', userAgent: 'VLC', referrer: 'http://r/' })
    expect(splitPipeHeaders('http://a/b.ts')).toEqual({ url: 'http://a/b.ts', userAgent: null, referrer: null })
  })
})
