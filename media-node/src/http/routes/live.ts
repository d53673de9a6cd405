/**
 * Live TV routes (see iptv/live-proxy.ts and http/hls-relay.ts): a URL signed for `channel:<id>`
 * gets the channel's HLS, every URI in it leading back here, signed for the same person.
 * `GET /v1/live/:channelId/index.m3u8` — live; with `?start=<unix s>&duration=<s>` a past
 * programme (catch-up, within the channel's catch-up days).
 * `GET /v1/live/:channelId/r/:token` — what a rewritten URI names: a playlist (rewritten again)
 * or a segment, key or init section (passed through).
 */
import type { Hono } from 'hono'
import type { Logger } from 'pino'
import { channelRefusal, grantsChannel, parseChannelId, type SignedSubject, type WithDatabase } from '@bittorrented/common'
import { AppError } from '../../errors.ts'
import { catchupUrl } from '../../iptv/catchup-url.ts'
import { fetchUpstream, type ProxyLimits } from '../../iptv/live-proxy.ts'
import { ImageCache } from '../../net/image-cache.ts'
import { hlsRelay } from '../hls-relay.ts'
import type { SignedEnv } from '../require-signature.ts'

export interface LiveDeps {
  withDb: WithDatabase
  signingKey: string
  selfUrl: string
  limits: ProxyLimits
  log?: Logger
  now?: () => number
}

interface ChannelStream {
  stream_url: string
  stream_headers: Record<string, string>
  catchup_type: string | null
  catchup_days: number | null
  catchup_source: string | null
  playable: string
}

export function mountLiveRoutes(app: Hono<SignedEnv>, deps: LiveDeps): void {
  const hls = hlsRelay({
    signingKey: deps.signingKey,
    selfUrl: deps.selfUrl,
    base: '/v1/live',
    limits: deps.limits,
    what: 'The channel',
    expired: 'That part of the stream has expired; reload the channel.',
  })
  const now = deps.now ?? Date.now

  const channelOf = (c: { req: { param(name: string): string } }, subject: SignedSubject): number => {
    const id = parseChannelId(c.req.param('channelId'))
    if (id === null) throw new AppError('invalid_input', 'A channel id is a positive whole number.')
    if (!grantsChannel(subject.resource, id)) throw new AppError('not_allowed', 'This URL was signed for something else.')
    return id
  }

  const streamOf = async (id: number): Promise<ChannelStream> => {
    const row = await deps.withDb(async (db) => {
      const { rows } = await db.query('select stream_url, stream_headers, catchup_type, catchup_days, catchup_source, playable from catalog.iptv_channels where id = $1', [id])
      return rows[0] as ChannelStream | undefined
    })
    if (!row) throw new AppError('not_found', 'There is no such channel.')
    const refusal = channelRefusal(row.playable)
    if (refusal) throw new AppError('unplayable_media', refusal)
    return row
  }

  app.get('/v1/live/:channelId/index.m3u8', async (c) => {
    const subject = c.get('subject')
    const id = channelOf(c, subject)
    const stream = await streamOf(id)
    let url = stream.stream_url
    const start = c.req.query('start')
    if (start !== undefined) {
      const startS = Number(start)
      const durationS = Math.min(6 * 3600, Math.max(60, Number(c.req.query('duration') ?? 3600) || 3600))
      const nowS = Math.floor(now() / 1000)
      if (!Number.isInteger(startS) || startS >= nowS) throw new AppError('invalid_input', 'Catch-up starts at a past time (unix seconds).')
      if (!stream.catchup_type || !stream.catchup_days) throw new AppError('not_found', 'This channel offers no catch-up.')
      if (nowS - startS > stream.catchup_days * 86400) throw new AppError('not_found', `This channel keeps ${stream.catchup_days} days of catch-up; that programme is older.`)
      const past = catchupUrl({ streamUrl: stream.stream_url, catchupType: stream.catchup_type, catchupSource: stream.catchup_source }, { startS, durationS, nowS })
      if (!past) throw new AppError('unplayable_media', `This channel’s catch-up (${stream.catchup_type}) is of a kind the node cannot build yet.`)
      url = past
    }
    const fetched = await fetchUpstream({ url, headers: stream.stream_headers }, deps.limits)
    if (fetched.kind !== 'playlist') throw new AppError('unplayable_media', 'This channel sends a raw MPEG-TS stream; the node passes on HLS channels only for now.')
    return hls.playlist(c, id, fetched, stream.stream_headers, subject)
  })

  // `GET /v1/live/:channelId/logo`: the channel's logo through the SSRF guard (a logo URL is the provider's to choose).
  const logos = new ImageCache({ allow: deps.limits.allow, log: deps.log, now, what: 'The logo' })
  app.get('/v1/live/:channelId/logo', async (c) => {
    const id = channelOf(c, c.get('subject'))
    const logo = await logos.get(`channel:${id}`, () =>
      deps.withDb(async (db) => (await db.query('select logo_url from catalog.iptv_channels where id = $1', [id])).rows[0]?.logo_url as string | null | undefined),
    )
    return ImageCache.respond(c, logo, 'This channel has no logo.')
  })

  app.get('/v1/live/:channelId/r/:token', (c) => {
    const subject = c.get('subject')
    return hls.relay(c, channelOf(c, subject), c.req.param('token'), subject)
  })
}
