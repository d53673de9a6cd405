/**
 * A loopback podcast and radio service for `npm start` and the tests, speaking what the real
 * services send (../shared/EXTERNAL-APIS.md §4–5):
 *
 * - Podcast Index under `/api/1.0/…` (`search/byterm`, `podcasts/trending`, `podcasts/byfeedurl`,
 *   `categories/list`), checking the four auth headers as the real API does (SHA-1 of key +
 *   secret + an integer `X-Auth-Date` within 3 minutes; 401 with a bare JSON string otherwise);
 * - iTunes Search `/search?term=…&media=podcast`, answered as `text/javascript`, one result
 *   without a `feedUrl` as real results sometimes are;
 * - RSS feeds `/feeds/<slug>.xml` with iTunes and Podcasting 2.0 tags (guid, chapters,
 *   transcripts in WebVTT, SRT and JSON, persons, funding), ETag and Last-Modified with 304s;
 *   enclosures `/audio/<file>.mp3` made by FFmpeg at start (short tones), with byte ranges;
 *   artwork `/art/<slug>.svg`;
 * - Radio Browser under `/json/…` (`stations/search`, `url/<uuid>` counting clicks,
 *   `stations/topclick|topvote/<n>`, `tags`, `countries`, `servers`) in its raw snake_case shape;
 * - radio streams `/stream/<slug>`: MP3 at its real bitrate, forever, with ICY metadata every
 *   16,000 bytes when asked (`Icy-MetaData: 1`) and a title that changes every 10 seconds;
 *   and `.pls`, `.m3u` and `.xspf` playlists of them under `/playlists/`.
 *
 * Nothing here is used by the product; it stands in for the services a household uses.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

export const PODCAST_INDEX_KEY = 'DEMOKEYLOOPBACK000001'
export const PODCAST_INDEX_SECRET = 'demo-secret-loopback-podcast-index-000000'

export interface FixtureEpisode {
  guid: string
  title: string
  file: string
  secs: number
  n: number
  season: number | null
  explicit: boolean
  daysAgo: number
  transcript: 'vtt' | 'srt' | 'json' | null
}
export interface FixtureFeed {
  slug: string
  guid: string
  title: string
  author: string
  description: string
  category: string
  /** Listed in Podcast Index (else only iTunes knows it). */
  inPodcastIndex: boolean
  itunesId: number
  episodes: FixtureEpisode[]
}

const ep = (guid: string, title: string, file: string, secs: number, n: number, daysAgo: number, more: Partial<FixtureEpisode> = {}): FixtureEpisode => ({
  guid,
  title,
  file,
  secs,
  n,
  season: 1,
  explicit: false,
  daysAgo,
  transcript: 'vtt',
  ...more,
})

export const FIXTURE_FEEDS: FixtureFeed[] = [
  {
    slug: 'loopback-hour',
    guid: '7d3c5b1e-4a2f-5e8b-9c1d-0f6a2b3c4d5e',
    title: 'The Loopback Hour',
    author: 'BitTorrented Demo',
    description: 'Conversations about the machines that talk to themselves.',
    category: 'Technology',
    inPodcastIndex: true,
    itunesId: 1000001,
    episodes: [
      ep('loopback-hour-1', 'Episode 1 — Hello, Loopback', 'tone-440.mp3', 75, 1, 14),
      ep('loopback-hour-2', 'Episode 2 — Packets After Dark', 'tone-550.mp3', 75, 2, 7, { explicit: true, transcript: 'srt' }),
      ep('loopback-hour-3', 'Episode 3 — The Future of Ports', 'tone-440.mp3', 75, 3, 1, { transcript: 'json' }),
    ],
  },
  {
    slug: 'little-signals',
    guid: '2b8e6f4a-1c3d-5a7e-8f90-a1b2c3d4e5f6',
    title: 'Little Signals',
    author: 'BitTorrented Demo',
    description: 'Short, gentle sounds for small ears.',
    category: 'Kids & Family',
    inPodcastIndex: true,
    itunesId: 1000002,
    episodes: [ep('little-signals-1', 'The Humming Bee', 'tone-660.mp3', 45, 1, 3), ep('little-signals-2', 'The Sleepy Owl', 'tone-330.mp3', 45, 2, 1)],
  },
  {
    slug: 'seeds-and-soil',
    guid: '9f1e2d3c-4b5a-5968-8776-655443322110',
    title: 'Seeds and Soil',
    author: 'Garden Loop',
    description: 'A gardening show recorded in a shed full of routers.',
    category: 'Leisure',
    inPodcastIndex: true,
    itunesId: 1000003,
    episodes: [ep('seeds-1', 'Tomatoes in December', 'tone-550.mp3', 75, 1, 10), ep('seeds-2', 'Compost and Checksums', 'tone-330.mp3', 45, 2, 2, { transcript: null })],
  },
  {
    slug: 'the-checksum',
    guid: '0a1b2c3d-4e5f-5a6b-8c7d-8e9f00112233',
    title: 'The Checksum',
    author: 'Hash News Network',
    description: 'The week in technology news, verified.',
    category: 'News',
    inPodcastIndex: false,
    itunesId: 1000004,
    episodes: [ep('checksum-1', 'This Week: Bits Flipped', 'tone-440.mp3', 75, 1, 5), ep('checksum-2', 'This Week: Rollbacks', 'tone-660.mp3', 45, 2, 0, { transcript: 'srt' })],
  },
]

