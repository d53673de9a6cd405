/**
 * Radio routes. Calls the edge app makes for one person, signed for `radio`:
 * `GET /v1/radio/search?name&tag&countrycode&language&codec&order` and `GET /v1/radio/top`
 * (Radio Browser, the stations written into the catalog so they can be favourites), and
 * `POST /v1/radio/playlist?url=` (the stations of a .pls, .m3u or .xspf playlist).
 * What a browser loads, signed for `station:<id>`:
 * `GET /v1/radio/:id/stream` — the station through the node (so an http-only stream plays on an
 * https page), its ICY metadata taken out and remembered, never transcoded; a click counted at
 * Radio Browser, as its API asks; a station that sends no audio within 10 s is cut off with the
 * reason. `GET /v1/radio/:id/now-playing` — the last ICY title. `GET /v1/radio/:id/logo`.
 */
import { Readable } from 'node:stream'
import { type NowPlaying, parseCatalogId, RADIO_RESOURCE, type SignedSubject, StationListSchema, stationResource } from '@bittorrented/common'
import type { Hono } from 'hono'
import type { Logger } from 'pino'
import type { WithClient } from '../../db.ts'
import { AppError } from '../../errors.ts'
import { fetchUpstream } from '../../iptv/live-proxy.ts'
import { ImageCache } from '../../net/image-cache.ts'
import { readText, safeFetch, type SafeResponse } from '../../net/safe-fetch.ts'
import { IcyDemuxer } from '../../radio/icy.ts'
import type { RadioBrowser, StationSearch } from '../../radio/radio-browser.ts'
import { parseStationPlaylist } from '../../radio/station-playlist.ts'
import { upsertStations } from '../../radio/station-store.ts'
import { hlsRelay } from '../hls-relay.ts'
import type { SignedEnv } from '../require-signature.ts'

export interface RadioDeps {
  withClient: WithClient
  /** For the URIs of an HLS station's playlists: where the node reaches itself, and the key it signs them with. */
  selfUrl: string
  signingKey: string
  radioBrowser: RadioBrowser
  allow: ReadonlySet<string>
  timeoutMs: number
  /** How long a station may take to send its first audio (default 10 s). */
  firstAudioMs?: number
  /** Streams proxied at once (default 64). */
  maxStreams?: number
  log?: Logger
}

const AUDIO_TYPE = /^(audio\/|application\/ogg|video\/mp2t|application\/octet-stream)/i
const PLAYLIST_TYPE = /(mpegurl|scpls|x-pls|xspf|pls\+xml)/i

function requireResource(subject: SignedSubject, resource: string): void {
  if (subject.resource !== resource) throw new AppError('not_allowed', 'This URL was signed for something else.')
}
function idOf(c: { req: { param(name: string): string } }, subject: SignedSubject): number {
  const id = parseCatalogId(c.req.param('id'))
  if (id === null) throw new AppError('invalid_input', 'A station id is a positive whole number.')
  requireResource(subject, stationResource(id))
  return id
}

/** The first chunk of a body within `ms`, or a clear refusal. */
function firstChunk(res: SafeResponse, ms: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      res.body.destroy()
      reject(new AppError('upstream_unavailable', `The station sent no audio in ${Math.round(ms / 1000)} seconds; it may be off the air.`))
    }, ms)
    res.body.once('data', (chunk: Buffer) => {
      clearTimeout(timer)
      res.body.pause()
      resolve(chunk)
    })
    res.body.once('error', (err) => {
      clearTimeout(timer)
      reject(err instanceof AppError ? err : new AppError('upstream_unavailable', 'The station ended the connection.'))
    })
    res.body.once('end', () => {
      clearTimeout(timer)
      reject(new AppError('upstream_unavailable', 'The station ended the stream before sending any audio.'))
    })
  })
}

