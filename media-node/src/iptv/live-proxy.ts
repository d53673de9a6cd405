/**
 * Live TV through the media node: the browser gets HLS from the node, signed for the person,
 * and never the provider's URL (Xtream puts the user name and password in it) or its headers.
 *
 * The node fetches the provider's playlist (through the SSRF guard, with the channel's user
 * agent and referrer) and rewrites every URI in it — variant playlists, media segments, keys,
 * init sections, alternative renditions — to `/v1/live/<channel>/r/<token>`, where the token is
 * a random name the node remembers for the upstream URL (bounded, expiring). Asked for, a token's
 * URL is fetched in turn: a playlist is rewritten the same way, anything else is passed through
 * as it comes.
 */
import { randomBytes } from 'node:crypto'
import type { Readable } from 'node:stream'
import { AppError } from '../errors.ts'
import { readText, safeFetch } from '../net/safe-fetch.ts'

export interface UpstreamTarget {
  url: string
  headers: Record<string, string>
}

export interface ProxyLimits {
  allow: ReadonlySet<string>
  timeoutMs: number
  playlistMaxBytes: number
  segmentMaxBytes: number
}

const TOKEN_TTL_MS = 6 * 60 * 60_000
const MAX_TOKENS = 100_000

/** Upstream URLs by token, per channel, oldest forgotten first. */
export class UpstreamTokens {
  private readonly tokens = new Map<string, UpstreamTarget & { channelId: number; expires: number }>()
  /** The same upstream URL gets the same token while it lives (a live playlist repeats its segments). */
  private readonly byUrl = new Map<string, string>()

  remember(channelId: number, target: UpstreamTarget, now = Date.now()): string {
    const id = `${channelId} ${target.url}`
    const known = this.byUrl.get(id)
    if (known && (this.tokens.get(known)?.expires ?? 0) > now) return known
    const token = randomBytes(16).toString('base64url')
    this.tokens.set(token, { ...target, channelId, expires: now + TOKEN_TTL_MS })
    this.byUrl.set(id, token)
    while (this.tokens.size > MAX_TOKENS) {
      const [oldest, t] = this.tokens.entries().next().value!
      this.tokens.delete(oldest)
      this.byUrl.delete(`${t.channelId} ${t.url}`)
    }
    return token
  }

  /** The upstream target of a token, if it is this channel's and still alive. */
  recall(channelId: number, token: string, now = Date.now()): UpstreamTarget | null {
    const t = this.tokens.get(token)
    return t && t.channelId === channelId && t.expires > now ? { url: t.url, headers: t.headers } : null
  }
}

/** A URI attribute (`URI="…"`) in a tag line, or a URI line. */
const URI_ATTRIBUTE = /URI="([^"]+)"/g

/** Rewrites every URI of an HLS playlist with `to` (given the absolute upstream URL), asked once per distinct URI. */
export async function rewritePlaylist(text: string, base: string, to: (absolute: string) => Promise<string>): Promise<string> {
  const resolve = (uri: string) => new URL(uri, base).toString()
  const lines = text.split(/\r?\n/)
  const wanted = new Set<string>()
  for (const line of lines) {
    const trimmed = line.trim()
    if (trimmed === '') continue
    if (trimmed.startsWith('#')) for (const m of line.matchAll(URI_ATTRIBUTE)) wanted.add(resolve(m[1]!))
    else wanted.add(resolve(trimmed))
  }
  const mapped = new Map<string, string>()
  for (const uri of wanted) mapped.set(uri, await to(uri))
  return lines
    .map((line) => {
      const trimmed = line.trim()
      if (trimmed === '') return line
      if (trimmed.startsWith('#')) return line.replace(URI_ATTRIBUTE, (_, uri: string) => `URI="${mapped.get(resolve(uri))}"`)
      return mapped.get(resolve(trimmed))!
    })
    .join('\n')
}

export type Fetched = { kind: 'playlist'; text: string; finalUrl: string } | { kind: 'bytes'; body: Readable; contentType: string }

/** Fetches an upstream URL: a playlist comes back as text, anything else as a stream. */
export async function fetchUpstream(target: UpstreamTarget, limits: ProxyLimits, what = 'The channel'): Promise<Fetched> {
  const res = await safeFetch(target.url, { maxBytes: limits.segmentMaxBytes, timeoutMs: limits.timeoutMs, allow: limits.allow, headers: target.headers, what })
  if (res.status === 401 || res.status === 403) throw new AppError('not_allowed', `${what} refused the stream (HTTP ${res.status}): the subscription may have expired or hit its connection limit.`)
  if (res.status === 404) throw new AppError('not_found', `${what} is not on the air right now.`)
  if (res.status >= 400) throw new AppError('upstream_unavailable', `${what} answered HTTP ${res.status}.`)
  const type = String(res.headers['content-type'] ?? '').toLowerCase()
  const looksLikePlaylist = type.includes('mpegurl') || /\.m3u8?(\?|$)/i.test(new URL(res.url).pathname)
  if (looksLikePlaylist) {
    const text = await readText(res.body)
    if (text.length > limits.playlistMaxBytes) throw new AppError('upstream_unavailable', `${what} sent a playlist too large to pass on.`)
    if (!text.trimStart().startsWith('#EXTM3U')) throw new AppError('unplayable_media', `${what} did not send an HLS playlist.`)
    return { kind: 'playlist', text, finalUrl: res.url }
  }
  return { kind: 'bytes', body: res.body, contentType: type || 'application/octet-stream' }
}