export interface FixtureStation {
  slug: string
  uuid: string
  name: string
  tags: string[]
  country: string
  countrycode: string
  languages: string[]
  votes: number
  file: string
  titles: string[]
  /** Sent as live HLS (AAC segments) instead of an ICY stream. */
  hls?: boolean
}
export const FIXTURE_STATIONS: FixtureStation[] = [
  {
    slug: 'loopback-fm',
    uuid: '5a1f1b7c-9b61-4d3e-8c55-0d7f3c2a9e01',
    name: 'Loopback FM',
    tags: ['pop', 'talk'],
    country: 'The Netherlands',
    countrycode: 'NL',
    languages: ['english'],
    votes: 120,
    file: 'radio-a-live.mp3',
    titles: ['The Pings — Echo Request', 'Null Route — Nowhere Fast', 'DJ Localhost — 127 Reasons', 'The Handshakes — SYN ACK'],
  },
  {
    slug: 'sine-wave',
    uuid: '5a1f1b7c-9b61-4d3e-8c55-0d7f3c2a9e02',
    name: 'Sine Wave Radio',
    tags: ['ambient', 'kids'],
    country: 'Belgium',
    countrycode: 'BE',
    languages: ['dutch', 'english'],
    votes: 45,
    file: 'radio-b-live.mp3',
    titles: ['Oscillator — Pure Tone', 'The Harmonics — Overtones', 'Low Pass — Gentle Hum'],
  },
  {
    slug: 'klara-loopback',
    uuid: '5a1f1b7c-9b61-4d3e-8c55-0d7f3c2a9e03',
    name: 'Klara Loopback Classical',
    tags: ['classical'],
    country: 'Belgium',
    countrycode: 'BE',
    languages: ['dutch'],
    votes: 80,
    file: 'radio-c-live.mp3',
    titles: ['Bach — Air on the Loopback String', 'Satie — Gymnopédie in 127'],
  },
  {
    slug: 'segment-jazz',
    uuid: '5a1f1b7c-9b61-4d3e-8c55-0d7f3c2a9e04',
    name: 'Segment Jazz (HLS)',
    tags: ['jazz'],
    country: 'France',
    countrycode: 'FR',
    languages: ['french'],
    votes: 30,
    file: 'radio-d-live.mp3',
    titles: [],
    hls: true,
  },
]

/** The HLS station's segments: 2 s of AAC each, served as a sliding live window over them in a loop. */
const HLS_SEGMENTS = 10
const HLS_SEGMENT_S = 2

/** The audio files made at start: name → FFmpeg lavfi source and seconds. */
const AUDIO: Record<string, { source: string; secs: number }> = {
  'tone-440.mp3': { source: 'sine=frequency=440:sample_rate=44100', secs: 75 },
  'tone-550.mp3': { source: 'sine=frequency=550:sample_rate=44100', secs: 75 },
  'tone-660.mp3': { source: 'sine=frequency=660:sample_rate=44100', secs: 45 },
  'tone-330.mp3': { source: 'sine=frequency=330:sample_rate=44100', secs: 45 },
  'radio-a-live.mp3': { source: 'sine=frequency=392:sample_rate=44100', secs: 20 },
  'radio-b-live.mp3': { source: 'sine=frequency=262:sample_rate=44100', secs: 20 },
  'radio-c-live.mp3': { source: 'sine=frequency=294:sample_rate=44100', secs: 20 },
  'radio-d-live.mp3': { source: 'sine=frequency=349:sample_rate=44100', secs: 20 },
}
const RADIO_BYTES_PER_S = 8000 // 64 kbit/s
export const ICY_METAINT = 16000
const TITLE_EVERY_MS = 10_000

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const SENTENCES = [
  'Welcome back to the show.',
  'Today we listen to the sound of a single frequency.',
  'It is steadier than any of us.',
  'Our guest has spent years measuring it.',
  'Let us hear what they found.',
  'That is all the time we have.',
  'Thanks for listening, and see you next week.',
]

/** Chapters of an episode (Podcasting 2.0 JSON chapters). */
export function chaptersOf(e: FixtureEpisode, base: string): { version: string; chapters: Array<{ startTime: number; title: string; img?: string; url?: string }> } {
  const q = Math.floor(e.secs / 4)
  return {
    version: '1.2.0',
    chapters: [
      { startTime: 0, title: 'Cold open' },
      { startTime: q, title: 'The news', url: `${base}/` },
      { startTime: 2 * q, title: 'The long read' },
      { startTime: 3 * q, title: 'Goodbye' },
    ],
  }
}

