/**
 * The Radio Browser directory (../shared/EXTERNAL-APIS.md §5): its servers found by the DNS SRV
 * record `_api._tcp.radio-browser.info` (a random one, the next on failure), with a fallback
 * list; a descriptive User-Agent; `/json/stations/search` by name, tag, country, language and
 * codec; `/json/url/<uuid>` when someone starts a station, as the API asks, so clicks count.
 * Stations arrive in the raw snake_case shape and are checked field by field (the directory is
 * written by volunteers: bad URLs and odd values are common).
 */
import { resolveSrv } from 'node:dns/promises'
import { z } from 'zod'
import { readText, safeFetch } from '../net/safe-fetch.ts'

export interface RadioBrowserConfig {
  /** Fixed base URLs (the loopback fixture, or an admin's choice); empty: discover by DNS SRV. */
  baseUrls: string[]
  allow: ReadonlySet<string>
  timeoutMs: number
}

export interface Station {
  stationUuid: string
  name: string
  streamUrl: string
  homepage: string | null
  favicon: string | null
  tags: string[]
  country: string | null
  countrycode: string | null
  languages: string[]
  codec: string | null
  bitrate: number | null
  hls: boolean
  votes: number | null
  lastCheckOk: boolean | null
}

export interface StationSearch {
  name?: string
  tag?: string
  countrycode?: string
  language?: string
  codec?: string
  order?: 'name' | 'votes' | 'clickcount' | 'bitrate'
  limit?: number
  offset?: number
}

const USER_AGENT = 'BitTorrented/0.1'
const FALLBACK = ['https://de1.api.radio-browser.info', 'https://fi1.api.radio-browser.info', 'https://de2.api.radio-browser.info']
const MAX_BYTES = 8 * 1024 * 1024

const web = (s: unknown, max = 2048) => (typeof s === 'string' && /^https?:\/\//i.test(s.trim()) && s.trim().length <= max ? s.trim() : null)
const list = (s: unknown) =>
  typeof s === 'string'
    ? s
        .split(',')
        .map((x) => x.trim().toLowerCase())
        .filter(Boolean)
        .slice(0, 20)
    : []
const flag = (v: unknown) => (v === 1 || v === '1' || v === true ? true : v === 0 || v === '0' || v === false ? false : null)
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null)

const RawStationSchema = z.object({ stationuuid: z.string().uuid(), name: z.string() }).passthrough()

/** One raw station, or null when it cannot be played (no http(s) stream address). */
export function stationFromRaw(raw: unknown): Station | null {
  const base = RawStationSchema.safeParse(raw)
  if (!base.success) return null
  const r = base.data as Record<string, unknown>
  const streamUrl = web(r.url_resolved, 4096) ?? web(r.url, 4096)
  const name = base.data.name.trim().slice(0, 400)
  if (!streamUrl || !name) return null
  return {
    stationUuid: base.data.stationuuid.toLowerCase(),
    name,
    streamUrl,
    homepage: web(r.homepage),
    favicon: web(r.favicon),
    tags: list(r.tags),
    country: typeof r.country === 'string' && r.country.trim() ? r.country.trim().slice(0, 100) : null,
    countrycode: typeof r.countrycode === 'string' && /^[A-Za-z]{2}$/.test(r.countrycode) ? r.countrycode.toUpperCase() : null,
    languages: list(r.language),
    codec: typeof r.codec === 'string' && r.codec.trim() ? r.codec.trim().slice(0, 40) : null,
    bitrate: num(r.bitrate),
    hls: flag(r.hls) ?? false,
    votes: num(r.votes),
    lastCheckOk: flag(r.lastcheckok),
  }
}

export class RadioBrowser {
  private servers: string[] | null = null
  constructor(private readonly config: RadioBrowserConfig) {}

  /** The servers to try, in order: the configured ones, else the SRV targets shuffled, else the fallback list. */
  private async serverList(): Promise<string[]> {
    if (this.config.baseUrls.length) return this.config.baseUrls
    if (this.servers) return this.servers
    try {
      const records = await resolveSrv('_api._tcp.radio-browser.info')
      const shuffled = records.map((r) => `https://${r.name}`).sort(() => Math.random() - 0.5)
      this.servers = shuffled.length ? shuffled : FALLBACK
    } catch {
      this.servers = FALLBACK
    }
    return this.servers
  }

  private async get(path: string): Promise<unknown> {
    let last: unknown = null
    for (const server of (await this.serverList()).slice(0, 3)) {
      try {
        const res = await safeFetch(`${server.replace(/\/$/, '')}${path}`, {
          maxBytes: MAX_BYTES,
          timeoutMs: this.config.timeoutMs,
          allow: this.config.allow,
          headers: { 'user-agent': USER_AGENT, accept: 'application/json' },
          what: 'Radio Browser',
        })
        const text = await readText(res.body)
        if (res.status !== 200) throw new Error(`Radio Browser answered ${res.status}`)
        return JSON.parse(text)
      } catch (err) {
        last = err
      }
    }
    throw last instanceof Error ? last : new Error('Radio Browser did not answer.')
  }

  async search(q: StationSearch): Promise<Station[]> {
    const params = new URLSearchParams({
      hidebroken: 'true',
      limit: String(Math.min(q.limit ?? 40, 200)),
      offset: String(q.offset ?? 0),
      order: q.order ?? 'votes',
      reverse: q.order === 'name' ? 'false' : 'true',
    })
    for (const k of ['name', 'tag', 'countrycode', 'language', 'codec'] as const) {
      const v = q[k]?.trim()
      if (v) params.set(k, v.slice(0, 100))
    }
    const body = await this.get(`/json/stations/search?${params}`)
    return (Array.isArray(body) ? body : []).map(stationFromRaw).filter((s): s is Station => s !== null)
  }

  async top(n = 20): Promise<Station[]> {
    const body = await this.get(`/json/stations/topvote/${Math.min(Math.max(1, n), 100)}`)
    return (Array.isArray(body) ? body : []).map(stationFromRaw).filter((s): s is Station => s !== null)
  }

  /** Counts a click (the API asks for it on every play) and gives the stream address it resolves to now. */
  async click(stationUuid: string): Promise<string | null> {
    const body = (await this.get(`/json/url/${encodeURIComponent(stationUuid)}`)) as { ok?: unknown; url?: unknown }
    return body && (body.ok === 'true' || body.ok === true) ? web(body.url, 4096) : null
  }
}
