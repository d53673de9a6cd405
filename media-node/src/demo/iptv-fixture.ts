/**
 * A loopback IPTV service for `npm start` and the tests, speaking what real services send:
 *
 * - `GET /playlist.m3u` — an M3U (`x-tvg-url` header, `tvg-*`, `group-title`, catch-up
 *   `append` on two channels);
 * - `GET /epg.xml` (and `/epg.xml.gz`) — an XMLTV guide, programmes every 30 minutes from two
 *   days back to two days ahead, with a rating on the kids' channels;
 * - `GET /live/<key>/index.m3u8` — a live HLS stream made by FFmpeg when first asked for (test
 *   patterns, a running clock, a tone), stopped a minute after nobody asks; with
 *   `?utc=<start>&lutc=<now>` (catch-up `append`) a finished recording of that half hour instead;
 * - Xtream Codes: `/player_api.php?username=…&password=…` (login, `get_live_categories`,
 *   `get_live_streams`, `get_short_epg` with base64 titles), `/xmltv.php`, `/get.php` and the
 *   stream URLs `/live/<user>/<password>/<stream id>.m3u8`.
 *
 * Nothing here is used by the product; it stands in for the provider a family subscribes to.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

export interface FixtureChannel {
  key: string
  streamId: number
  name: string
  group: string
  /** FFmpeg lavfi sources: video, audio. */
  video: string
  audio: string
  catchupDays: number
  rating: string | null
}

export const FIXTURE_CHANNELS: FixtureChannel[] = [
  { key: 'clock.demo', streamId: 101, name: 'Test Card Clock', group: 'News', video: 'testsrc2=size=480x270:rate=15', audio: 'sine=frequency=440:sample_rate=48000', catchupDays: 2, rating: null },
  { key: 'bars.demo', streamId: 102, name: 'Colour Bars', group: 'News', video: 'smptehdbars=size=480x270:rate=15', audio: 'sine=frequency=1000:sample_rate=48000', catchupDays: 0, rating: null },
  { key: 'tone.demo', streamId: 103, name: 'Tone and Bars', group: 'Music', video: 'smptebars=size=480x270:rate=15', audio: 'sine=frequency=660:sample_rate=48000', catchupDays: 0, rating: null },
  {
    key: 'life.demo',
    streamId: 104,
    name: 'Game of Life',
    group: 'Kids',
    video: 'life=size=240x135:rate=15:mold=10:ratio=0.1:death_color=#203060:life_color=#40e080,scale=480:270',
    audio: 'sine=frequency=330:sample_rate=48000',
    catchupDays: 2,
    rating: 'TV-Y',
  },
  {
    key: 'mandelbrot.demo',
    streamId: 105,
    name: 'Mandelbrot Zoom',
    group: 'Kids',
    video: 'mandelbrot=size=240x135:rate=15,scale=480:270',
    audio: 'sine=frequency=550:sample_rate=48000',
    catchupDays: 0,
    rating: 'TV-Y',
  },
  {
    key: 'cells.demo',
    streamId: 106,
    name: 'Cellular Automaton',
    group: 'Science',
    video: 'cellauto=size=480x270:rate=15:rule=110',
    audio: 'sine=frequency=220:sample_rate=48000',
    catchupDays: 0,
    rating: null,
  },
]

export const FIXTURE_USER = 'demo'
export const FIXTURE_PASSWORD = 'demo-pass'
const SLOT_MS = 30 * 60_000
const IDLE_STOP_MS = 60_000
const SHOWS = ['Morning Edition', 'Test Pattern Hour', 'The Signal', 'Night Shift', 'Calibration', 'Weekend Special']

const pad = (n: number) => String(n).padStart(2, '0')
/** XMLTV's time format, in UTC. */
export function xmltvTime(ms: number): string {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())} +0000`
}
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** The guide's programmes of a channel: half-hour slots from two days back to two days ahead of `now`. */
export function programmesOf(channel: FixtureChannel, now: number): Array<{ start: number; stop: number; title: string; description: string }> {
  const first = Math.floor(now / SLOT_MS) * SLOT_MS - 2 * 24 * 60 * 60_000
  const out = []
  for (let start = first; start < now + 2 * 24 * 60 * 60_000; start += SLOT_MS) {
    const n = Math.floor(start / SLOT_MS)
    out.push({ start, stop: start + SLOT_MS, title: `${SHOWS[n % SHOWS.length]} on ${channel.name}`, description: `Half an hour of ${channel.name.toLowerCase()}, live from the loopback.` })
  }
  return out
}

export function fixturePlaylist(base: string): string {
  const lines = [`#EXTM3U x-tvg-url="${base}/epg.xml"`]
  for (const c of FIXTURE_CHANNELS) {
    const catchup = c.catchupDays ? ` catchup="append" catchup-days="${c.catchupDays}" catchup-source="?utc={utc}&lutc={lutc}"` : ''
    lines.push(`#EXTINF:-1 tvg-id="${c.key}" tvg-name="${c.name}" tvg-chno="${c.streamId - 100}" tvg-logo="${base}/logo/${c.key}.svg" group-title="${c.group}"${catchup},${c.name}`)
    lines.push(`${base}/live/${c.key}/index.m3u8`)
  }
  return `${lines.join('\n')}\n`
}