/** The transcript's cues: a sentence every 5 seconds. */
export function cuesOf(e: FixtureEpisode): Array<{ start: number; end: number; speaker: string; text: string }> {
  const out = []
  for (let t = 0, i = 0; t + 5 <= e.secs; t += 5, i++) out.push({ start: t, end: t + 5, speaker: i % 2 ? 'Guest' : 'Host', text: SENTENCES[i % SENTENCES.length]! })
  return out
}

const stamp = (s: number, sep: string) => {
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}${sep}000`
}
export function transcriptOf(e: FixtureEpisode): { body: string; type: string } {
  const cues = cuesOf(e)
  if (e.transcript === 'srt') return { type: 'application/x-subrip', body: cues.map((c, i) => `${i + 1}\n${stamp(c.start, ',')} --> ${stamp(c.end, ',')}\n${c.speaker}: ${c.text}\n`).join('\n') }
  if (e.transcript === 'json')
    return { type: 'application/json', body: JSON.stringify({ version: '1.0.0', segments: cues.map((c) => ({ speaker: c.speaker, startTime: c.start, endTime: c.end, body: c.text })) }) }
  return { type: 'text/vtt', body: `WEBVTT\n\n${cues.map((c) => `${stamp(c.start, '.')} --> ${stamp(c.end, '.')}\n<v ${c.speaker}>${c.text}\n`).join('\n')}` }
}

export function feedXml(f: FixtureFeed, base: string, now: number): string {
  const items = [...f.episodes]
    .sort((a, b) => a.daysAgo - b.daysAgo)
    .map((e) => {
      const date = new Date(now - e.daysAgo * 86_400_000 - 3_600_000).toUTCString()
      const transcript = e.transcript ? `<podcast:transcript url="${base}/transcripts/${e.guid}.${e.transcript}" type="${transcriptOf(e).type}" language="en"/>` : ''
      return `    <item>
      <title>${xml(e.title)}</title>
      <description>${xml(`<p>${e.title}: ${SENTENCES[e.n % SENTENCES.length]}</p>`)}</description>
      <guid isPermaLink="false">${e.guid}</guid>
      <pubDate>${date}</pubDate>
      <enclosure url="${base}/audio/${e.file}" length="${e.secs * 8000}" type="audio/mpeg"/>
      <itunes:duration>${stamp(e.secs, '').slice(0, 8)}</itunes:duration>
      <itunes:episode>${e.n}</itunes:episode>${e.season ? `\n      <itunes:season>${e.season}</itunes:season>` : ''}
      <itunes:episodeType>full</itunes:episodeType>
      <itunes:explicit>${e.explicit ? 'true' : 'false'}</itunes:explicit>
      <podcast:chapters url="${base}/chapters/${e.guid}.json" type="application/json+chapters"/>
      ${transcript}
      <podcast:person role="host" img="${base}/art/${f.slug}.svg">${xml(f.author)}</podcast:person>
    </item>`
    })
    .join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${xml(f.title)}</title>
    <link>${base}/</link>
    <atom:link href="${base}/feeds/${f.slug}.xml" rel="self" type="application/rss+xml"/>
    <description>${xml(f.description)}</description>
    <language>en</language>
    <itunes:author>${xml(f.author)}</itunes:author>
    <itunes:image href="${base}/art/${f.slug}.svg"/>
    <itunes:category text="${xml(f.category)}"/>
    <itunes:explicit>false</itunes:explicit>
    <podcast:guid>${f.guid}</podcast:guid>
    <podcast:locked>no</podcast:locked>
    <podcast:funding url="${base}/support">Support the show</podcast:funding>
${items}
  </channel>
</rss>
`
}

