/**
 * Podcasts and radio against real-world material written by others (../shared/fixtures, never
 * copied in): real feeds (Podcasting 2.0, value-for-value, Wondery, Subsplash, Podigee, one with
 * an invalid UTF-8 byte), the namespace's chapters and transcripts, real OPML exports of
 * AntennaPod and Podcast Addict and two RSS readers, Radio Browser answers, and station playlists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { repoRoot } from '@bittorrented/db'
import { parseChapters, parseTranscript } from '../../src/podcasts/chapters-and-transcripts.ts'
import { parsePodcastFeed } from '../../src/podcasts/feed-parser.ts'
import { parseSubscriptionOpml } from '../../src/podcasts/opml.ts'
import { stationFromRaw } from '../../src/radio/radio-browser.ts'
import { parseStationPlaylist } from '../../src/radio/station-playlist.ts'

const fixtures = join(repoRoot, '..', 'shared', 'fixtures')
const podcasts = join(fixtures, 'podcasts')
const radio = join(fixtures, 'radio')

describe.runIf(existsSync(podcasts))('real podcast feeds', () => {
  const feeds = [...readdirSync(podcasts).filter((f) => f.endsWith('.xml')), ...readdirSync(join(podcasts, 'totem-pl-parser')).map((f) => `totem-pl-parser/${f}`), 'podcast-namespace/example.xml']
  test.each(feeds)('%s parses into a show with playable episodes', (name) => {
    const feed = parsePodcastFeed(readFileSync(join(podcasts, name)), 'https://feeds.example.com/feed.xml')
    expect(feed.title.length).toBeGreaterThan(0)
    expect(feed.episodes.length).toBeGreaterThan(0)
    for (const e of feed.episodes) {
      expect(e.enclosureUrl).toMatch(/^https?:\/\//)
      expect(e.title.length).toBeGreaterThan(0)
      if (e.durationS !== null) expect(Number.isFinite(e.durationS)).toBe(true)
    }
    // Every episode's guid is unique within the feed (progress is keyed by it).
    expect(new Set(feed.episodes.map((e) => e.guid)).size).toBe(feed.episodes.length)
  })

  test('the Podcasting 2.0 feed keeps its chapters, transcripts, persons, value and funding', () => {
    const feed = parsePodcastFeed(readFileSync(join(podcasts, 'podcasting20-pc20rss.xml')), 'https://feeds.example.com/pc20rss.xml')
    expect(feed.podcastGuid).toBeTruthy()
    expect(feed.extras.fundings).toBeDefined()
    expect(feed.extras.values).toBeDefined()
    expect(feed.episodes.filter((e) => e.chaptersUrl).length).toBeGreaterThan(40)
    expect(feed.episodes.filter((e) => e.transcripts.length).length).toBeGreaterThan(40)
  })

  test('the feed with an invalid UTF-8 byte still gives every episode', () => {
    const feed = parsePodcastFeed(readFileSync(join(podcasts, 'totem-pl-parser', 'invalid-utf8-characters.rss')), 'https://feeds.example.com/x.rss')
    expect(feed.episodes.length).toBeGreaterThan(0)
  })

  test('the namespace’s chapters and transcripts', () => {
    for (const f of ['chapters-example.json', 'chapters-exampleComplex.json']) {
      expect(parseChapters(JSON.parse(readFileSync(join(podcasts, 'podcast-namespace', f), 'utf8'))).length, f).toBeGreaterThan(0)
    }
    const cues = (f: string, type: string) => parseTranscript(readFileSync(join(podcasts, 'podcast-namespace', f), 'utf8'), type)
    const srt = cues('transcript-example.srt', 'application/x-subrip')
    const vtt = cues('transcript-example.vtt', 'text/vtt')
    const json = cues('transcript-example.json', 'application/json')
    // The JSON example is five word segments: joined into the two sentences they make.
    expect(json.map((c) => [c.speaker, c.text])).toEqual([
      ['Darth Vader', 'I am your father.'],
      ['Luke', 'Nooooo'],
    ])
    expect(vtt[0]).toMatchObject({ speaker: 'Sarah', start: 0 })
    expect(srt[0]).toMatchObject({ speaker: 'Travis', start: 0.179 })
    for (const list of [srt, vtt]) {
      expect(list.length).toBeGreaterThan(5)
      for (let i = 1; i < list.length; i++) expect(list[i]!.start).toBeGreaterThanOrEqual(list[i - 1]!.start)
    }
  })

  test('real OPML exports import: AntennaPod’s 8 podcasts and Podcast Addict’s 7; the RSS readers’ dialects too', () => {
    const opml = (f: string) => parseSubscriptionOpml(readFileSync(join(podcasts, 'opml', f), 'utf8'))
    expect(opml('antennapod-feeds.opml').feeds).toHaveLength(8)
    expect(opml('podcastaddict-feeds.opml').feeds).toHaveLength(7)
    for (const f of ['Flym_auto_backup.opml', 'rssguard_2.opml']) expect(opml(f).feeds.length, f).toBeGreaterThan(0)
  })
})

describe.runIf(existsSync(radio))('real radio material', () => {
  test('Radio Browser answers: nearly every station is playable, each with a uuid and a web stream', () => {
    const dir = join(radio, 'radio-browser')
    for (const f of readdirSync(dir)) {
      const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown[]
      const stations = raw.map(stationFromRaw)
      const ok = stations.filter((s) => s !== null)
      expect(ok.length, f).toBeGreaterThanOrEqual(Math.floor(raw.length * 0.9))
      for (const s of ok) expect(s!.streamUrl).toMatch(/^https?:\/\//)
    }
  })

  test('station playlists: PLS, M3U, and the large radio M3U', () => {
    const playlist = (f: string) => parseStationPlaylist(readFileSync(join(radio, f), 'utf8'), 'https://radio.example.com/')
    expect(playlist('totem-pl-parser/BassDrive.pls').stations.length).toBeGreaterThan(0)
    expect(playlist('totem-pl-parser/emptyplaylist.pls').stations).toEqual([])
    expect(playlist('totem-pl-parser/radioclasica.mp3.m3u').stations.length).toBe(1)
    // The Freebox radio is rtsp://: not playable in a browser, counted.
    expect(playlist('totem-pl-parser/radios-freebox.m3u').unplayable).toBeGreaterThan(0)
    const big = playlist('fanmingming-radio.m3u')
    expect(big.stations.length + big.unplayable).toBeGreaterThan(400)
    expect(big.stations.some((s) => s.image)).toBe(true)
  })
})
