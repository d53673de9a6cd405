/**
 * A thin Xtream Codes client (`player_api.php`), lenient the way real panels need: numbers and
 * booleans as strings or numbers, `null` or `""` where a value should be, `[]` for an empty
 * object, an object keyed by index where a list should be. A failed login is HTTP 200 with
 * `user_info.auth = 0`, so the answer is read, not the status. Every request goes through the
 * SSRF guard; credentials are never logged (they are in every URL, so errors name the host only).
 */
import { z } from 'zod'
import { AppError } from '../errors.ts'
import { readText, safeFetch } from '../net/safe-fetch.ts'
import type { ChannelRow } from './channel-writer.ts'

export interface XtreamCredentials {
  username: string
  password: string
}

export interface XtreamOptions {
  timeoutMs: number
  maxBytes: number
  allow: ReadonlySet<string>
}

const str = z.preprocess((v) => (v === null || v === undefined ? '' : typeof v === 'object' ? '' : String(v)), z.string())
const int = z.preprocess((v) => {
  const n = typeof v === 'string' ? Number.parseInt(v, 10) : typeof v === 'number' ? v : Number.NaN
  return Number.isFinite(n) ? Math.trunc(n) : null
}, z.number().nullable())
const flag = z.preprocess((v) => v === 1 || v === '1' || v === true || v === 'true', z.boolean())
/** A list, or an object keyed by index, or nothing. */
const listOf = <T extends z.ZodTypeAny>(item: T) => z.preprocess((v) => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : []), z.array(item))

const LoginSchema = z.object({
  user_info: z
    .object({
      auth: int,
      status: str.optional(),
      exp_date: int.optional(),
      max_connections: int.optional(),
      active_cons: int.optional(),
      message: str.optional(),
      allowed_output_formats: z.preprocess((v) => (Array.isArray(v) ? v : []), z.array(z.string())).optional(),
    })
    .passthrough(),
  server_info: z.object({ timezone: str.optional() }).passthrough().optional(),
})
export type XtreamLogin = z.infer<typeof LoginSchema>

const CategorySchema = z.object({ category_id: str, category_name: str })
const LiveStreamSchema = z
  .object({
    num: int.optional(),
    name: str,
    stream_id: int,
    stream_icon: str.optional(),
    epg_channel_id: str.optional(),
    category_id: str.optional(),
    tv_archive: flag.optional(),
    tv_archive_duration: int.optional(),
  })
  .passthrough()

function apiUrl(server: string, c: XtreamCredentials, action?: string): string {
  const url = new URL('player_api.php', server.endsWith('/') ? server : `${server}/`)
  url.searchParams.set('username', c.username)
  url.searchParams.set('password', c.password)
  if (action) url.searchParams.set('action', action)
  return url.toString()
}

/** One API call's JSON; HTML or garbage is named as such. */
async function getJson(url: string, opts: XtreamOptions): Promise<unknown> {
  const host = new URL(url).host
  const res = await safeFetch(url, { ...opts, what: `The Xtream panel at ${host}` })
  const text = await readText(res.body)
  if (res.status === 401 || res.status === 403) throw new AppError('not_allowed', `The Xtream panel at ${host} refused the login (HTTP ${res.status}): check the user name and password.`)
  if (res.status >= 400) throw new AppError('upstream_unavailable', `The Xtream panel at ${host} answered HTTP ${res.status}.`)
  try {
    return JSON.parse(text)
  } catch {
    const html = /^\s*</.test(text)
    throw new AppError(
      'upstream_unavailable',
      html ? `The Xtream panel at ${host} answered with a web page, not the API: check the server address.` : `The Xtream panel at ${host} answered something that is not JSON.`,
    )
  }
}

/** Logs in; a wrong password, an expired, banned or disabled account each get their own sentence. */
export async function xtreamLogin(server: string, c: XtreamCredentials, opts: XtreamOptions): Promise<XtreamLogin> {
  const body = await getJson(apiUrl(server, c), opts)
  const parsed = LoginSchema.safeParse(body)
  if (!parsed.success || parsed.data.user_info.auth !== 1) throw new AppError('not_allowed', 'The Xtream panel did not accept the user name and password.')
  const info = parsed.data.user_info
  const status = (info.status ?? 'Active').toLowerCase()
  if (status === 'expired' || (info.exp_date && info.exp_date * 1000 < Date.now())) throw new AppError('not_allowed', 'The IPTV subscription has expired.')
  if (status === 'banned' || status === 'disabled') throw new AppError('not_allowed', `The IPTV account is ${status}.`)
  return parsed.data
}

/** The panel's live channels as catalog rows, and its guide URL. */
export async function xtreamChannels(server: string, c: XtreamCredentials, opts: XtreamOptions): Promise<{ channels: Array<Omit<ChannelRow, 'position'>>; guideUrl: string }> {
  const login = await xtreamLogin(server, c, opts)
  const formats = login.user_info.allowed_output_formats ?? []
  const ext = formats.length === 0 || formats.includes('m3u8') ? 'm3u8' : 'ts'
  const categories = new Map(
    listOf(CategorySchema.passthrough())
      .parse(await getJson(apiUrl(server, c, 'get_live_categories'), opts))
      .map((g) => [g.category_id, g.category_name]),
  )
  const streams = listOf(z.unknown()).parse(await getJson(apiUrl(server, c, 'get_live_streams'), opts))
  const base = server.replace(/\/+$/, '')
  const channels: Array<Omit<ChannelRow, 'position'>> = []
  for (const raw of streams) {
    const s = LiveStreamSchema.safeParse(raw)
    if (!s.success || s.data.stream_id === null || !s.data.name) continue
    const id = s.data.stream_id
    channels.push({
      key: `xtream:${id}`,
      name: s.data.name.slice(0, 300),
      number: s.data.num ?? null,
      group: categories.get(s.data.category_id ?? '')?.slice(0, 200) ?? null,
      logo: s.data.stream_icon && /^https?:\/\//i.test(s.data.stream_icon) ? s.data.stream_icon.slice(0, 2048) : null,
      tvgId: s.data.epg_channel_id ? s.data.epg_channel_id.slice(0, 300) : null,
      streamUrl: `${base}/live/${encodeURIComponent(c.username)}/${encodeURIComponent(c.password)}/${id}.${ext}`,
      headers: {},
      catchupType: s.data.tv_archive ? 'xc' : null,
      catchupDays: s.data.tv_archive ? (s.data.tv_archive_duration ?? null) : null,
      catchupSource: null,
      playable: 'yes',
    })
  }
  const guide = new URL('xmltv.php', `${base}/`)
  guide.searchParams.set('username', c.username)
  guide.searchParams.set('password', c.password)
  return { channels, guideUrl: guide.toString() }
}