function artSvg(title: string, seed: number): string {
  const hue = (seed * 67) % 360
  const words = title.split(' ')
  const lines = [words.slice(0, Math.ceil(words.length / 2)).join(' '), words.slice(Math.ceil(words.length / 2)).join(' ')]
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},70%,45%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360},70%,25%)"/></linearGradient></defs><rect width="600" height="600" fill="url(#g)"/><circle cx="450" cy="150" r="90" fill="none" stroke="#fff" stroke-opacity=".35" stroke-width="18"/><circle cx="450" cy="150" r="40" fill="#fff" fill-opacity=".35"/>${lines
    .map((l, i) => `<text x="50" y="${430 + i * 70}" font-family="sans-serif" font-weight="700" font-size="58" fill="#fff">${xml(l)}</text>`)
    .join('')}</svg>`
}

export interface AudioFixture {
  url: string
  server: Server
  /** Radio Browser clicks counted per station uuid (for tests). */
  clicks: Map<string, number>
  /** Feed requests seen per slug, with their conditional headers (for tests). */
  feedRequests: Array<{ slug: string; ifNoneMatch: string | null }>
  stop(): Promise<void>
}

async function makeAudio(ffmpeg: string, dir: string): Promise<Map<string, Buffer>> {
  await mkdir(dir, { recursive: true })
  const files = new Map<string, Buffer>()
  await Promise.all(
    Object.entries(AUDIO).map(async ([name, a]) => {
      const out = join(dir, name)
      const made = await readFile(out).catch(() => null)
      if (made?.length) {
        files.set(name, made)
        return
      }
      await new Promise<void>((resolve, reject) => {
        const child = spawn(
          ffmpeg,
          // No Xing header: looped as a radio stream, it would tell the player a duration.
          [
            '-hide_banner',
            '-loglevel',
            'error',
            '-nostdin',
            '-y',
            '-f',
            'lavfi',
            '-i',
            `${a.source}:duration=${a.secs}`,
            '-af',
            'tremolo=f=1.5:d=0.6,volume=0.4',
            '-ac',
            '1',
            '-b:a',
            '64k',
            '-write_xing',
            '0',
            out,
          ],
          { stdio: ['ignore', 'ignore', 'pipe'] },
        )
        let err = ''
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString()
        })
        child.on('error', reject)
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg made no ${name}: ${err.slice(0, 300)}`))))
      })
      files.set(name, await readFile(out))
    }),
  )
  return files
}

/** The HLS station's AAC segments (MPEG-TS), made once from its tone. */
async function makeHlsSegments(ffmpeg: string, audioDir: string, dir: string): Promise<Buffer[]> {
  await mkdir(dir, { recursive: true })
  const name = (i: number) => join(dir, `seg-${i}.ts`)
  const have = await Promise.all(Array.from({ length: HLS_SEGMENTS }, (_, i) => readFile(name(i)).catch(() => null)))
  if (have.every((b) => b?.length)) return have as Buffer[]
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      ffmpeg,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-nostdin',
        '-y',
        '-i',
        join(audioDir, 'radio-d-live.mp3'),
        '-c:a',
        'aac',
        '-b:a',
        '64k',
        '-f',
        'hls',
        '-hls_time',
        String(HLS_SEGMENT_S),
        '-hls_list_size',
        '0',
        '-hls_segment_filename',
        join(dir, 'seg-%d.ts'),
        join(dir, 'index.m3u8'),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error('ffmpeg made no HLS segments'))))
  })
  return Promise.all(Array.from({ length: HLS_SEGMENTS }, (_, i) => readFile(name(i))))
}

function stationJson(s: FixtureStation, base: string, clicks: number) {
  const t = '2026-12-01 10:00:00'
  const iso = '2026-12-01T10:00:00Z'
  return {
    changeuuid: s.uuid.replace(/^5a/, '6b'),
    stationuuid: s.uuid,
    serveruuid: null,
    name: s.name,
    url: `${base}/playlists/${s.slug}.pls`,
    url_resolved: s.hls ? `${base}/hls/${s.slug}/live.m3u8` : `${base}/stream/${s.slug}`,
    homepage: `${base}/`,
    favicon: `${base}/art/${s.slug}.svg`,
    tags: s.tags.join(','),
    country: s.country,
    countrycode: s.countrycode,
    iso_3166_2: null,
    state: '',
    language: s.languages.join(','),
    languagecodes: s.languages.map((l) => l.slice(0, 2)).join(','),
    votes: s.votes,
    lastchangetime: t,
    lastchangetime_iso8601: iso,
    codec: s.hls ? 'AAC' : 'MP3',
    bitrate: 64,
    hls: s.hls ? 1 : 0,
    lastcheckok: 1,
    lastchecktime: t,
    lastchecktime_iso8601: iso,
    lastcheckoktime: t,
    lastcheckoktime_iso8601: iso,
    lastlocalchecktime: t,
    lastlocalchecktime_iso8601: iso,
    clicktimestamp: t,
    clicktimestamp_iso8601: iso,
    clickcount: clicks,
    clicktrend: 0,
    ssl_error: 0,
    geo_lat: null,
    geo_long: null,
    has_extended_info: false,
  }
}