export function fixtureGuide(base: string, now: number): string {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE tv SYSTEM "xmltv.dtd">', '<tv generator-info-name="bittorrented-fixture">']
  for (const c of FIXTURE_CHANNELS) parts.push(`  <channel id="${c.key}"><display-name>${xml(c.name)}</display-name><icon src="${base}/logo/${c.key}.svg"/></channel>`)
  for (const c of FIXTURE_CHANNELS) {
    for (const p of programmesOf(c, now)) {
      const rating = c.rating ? `<rating system="VCHIP"><value>${c.rating}</value></rating>` : ''
      parts.push(
        `  <programme start="${xmltvTime(p.start)}" stop="${xmltvTime(p.stop)}" channel="${c.key}"><title lang="en">${xml(p.title)}</title><desc lang="en">${xml(p.description)}</desc><category>${xml(c.group)}</category>${rating}</programme>`,
      )
    }
  }
  parts.push('</tv>')
  return `${parts.join('\n')}\n`
}

function logoSvg(c: FixtureChannel): string {
  const hue = (c.streamId * 57) % 360
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 90"><rect width="160" height="90" rx="10" fill="hsl(${hue},55%,35%)"/><text x="80" y="54" font-family="sans-serif" font-size="22" fill="#fff" text-anchor="middle">${xml(
    c.name
      .split(' ')
      .map((w) => w[0])
      .join(''),
  )}</text></svg>`
}

interface Encoder {
  dir: string
  child: ChildProcess
  lastAsked: number
}

export interface IptvFixture {
  url: string
  server: Server
  /** Live encoders running now (for tests). */
  readonly running: number
  stop(): Promise<void>
}

/** Starts the service on 127.0.0.1:`port` (0: any free port), making streams under `workDir`. */
export async function startIptvFixture(opts: { port: number; workDir: string; now?: () => number; ffmpegPath?: string }): Promise<IptvFixture> {
  const now = opts.now ?? Date.now
  const ffmpeg = opts.ffmpegPath ?? 'ffmpeg'
  const encoders = new Map<string, Encoder>()
  await rm(opts.workDir, { recursive: true, force: true })
  await mkdir(opts.workDir, { recursive: true })
  let base = ''

  const startEncoder = async (id: string, c: FixtureChannel, recording: boolean): Promise<Encoder> => {
    const known = encoders.get(id)
    if (known && known.child.exitCode === null) {
      known.lastAsked = now()
      return known
    }
    const dir = join(opts.workDir, id.replace(/[^a-z0-9.-]/gi, '_'))
    await rm(dir, { recursive: true, force: true })
    await mkdir(dir, { recursive: true })
    // A live channel: real time, a sliding window. A recording: 30 s made as fast as possible, whole.
    const args = [
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      ...(recording ? [] : ['-re']),
      '-f',
      'lavfi',
      '-i',
      recording ? `${c.video},trim=duration=30` : c.video,
      '-f',
      'lavfi',
      '-i',
      recording ? `${c.audio},atrim=duration=30` : c.audio,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-g',
      '30',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-b:a',
      '64k',
      '-ac',
      '2',
      '-f',
      'hls',
      '-hls_time',
      '2',
      ...(recording ? ['-hls_playlist_type', 'vod', '-t', '30'] : ['-hls_list_size', '6', '-hls_flags', 'delete_segments+omit_endlist']),
      '-hls_segment_filename',
      join(dir, 'seg-%d.ts'),
      join(dir, 'index.m3u8'),
    ]
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'ignore'] })
    const encoder = { dir, child, lastAsked: now() }
    encoders.set(id, encoder)
    return encoder
  }

  const sweep = setInterval(() => {
    for (const [id, e] of encoders) {
      if (Date.now() - e.lastAsked > IDLE_STOP_MS && e.child.exitCode === null) e.child.kill('SIGTERM')
      if (e.child.exitCode !== null && Date.now() - e.lastAsked > IDLE_STOP_MS) encoders.delete(id)
    }
  }, 5_000)
  sweep.unref()

  const send = (res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...extra })
    res.end(body)
  }

  const servePlaylistFile = async (res: ServerResponse, e: Encoder) => {
    const file = join(e.dir, 'index.m3u8')
    // Like a real live channel, the first answer already holds a window of three segments (a
    // one-segment live playlist is something players choke on); within the callers' 15 s idle limit.
    const segments = async () => (existsSync(file) ? ((await readFile(file, 'utf8')).match(/#EXTINF/g)?.length ?? 0) : 0)
    const deadline = Date.now() + 12_000
    while ((await segments()) < 3 && Date.now() < deadline && e.child.exitCode === null) await new Promise((r) => setTimeout(r, 100))
    if (!existsSync(file)) return send(res, 503, 'the channel is not on the air', 'text/plain')
    send(res, 200, await readFile(file), 'application/vnd.apple.mpegurl')
  }

  const xtreamAuth = (q: URLSearchParams) => q.get('username') === FIXTURE_USER && q.get('password') === FIXTURE_PASSWORD

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base)
    const q = url.searchParams
    const path = url.pathname
    if (path === '/playlist.m3u' || (path === '/get.php' && xtreamAuth(q))) return send(res, 200, fixturePlaylist(base), 'audio/x-mpegurl')
    if (path === '/epg.xml' || (path === '/xmltv.php' && xtreamAuth(q))) return send(res, 200, fixtureGuide(base, now()), 'application/xml')
    if (path === '/epg.xml.gz') return send(res, 200, gzipSync(fixtureGuide(base, now())), 'application/gzip')
    const logo = /^\/logo\/([a-z.]+)\.svg$/.exec(path)
    if (logo) {
      const c = FIXTURE_CHANNELS.find((x) => x.key === logo[1])
      return c ? send(res, 200, logoSvg(c), 'image/svg+xml') : send(res, 404, 'no such logo', 'text/plain')
    }
    if (path === '/player_api.php') return xtream(res, q)
    // Xtream stream URLs lead to the channel's stream.
    const xs = /^\/live\/([^/]+)\/([^/]+)\/(\d+)\.(m3u8|ts)$/.exec(path)
    if (xs) {
      if (xs[1] !== FIXTURE_USER || xs[2] !== FIXTURE_PASSWORD) return send(res, 401, 'bad credentials', 'text/plain')
      const c = FIXTURE_CHANNELS.find((x) => x.streamId === Number(xs[3]))
      if (!c) return send(res, 404, 'no such stream', 'text/plain')
      res.writeHead(302, { Location: `/live/${c.key}/index.m3u8` })
      return res.end()
    }
    // Xtream timeshift: /timeshift/<user>/<password>/<minutes>/<YYYY-MM-DD:HH-MM>/<id>.m3u8 (UTC here).
    const ts = /^\/timeshift\/([^/]+)\/([^/]+)\/(\d+)\/(\d{4})-(\d{2})-(\d{2}):(\d{2})-(\d{2})\/(\d+)\.(m3u8|ts)$/.exec(path)
    if (ts) {
      if (ts[1] !== FIXTURE_USER || ts[2] !== FIXTURE_PASSWORD) return send(res, 401, 'bad credentials', 'text/plain')
      const c = FIXTURE_CHANNELS.find((x) => x.streamId === Number(ts[9]))
      if (!c?.catchupDays) return send(res, 404, 'no archive for this stream', 'text/plain')
      const start = Date.UTC(Number(ts[4]), Number(ts[5]) - 1, Number(ts[6]), Number(ts[7]), Number(ts[8])) / 1000
      res.writeHead(302, { Location: `/live/${c.key}/index.m3u8?utc=${start}&lutc=${Math.floor(now() / 1000)}` })
      return res.end()
    }
    const live = /^\/live\/([a-z.]+)\/(index\.m3u8|seg-\d+\.ts)$/.exec(path)
    if (live) {
      const c = FIXTURE_CHANNELS.find((x) => x.key === live[1])
      if (!c) return send(res, 404, 'no such channel', 'text/plain')
      const utc = Number(q.get('utc'))
      const recording = q.has('utc') && Number.isFinite(utc) && c.catchupDays > 0
      if (q.has('utc') && !recording) return send(res, 404, 'this channel has no catch-up', 'text/plain')
      const id = recording ? `${c.key}@${Math.floor(utc / 1800) * 1800}` : c.key
      const e = await startEncoder(id, c, recording)
      if (live[2] === 'index.m3u8') {
        // Segment URIs in the playlist are relative; a recording's carry its query on.
        if (!recording) return servePlaylistFile(res, e)
        const file = join(e.dir, 'index.m3u8')
        // Made before answering, within the callers' idle limit (the node drops a silent server after 15 s).
        const deadline = Date.now() + 12_000
        while (!(existsSync(file) && (await readFile(file, 'utf8')).includes('#EXT-X-ENDLIST')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
        if (!existsSync(file)) return send(res, 503, 'the recording is not ready', 'text/plain')
        const text = (await readFile(file, 'utf8')).replace(/^(seg-\d+\.ts)$/gm, `$1?${q.toString()}`)
        return send(res, 200, text, 'application/vnd.apple.mpegurl')
      }
      const segment = join(e.dir, live[2]!)
      if (!existsSync(segment)) return send(res, 404, 'that segment has gone', 'text/plain')
      return send(res, 200, await readFile(segment), 'video/mp2t')
    }
    send(res, 404, 'not found', 'text/plain')
  }

  const xtream = (res: ServerResponse, q: URLSearchParams) => {
    // Like a real panel: a wrong login is HTTP 200 with auth 0.
    if (!xtreamAuth(q)) return send(res, 200, JSON.stringify({ user_info: { auth: 0 } }), 'application/json')
    const t = Math.floor(now() / 1000)
    switch (q.get('action')) {
      case 'get_live_categories':
        return send(
          res,
          200,
          JSON.stringify([...new Set(FIXTURE_CHANNELS.map((c) => c.group))].map((name, i) => ({ category_id: String(i + 1), category_name: name, parent_id: 0 }))),
          'application/json',
        )
      case 'get_live_streams': {
        const groups = [...new Set(FIXTURE_CHANNELS.map((c) => c.group))]
        const streams = FIXTURE_CHANNELS.map((c, i) => ({
          num: i + 1,
          name: c.name,
          stream_type: 'live',
          stream_id: String(c.streamId),
          stream_icon: `${base}/logo/${c.key}.svg`,
          epg_channel_id: c.key,
          added: String(t - 86400),
          category_id: String(groups.indexOf(c.group) + 1),
          custom_sid: '',
          // Panels mix numbers and strings.
          tv_archive: c.catchupDays ? 1 : '0',
          direct_source: '',
          tv_archive_duration: c.catchupDays ? String(c.catchupDays) : 0,
        }))
        return send(res, 200, JSON.stringify(streams), 'application/json')
      }
      case 'get_short_epg': {
        const c = FIXTURE_CHANNELS.find((x) => x.streamId === Number(q.get('stream_id')))
        if (!c) return send(res, 200, JSON.stringify({ epg_listings: [] }), 'application/json')
        const limit = Number(q.get('limit') ?? 4)
        const listings = programmesOf(c, now())
          .filter((p) => p.stop > now())
          .slice(0, limit)
          .map((p, i) => ({
            id: String(p.start / 1000),
            epg_id: '1',
            title: Buffer.from(p.title).toString('base64'),
            lang: 'en',
            start: new Date(p.start).toISOString().slice(0, 19).replace('T', ' '),
            end: new Date(p.stop).toISOString().slice(0, 19).replace('T', ' '),
            description: Buffer.from(p.description).toString('base64'),
            channel_id: c.key,
            start_timestamp: String(p.start / 1000),
            stop_timestamp: p.stop / 1000,
            now_playing: i === 0 ? 1 : 0,
            has_archive: c.catchupDays ? 1 : 0,
          }))
        return send(res, 200, JSON.stringify({ epg_listings: listings }), 'application/json')
      }
      default:
        return send(
          res,
          200,
          JSON.stringify({
            user_info: {
              username: FIXTURE_USER,
              password: FIXTURE_PASSWORD,
              message: '',
              auth: 1,
              status: 'Active',
              exp_date: String(t + 365 * 86400),
              is_trial: '0',
              active_cons: '0',
              created_at: String(t - 86400),
              max_connections: '2',
              allowed_output_formats: ['m3u8', 'ts'],
            },
            server_info: {
              url: '127.0.0.1',
              port: String(new URL(base).port),
              https_port: '',
              server_protocol: 'http',
              rtmp_port: '',
              timezone: 'UTC',
              timestamp_now: t,
              time_now: new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' '),
              process: true,
            },
          }),
          'application/json',
        )
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => send(res, 500, err.message, 'text/plain'))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, '127.0.0.1', resolve)
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    server,
    get running() {
      return [...encoders.values()].filter((e) => e.child.exitCode === null).length
    },
    async stop() {
      clearInterval(sweep)
      for (const e of encoders.values()) e.child.kill('SIGKILL')
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
      await rm(opts.workDir, { recursive: true, force: true, maxRetries: 5 })
    },
  }
}