export function mountRadioRoutes(app: Hono<SignedEnv>, deps: RadioDeps): void {
  const nowPlaying = new Map<number, { title: string; since: string }>()
  const logos = new ImageCache({ allow: deps.allow, log: deps.log, what: 'The station’s logo' })
  let streaming = 0

  const listed = async (find: () => Promise<Parameters<typeof upsertStations>[1]>) => {
    try {
      const stations = await find()
      return { stations: await deps.withClient((db) => upsertStations(db, stations)), unavailable: [] }
    } catch (err) {
      if (err instanceof AppError && err.code !== 'upstream_unavailable') throw err
      deps.log?.info({ err: (err as Error).message }, 'radio directory unavailable')
      return { stations: [], unavailable: ['Radio Browser did not answer; try again in a moment.'] }
    }
  }

  app.get('/v1/radio/search', async (c) => {
    requireResource(c.get('subject'), RADIO_RESOURCE)
    const order = c.req.query('order')
    const q: StationSearch = {
      name: c.req.query('name'),
      tag: c.req.query('tag'),
      countrycode: c.req.query('countrycode'),
      language: c.req.query('language'),
      codec: c.req.query('codec'),
      order: order === 'name' || order === 'clickcount' || order === 'bitrate' ? order : 'votes',
      limit: Math.min(Number(c.req.query('limit') ?? 40) || 40, 100),
    }
    for (const v of Object.values(q)) if (typeof v === 'string' && v.length > 100) throw new AppError('invalid_input', 'A search field is at most 100 characters.')
    return c.json(StationListSchema.parse(await listed(() => deps.radioBrowser.search(q))))
  })

  app.get('/v1/radio/top', async (c) => {
    requireResource(c.get('subject'), RADIO_RESOURCE)
    return c.json(StationListSchema.parse(await listed(() => deps.radioBrowser.top(24))))
  })

  app.post('/v1/radio/playlist', async (c) => {
    requireResource(c.get('subject'), RADIO_RESOURCE)
    const url = c.req.query('url')
    if (!url) throw new AppError('invalid_input', 'Give the playlist’s address.')
    const res = await safeFetch(url, { maxBytes: 2 * 1024 * 1024, timeoutMs: deps.timeoutMs, allow: deps.allow, what: 'The playlist' })
    const type = String(res.headers['content-type'] ?? '')
    // A stream address given as a playlist: one station, the stream itself.
    if (AUDIO_TYPE.test(type) && !PLAYLIST_TYPE.test(type)) {
      res.body.destroy()
      const stations = await deps.withClient((db) => upsertStations(db, [{ name: new URL(res.url).hostname, streamUrl: res.url }]))
      return c.json(StationListSchema.parse({ stations, unavailable: [], unplayable: 0 }))
    }
    const text = await readText(res.body)
    if (res.status !== 200) throw new AppError('upstream_unavailable', `The playlist’s server answered ${res.status}.`)
    const parsed = parseStationPlaylist(text, res.url)
    if (!parsed.stations.length) throw new AppError('invalid_input', parsed.unplayable ? 'The playlist’s streams are of a kind browsers cannot play (rtsp, mms).' : 'The playlist names no stations.')
    const stations = await deps.withClient((db) =>
      upsertStations(
        db,
        parsed.stations.map((s) => ({ name: s.name.slice(0, 400), streamUrl: s.streamUrl, favicon: s.image })),
      ),
    )
    return c.json(StationListSchema.parse({ stations, unavailable: [], unplayable: parsed.unplayable }))
  })

  app.get('/v1/radio/:id/stream', async (c) => {
    const id = idOf(c, c.get('subject'))
    const station = await deps.withClient(
      async (db) =>
        (await db.query<{ name: string; stream_url: string; station_uuid: string | null; hls: boolean }>('select name, stream_url, station_uuid, hls from catalog.radio_stations where id = $1', [id]))
          .rows[0],
    )
    if (!station) throw new AppError('not_found', 'There is no such station.')
    if (station.hls) throw new AppError('invalid_input', 'This station streams as HLS: its address is /v1/radio/<id>/index.m3u8.')
    if (streaming >= (deps.maxStreams ?? 64)) throw new AppError('busy', 'The node is relaying as many stations as it can; try again in a minute.')
    // Radio Browser asks for a click on every play; its answer is the address to use now.
    let url = station.stream_url
    if (station.station_uuid) url = (await deps.radioBrowser.click(station.station_uuid).catch(() => null)) ?? url
    const open = (target: string) =>
      safeFetch(target, { maxBytes: Number.POSITIVE_INFINITY, timeoutMs: Number.POSITIVE_INFINITY, idleMs: 15_000, allow: deps.allow, headers: { 'icy-metadata': '1' }, what: 'The station' })
    let res = await open(url)
    let type = String(res.headers['content-type'] ?? '').toLowerCase()
    // Some directory entries are playlists: follow the first stream once.
    if (res.status === 200 && PLAYLIST_TYPE.test(type)) {
      const parsed = parseStationPlaylist(await readText(res.body), res.url)
      const next = parsed.stations[0]?.streamUrl
      if (!next) throw new AppError('unplayable_media', 'The station’s playlist names no stream a browser can play.')
      res = await open(next)
      type = String(res.headers['content-type'] ?? '').toLowerCase()
    }
    if (res.status !== 200) {
      res.body.destroy()
      throw new AppError('upstream_unavailable', `The station answered ${res.status}; it may be off the air.`)
    }
    if (!AUDIO_TYPE.test(type) && type) {
      res.body.destroy()
      throw new AppError('unplayable_media', `The station sent ${type.split(';')[0]}, not audio.`)
    }
    const metaint = Number(res.headers['icy-metaint'])
    let audio: Readable = res.body
    if (Number.isInteger(metaint) && metaint > 0 && metaint <= 1_000_000) {
      audio = res.body.pipe(new IcyDemuxer(metaint, (title) => nowPlaying.set(id, { title, since: new Date().toISOString() })))
      res.body.on('error', (err) => audio.destroy(err))
    }
    const first = await firstChunk({ ...res, body: audio }, deps.firstAudioMs ?? 10_000).catch((err: unknown) => {
      res.body.destroy()
      throw err
    })
    streaming++
    let done = false
    const finish = () => {
      if (done) return
      done = true
      streaming--
      res.body.destroy()
      audio.destroy()
    }
    c.req.raw.signal.addEventListener('abort', finish, { once: true })
    audio.once('close', finish)
    const body = Readable.from(
      (async function* () {
        yield first
        for await (const chunk of audio) yield chunk as Buffer
      })(),
    )
    body.once('close', finish)
    return c.body(Readable.toWeb(body) as ReadableStream<Uint8Array>, 200, {
      'Content-Type': type.split(';')[0] || 'audio/mpeg',
      'Cache-Control': 'no-store',
    })
  })

  // HLS stations: the playlist with its URIs rewritten to tokens the node remembers.
  const hlsLimits = { allow: deps.allow, timeoutMs: deps.timeoutMs, playlistMaxBytes: 1024 * 1024, segmentMaxBytes: 16 * 1024 * 1024 }
  const hls = hlsRelay({
    signingKey: deps.signingKey,
    selfUrl: deps.selfUrl,
    base: '/v1/radio',
    limits: hlsLimits,
    what: 'The station',
    expired: 'That part of the stream has expired; tune in again.',
  })

  app.get('/v1/radio/:id/index.m3u8', async (c) => {
    const subject = c.get('subject')
    const id = idOf(c, subject)
    const station = await deps.withClient(
      async (db) => (await db.query<{ stream_url: string; station_uuid: string | null; hls: boolean }>('select stream_url, station_uuid, hls from catalog.radio_stations where id = $1', [id])).rows[0],
    )
    if (!station) throw new AppError('not_found', 'There is no such station.')
    let url = station.stream_url
    if (station.station_uuid) url = (await deps.radioBrowser.click(station.station_uuid).catch(() => null)) ?? url
    const fetched = await fetchUpstream({ url, headers: {} }, hlsLimits, 'The station')
    if (fetched.kind !== 'playlist') throw new AppError('unplayable_media', 'The station did not send an HLS playlist.')
    return hls.playlist(c, id, fetched, {}, subject)
  })

  app.get('/v1/radio/:id/r/:token', (c) => {
    const subject = c.get('subject')
    return hls.relay(c, idOf(c, subject), c.req.param('token'), subject)
  })

  app.get('/v1/radio/:id/now-playing', async (c) => {
    const id = idOf(c, c.get('subject'))
    const name = await deps.withClient(async (db) => (await db.query<{ name: string }>('select name from catalog.radio_stations where id = $1', [id])).rows[0]?.name)
    if (!name) throw new AppError('not_found', 'There is no such station.')
    const np = nowPlaying.get(id)
    const answer: NowPlaying = { title: np?.title ?? null, station: name, since: np?.since ?? null }
    return c.json(answer, 200, { 'Cache-Control': 'no-store' })
  })

  app.get('/v1/radio/:id/logo', async (c) => {
    const id = idOf(c, c.get('subject'))
    const logo = await logos.get(`station:${id}`, () =>
      deps.withClient(async (db) => (await db.query<{ favicon_url: string | null }>('select favicon_url from catalog.radio_stations where id = $1', [id])).rows[0]?.favicon_url),
    )
    return ImageCache.respond(c, logo, 'This station has no logo.')
  })
}