/** Starts the service on 127.0.0.1:`port` (0: any free port), with its audio under `workDir`. */
export async function startAudioFixture(opts: { port: number; workDir: string; now?: () => number; ffmpegPath?: string }): Promise<AudioFixture> {
  const now = opts.now ?? Date.now
  const audio = await makeAudio(opts.ffmpegPath ?? 'ffmpeg', join(opts.workDir, 'audio'))
  const hlsSegments = await makeHlsSegments(opts.ffmpegPath ?? 'ffmpeg', join(opts.workDir, 'audio'), join(opts.workDir, 'hls'))
  const clicks = new Map<string, number>()
  const feedRequests: AudioFixture['feedRequests'] = []
  const streams = new Set<ServerResponse>()
  let base = ''

  const send = (res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...extra })
    res.end(body)
  }
  const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8') => send(res, status, JSON.stringify(body), type)

  const piAuthorized = (req: IncomingMessage): string | null => {
    const key = req.headers['x-auth-key']
    const date = String(req.headers['x-auth-date'] ?? '')
    const auth = req.headers.authorization
    if (!req.headers['user-agent']) return 'User-Agent header is required.'
    if (key !== PODCAST_INDEX_KEY || !/^\d+$/.test(date) || !auth) return 'Authorization header value either not set or blank.'
    if (Math.abs(Math.floor(now() / 1000) - Number(date)) > 180) return 'Authorization header date is out of range.'
    if (
      auth !==
      createHash('sha1')
        .update(PODCAST_INDEX_KEY + PODCAST_INDEX_SECRET + date)
        .digest('hex')
    )
      return 'Authorization header value is not correct.'
    return null
  }

  const piFeed = (f: FixtureFeed, i: number) => ({
    id: 900 + i,
    podcastGuid: f.guid,
    title: f.title,
    url: `${base}/feeds/${f.slug}.xml`,
    originalUrl: `${base}/feeds/${f.slug}.xml`,
    link: `${base}/`,
    description: f.description,
    author: f.author,
    ownerName: f.author,
    image: `${base}/art/${f.slug}.svg`,
    artwork: `${base}/art/${f.slug}.svg`,
    lastUpdateTime: Math.floor(now() / 1000) - 3600,
    lastCrawlTime: Math.floor(now() / 1000) - 600,
    lastParseTime: Math.floor(now() / 1000) - 600,
    lastGoodHttpStatusTime: Math.floor(now() / 1000) - 600,
    lastHttpStatus: 200,
    contentType: 'application/rss+xml',
    itunesId: f.itunesId,
    generator: null,
    language: 'en',
    explicit: false,
    type: 0,
    medium: 'podcast',
    dead: 0,
    episodeCount: f.episodes.length,
    crawlErrors: 0,
    parseErrors: 0,
    categories: { [String(10 + i)]: f.category },
    locked: 0,
    imageUrlHash: 1000 + i,
    newestItemPubdate: Math.floor(now() / 1000) - Math.min(...f.episodes.map((e) => e.daysAgo)) * 86400,
    trendScore: 10 - i,
  })
  const inIndex = () => FIXTURE_FEEDS.map((f, i) => [f, i] as const).filter(([f]) => f.inPodcastIndex)
  const matches = (f: FixtureFeed, q: string) => {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean)
    const hay = `${f.title} ${f.author} ${f.description} ${f.category}`.toLowerCase()
    return words.length > 0 && words.some((w) => hay.includes(w))
  }

  const streamRadio = (req: IncomingMessage, res: ServerResponse, s: FixtureStation) => {
    const bytes = audio.get(s.file)!
    const icy = req.headers['icy-metadata'] === '1'
    res.writeHead(200, {
      'Content-Type': 'audio/mpeg',
      'Cache-Control': 'no-cache',
      'icy-name': s.name,
      'icy-genre': s.tags.join(','),
      'icy-br': '64',
      ...(icy ? { 'icy-metaint': String(ICY_METAINT) } : {}),
    })
    streams.add(res)
    let offset = 0
    let sinceMeta = 0
    let lastTitle = ''
    const started = now()
    const tick = () => {
      let budget = RADIO_BYTES_PER_S / 4
      const parts: Buffer[] = []
      while (budget > 0) {
        const take = Math.min(budget, bytes.length - offset, icy ? ICY_METAINT - sinceMeta : Number.POSITIVE_INFINITY)
        parts.push(bytes.subarray(offset, offset + take))
        offset = (offset + take) % bytes.length
        budget -= take
        sinceMeta += take
        if (icy && sinceMeta === ICY_METAINT) {
          sinceMeta = 0
          const title = s.titles[Math.floor((now() - started) / TITLE_EVERY_MS) % s.titles.length]!
          if (title === lastTitle) parts.push(Buffer.from([0]))
          else {
            lastTitle = title
            const text = Buffer.from(`StreamTitle='${title.replace(/'/g, '’')}';StreamUrl='${base}/';`)
            const blocks = Math.ceil(text.length / 16)
            const meta = Buffer.alloc(1 + blocks * 16)
            meta[0] = blocks
            text.copy(meta, 1)
            parts.push(meta)
          }
        }
      }
      res.write(Buffer.concat(parts))
    }
    // The first second at once (players buffer before they start), then in real time.
    for (let i = 0; i < 4; i++) tick()
    const timer = setInterval(tick, 250)
    const end = () => {
      clearInterval(timer)
      streams.delete(res)
    }
    res.on('close', end)
    req.on('close', end)
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base)
    const path = url.pathname
    const q = url.searchParams
    let m: RegExpMatchArray | null

    if (path.startsWith('/api/1.0/')) {
      const refusal = piAuthorized(req)
      if (refusal) return json(res, 401, refusal)
      const route = path.slice('/api/1.0/'.length)
      if (route === 'search/byterm') {
        const term = q.get('q') ?? ''
        if (!term) return json(res, 400, { status: 'false', description: 'Invalid parameters' })
        const feeds = inIndex()
          .filter(([f]) => matches(f, term))
          .map(([f, i]) => piFeed(f, i))
        return json(res, 200, { status: 'true', feeds, count: feeds.length, query: term, description: 'Found matching feeds' })
      }
      if (route === 'podcasts/trending') {
        const max = Math.min(Number(q.get('max') ?? 10) || 10, 1000)
        const feeds = inIndex()
          .map(([f, i]) => piFeed(f, i))
          .slice(0, max)
        return json(res, 200, { status: 'true', feeds, count: feeds.length, max, since: null, description: 'Found matching feeds' })
      }
      if (route === 'podcasts/byfeedurl') {
        const hit = inIndex().find(([f]) => `${base}/feeds/${f.slug}.xml` === q.get('url'))
        if (!hit) return json(res, 200, { status: 'true', query: { url: q.get('url') }, feed: [], description: 'No feeds match this url.' })
        return json(res, 200, { status: 'true', query: { url: q.get('url') }, feed: piFeed(hit[0], hit[1]), description: 'Found matching feed' })
      }
      if (route === 'categories/list') {
        const feeds = [...new Set(FIXTURE_FEEDS.map((f) => f.category))].map((name, i) => ({ id: 10 + i, name }))
        return json(res, 200, { status: 'true', feeds, count: feeds.length, description: 'Categories' })
      }
      return json(res, 400, { status: 'false', description: 'Invalid parameters' })
    }

    if (path === '/search') {
      const term = q.get('term') ?? ''
      const limit = Math.min(Number(q.get('limit') ?? 50) || 50, 200)
      const results = FIXTURE_FEEDS.filter((f) => matches(f, term)).map((f) => ({
        wrapperType: 'track',
        kind: 'podcast',
        collectionId: f.itunesId,
        trackId: f.itunesId,
        artistName: f.author,
        collectionName: f.title,
        trackName: f.title,
        feedUrl: `${base}/feeds/${f.slug}.xml`,
        artworkUrl30: `${base}/art/${f.slug}.svg`,
        artworkUrl60: `${base}/art/${f.slug}.svg`,
        artworkUrl100: `${base}/art/${f.slug}.svg`,
        artworkUrl600: `${base}/art/${f.slug}.svg`,
        releaseDate: new Date(now()).toISOString(),
        trackCount: f.episodes.length,
        primaryGenreName: f.category,
        genreIds: ['1318', '26'],
        genres: [f.category, 'Podcasts'],
        country: 'USA',
        contentAdvisoryRating: 'Clean',
      }))
      // Real results sometimes lack a feed URL (an Apple-only show): it cannot be subscribed to.
      if (results.length) results.push({ ...results[0]!, collectionId: 1999999, trackId: 1999999, collectionName: `${results[0]!.collectionName} (Apple exclusive)`, feedUrl: undefined as never })
      return send(res, 200, JSON.stringify({ resultCount: Math.min(results.length, limit), results: results.slice(0, limit) }), 'text/javascript; charset=utf-8')
    }

    if ((m = path.match(/^\/feeds\/([a-z0-9-]+)\.xml$/))) {
      const f = FIXTURE_FEEDS.find((x) => x.slug === m![1])
      if (!f) return send(res, 404, 'no such feed', 'text/plain')
      const body = feedXml(f, base, now())
      // The feed changes when an episode is added: its ETag is the hash of its items, not of the dates in it.
      const etag = `"${createHash('sha1')
        .update(f.episodes.map((e) => e.guid).join())
        .digest('hex')
        .slice(0, 16)}"`
      const inm = (req.headers['if-none-match'] as string | undefined) ?? null
      feedRequests.push({ slug: f.slug, ifNoneMatch: inm })
      if (inm === etag) return send(res, 304, '', 'application/rss+xml', { ETag: etag })
      return send(res, 200, body, 'application/rss+xml; charset=utf-8', { ETag: etag, 'Last-Modified': new Date(now() - 3_600_000).toUTCString() })
    }

    if ((m = path.match(/^\/audio\/([a-z0-9-]+\.mp3)$/))) {
      const bytes = audio.get(m[1]!)
      if (!bytes) return send(res, 404, 'no such file', 'text/plain')
      const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''))
      if (range && (range[1] || range[2])) {
        const start = range[1] ? Number(range[1]) : Math.max(0, bytes.length - Number(range[2]))
        const end = range[1] && range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1
        if (start >= bytes.length || start > end) return send(res, 416, '', 'text/plain', { 'Content-Range': `bytes */${bytes.length}` })
        return send(res, 206, bytes.subarray(start, end + 1), 'audio/mpeg', { 'Accept-Ranges': 'bytes', 'Content-Range': `bytes ${start}-${end}/${bytes.length}` })
      }
      return send(res, 200, bytes, 'audio/mpeg', { 'Accept-Ranges': 'bytes' })
    }

    const episodeOf = (guid: string) => FIXTURE_FEEDS.flatMap((f) => f.episodes).find((e) => e.guid === guid)
    if ((m = path.match(/^\/chapters\/([a-z0-9-]+)\.json$/))) {
      const e = episodeOf(m[1]!)
      return e ? json(res, 200, chaptersOf(e, base), 'application/json+chapters') : send(res, 404, 'no such episode', 'text/plain')
    }
    if ((m = path.match(/^\/transcripts\/([a-z0-9-]+)\.(vtt|srt|json)$/))) {
      const e = episodeOf(m[1]!)
      if (!e || e.transcript !== m[2]) return send(res, 404, 'no such transcript', 'text/plain')
      const t = transcriptOf(e)
      return send(res, 200, t.body, `${t.type}; charset=utf-8`)
    }
    if ((m = path.match(/^\/art\/([a-z0-9-]+)\.svg$/))) {
      const f = FIXTURE_FEEDS.find((x) => x.slug === m![1])
      const s = FIXTURE_STATIONS.find((x) => x.slug === m![1])
      const title = f?.title ?? s?.name
      if (!title) return send(res, 404, 'no such image', 'text/plain')
      return send(res, 200, artSvg(title, (f ? FIXTURE_FEEDS.indexOf(f) : 5 + FIXTURE_STATIONS.indexOf(s!)) + 1), 'image/svg+xml', { 'Cache-Control': 'max-age=3600' })
    }

    if (path.startsWith('/json/')) {
      const station = (s: FixtureStation) => stationJson(s, base, clicks.get(s.uuid) ?? 0)
      if (path === '/json/stations/search') {
        const has = (v: string | null, list: string[]) => !v || list.some((x) => x.toLowerCase() === v.toLowerCase())
        let list = FIXTURE_STATIONS.filter(
          (s) =>
            (!q.get('name') || s.name.toLowerCase().includes(q.get('name')!.toLowerCase())) &&
            has(q.get('tag'), s.tags) &&
            has(q.get('language'), s.languages) &&
            (!q.get('countrycode') || s.countrycode.toLowerCase() === q.get('countrycode')!.toLowerCase()) &&
            (!q.get('codec') || q.get('codec')!.toLowerCase() === (s.hls ? 'aac' : 'mp3')),
        )
        const order = q.get('order') ?? 'name'
        list = [...list].sort((a, b) => (order === 'votes' ? a.votes - b.votes : order === 'clickcount' ? (clicks.get(a.uuid) ?? 0) - (clicks.get(b.uuid) ?? 0) : a.name.localeCompare(b.name)))
        if (q.get('reverse') === 'true') list.reverse()
        const offset = Number(q.get('offset') ?? 0) || 0
        const limit = Number(q.get('limit') ?? 100000) || 100000
        return json(res, 200, list.slice(offset, offset + limit).map(station))
      }
      if ((m = path.match(/^\/json\/url\/([0-9a-f-]{36})$/))) {
        const s = FIXTURE_STATIONS.find((x) => x.uuid === m![1])
        if (!s) return json(res, 200, { ok: 'false', message: 'did not find station with matching uuid', stationuuid: m[1], name: '', url: '' })
        clicks.set(s.uuid, (clicks.get(s.uuid) ?? 0) + 1)
        return json(res, 200, { ok: 'true', message: 'retrieved station url', stationuuid: s.uuid, name: s.name, url: stationJson(s, base, 0).url_resolved })
      }
      if ((m = path.match(/^\/json\/stations\/(topclick|topvote)\/(\d+)$/))) {
        const by = m[1] === 'topvote' ? (s: FixtureStation) => s.votes : (s: FixtureStation) => clicks.get(s.uuid) ?? 0
        return json(
          res,
          200,
          [...FIXTURE_STATIONS]
            .sort((a, b) => by(b) - by(a))
            .slice(0, Number(m[2]))
            .map(station),
        )
      }
      if (path === '/json/tags') {
        const counts = new Map<string, number>()
        for (const s of FIXTURE_STATIONS) for (const t of s.tags) counts.set(t, (counts.get(t) ?? 0) + 1)
        return json(
          res,
          200,
          [...counts].map(([name, stationcount]) => ({ name, stationcount })),
        )
      }
      if (path === '/json/countries') {
        const counts = new Map<string, { name: string; iso_3166_1: string; stationcount: number }>()
        for (const s of FIXTURE_STATIONS) {
          const c = counts.get(s.countrycode) ?? { name: s.country, iso_3166_1: s.countrycode, stationcount: 0 }
          c.stationcount++
          counts.set(s.countrycode, c)
        }
        return json(res, 200, [...counts.values()])
      }
      if (path === '/json/servers') return json(res, 200, [{ ip: '127.0.0.1', name: new URL(base).host }])
      return json(res, 404, { ok: 'false', message: 'unknown endpoint' })
    }

    if ((m = path.match(/^\/hls\/([a-z0-9-]+)\/live\.m3u8$/))) {
      // A live window of three segments moving with the clock, looping over the ten made at start.
      const seq = Math.floor(now() / 1000 / HLS_SEGMENT_S)
      const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${HLS_SEGMENT_S}`, `#EXT-X-MEDIA-SEQUENCE:${seq}`, `#EXT-X-DISCONTINUITY-SEQUENCE:${Math.floor(seq / HLS_SEGMENTS)}`]
      for (let n = seq; n < seq + 3; n++) {
        if (n % HLS_SEGMENTS === 0 && n !== seq) lines.push('#EXT-X-DISCONTINUITY')
        lines.push(`#EXTINF:${HLS_SEGMENT_S}.000,`, `seg/${n % HLS_SEGMENTS}.ts`)
      }
      return send(res, 200, `${lines.join('\n')}\n`, 'application/vnd.apple.mpegurl', { 'Cache-Control': 'no-store' })
    }
    if ((m = path.match(/^\/hls\/([a-z0-9-]+)\/seg\/(\d+)\.ts$/))) {
      const seg = hlsSegments[Number(m[2])]
      return seg ? send(res, 200, seg, 'video/mp2t') : send(res, 404, 'no such segment', 'text/plain')
    }
    if ((m = path.match(/^\/stream\/([a-z0-9-]+)$/))) {
      const s = FIXTURE_STATIONS.find((x) => x.slug === m![1])
      if (!s) return send(res, 404, 'no such stream', 'text/plain')
      return streamRadio(req, res, s)
    }
    if ((m = path.match(/^\/playlists\/([a-z0-9-]+)\.(pls|m3u|xspf)$/))) {
      const s = FIXTURE_STATIONS.find((x) => x.slug === m![1])
      if (!s) return send(res, 404, 'no such playlist', 'text/plain')
      const stream = `${base}/stream/${s.slug}`
      if (m[2] === 'pls') return send(res, 200, `[playlist]\nNumberOfEntries=1\nFile1=${stream}\nTitle1=${s.name}\nLength1=-1\nVersion=2\n`, 'audio/x-scpls')
      if (m[2] === 'm3u') return send(res, 200, `#EXTM3U\n#EXTINF:-1,${s.name}\n${stream}\n`, 'audio/x-mpegurl')
      return send(
        res,
        200,
        `<?xml version="1.0" encoding="UTF-8"?>\n<playlist version="1" xmlns="http://xspf.org/ns/0/"><trackList><track><location>${xml(stream)}</location><title>${xml(s.name)}</title><image>${base}/art/${s.slug}.svg</image></track></trackList></playlist>\n`,
        'application/xspf+xml',
      )
    }
    if (path === '/') return send(res, 200, '<!doctype html><title>Demo audio service</title><p>A loopback podcast and radio service.</p>', 'text/html; charset=utf-8')
    return send(res, 404, 'not found', 'text/plain')
  }

  const server = createServer((req, res) => {
    try {
      handle(req, res)
    } catch (err) {
      if (!res.headersSent) send(res, 500, String((err as Error).message), 'text/plain')
      else res.destroy()
    }
  })
  await new Promise<void>((resolve) => server.listen(opts.port, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    server,
    clicks,
    feedRequests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/**
 * Points the demo catalog's feeds, episodes and stations (the seed names 127.0.0.1:8792) at the
 * service where it runs now, and asks for the feeds to be refreshed.
 */
export async function pointDemoAudioAt(client: { query(sql: string, params?: unknown[]): Promise<unknown> }, base: string): Promise<void> {
  const demo = String.raw`^http://127\.0\.0\.1:\d+/`
  const at = `${base.replace(/\/$/, '')}/`
  await client.query(
    `update catalog.podcast_feeds set url = regexp_replace(url, $1, $2), image_url = regexp_replace(image_url, $1, $2), link = regexp_replace(link, $1, $2),
            refresh_requested_at = now(), etag = null, last_modified = null
      where url ~ ($1 || 'feeds/')`,
    [demo, at],
  )
  await client.query(
    `update catalog.podcast_episodes set enclosure_url = regexp_replace(enclosure_url, $1, $2), chapters_url = regexp_replace(chapters_url, $1, $2)
      where enclosure_url ~ ($1 || 'audio/')`,
    [demo, at],
  )
  await client.query(
    `update catalog.radio_stations set stream_url = regexp_replace(stream_url, $1, $2), homepage = regexp_replace(homepage, $1, $2), favicon_url = regexp_replace(favicon_url, $1, $2)
      where stream_url ~ ($1 || 'stream/')`,
    [demo, at],
  )
}
