import { Hono } from 'hono'
import { cors } from 'hono/cors'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { probeDatabase, type HealthReport, type WithDatabase } from '@bittorrented/common'
import type { Logger } from 'pino'
import type { TorrentEngine } from '../adapters/torrent-engine.ts'
import { AppError, type ErrorCode } from '../errors.ts'
import { createMetrics } from '../metrics.ts'
import type { HlsJobs } from '../transcode/hls-jobs.ts'
import { mountPlaybackRoutes } from './routes/playback.ts'
import { mountStreamRoutes } from './routes/streams.ts'
import { mountBookRoutes } from './routes/books.ts'
import { mountLiveRoutes } from './routes/live.ts'
import { mountPodcastRoutes, type PodcastDeps } from './routes/podcasts.ts'
import { mountRadioRoutes, type RadioDeps } from './routes/radio.ts'
import type { ProxyLimits } from '../iptv/live-proxy.ts'
import { requireSignature, type SignedEnv } from './require-signature.ts'

export interface AppDeps {
  withDb: WithDatabase
  signingKey: string
  log: Logger
  engine: TorrentEngine
  /** Playback decisions and HLS: where the node reaches itself, and its FFmpeg jobs. */
  playback?: { selfUrl: string; hls: HlsJobs }
  /** Live TV: channels' streams through the SSRF guard within these limits (unset: no Live TV routes). */
  live?: ProxyLimits
  /** Podcasts and radio (unset: no /v1/podcasts or /v1/radio routes). */
  audio?: { podcasts: PodcastDeps; radio: RadioDeps }
  /** When set, /metrics requires `Authorization: Bearer <token>`. */
  metricsToken?: string
  /** Process metrics (CPU, memory, event loop) beside ours; off in tests that make many apps. */
  processMetrics?: boolean
  /** Whether a signed URL's profile still exists (main: a cached catalog query); unset: not checked. */
  profileIsLive?: (profileId: string) => Promise<boolean>
  /** Origins whose pages may fetch media from this node (the edge app's); none by default. */
  corsOrigins?: string[]
  now?: () => number
}

const statusFor: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_input: 400,
  not_allowed: 403,
  not_found: 404,
  no_peers: 504,
  busy: 503,
  upstream_unavailable: 503,
  unplayable_media: 422,
}

export function createApp(deps: AppDeps) {
  const app = new Hono<SignedEnv>()
  // Nothing this node sends is to be sniffed into something else (a file served as HTML, say).
  app.use('*', async (c, next) => {
    await next()
    c.res.headers.set('X-Content-Type-Options', 'nosniff')
  })
  const metrics = createMetrics(
    {
      activeTorrents: () => deps.engine.activeTorrents,
      peers: () => deps.engine.peers,
      transcodeQueue: () => deps.playback?.hls.queueDepth ?? 0,
      transcodeJobs: () => deps.playback?.hls.runningJobs ?? 0,
    },
    deps.processMetrics,
  )

  app.onError((err, c) => {
    if (err instanceof AppError) {
      deps.log.info({ code: err.code, path: c.req.path }, 'request refused')
      return c.json({ error: err.code, message: err.message, ...err.details }, statusFor[err.code])
    }
    deps.log.error({ err, path: c.req.path }, 'unhandled')
    return c.json({ error: 'internal', message: 'Something went wrong on the media node.' }, 500)
  })
  app.notFound((c) => c.json({ error: 'not_found', message: 'No such route.' }, 404))

  // Public: says only whether the node and its database are up, nothing about anyone's data.
  app.get('/healthz', async (c) => {
    const database = await probeDatabase(deps.withDb)
    const report: HealthReport = { service: 'media-node', status: database.status === 'up' ? 'ok' : 'degraded', database }
    return c.json(report, database.status === 'up' ? 200 : 503)
  })

  // Counts only, nothing about anyone; behind a bearer token when one is configured.
  app.get('/metrics', async (c) => {
    if (deps.metricsToken && c.req.header('Authorization') !== `Bearer ${deps.metricsToken}`) throw new AppError('not_allowed', 'Metrics need the metrics token.')
    return c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType })
  })

  // Players (hls.js, <track>, <video crossorigin>) fetch from the page's origin; the signed URL is the credential.
  const corsOrigins = deps.corsOrigins ?? []
  for (const path of ['/v1/hls/*', '/v1/subtitles/*', '/v1/stream/*', '/v1/comic/*', '/v1/live/*', '/v1/podcasts/episodes/*', '/v1/podcasts/feeds/*', '/v1/podcasts/art', '/v1/radio/*'])
    app.use(path, cors({ origin: corsOrigins, allowMethods: ['GET', 'HEAD'], exposeHeaders: ['Content-Range', 'Accept-Ranges', 'Content-Length'] }))

  // Everything under /v1 needs a URL signed by the edge app.
  app.use('/v1/*', requireSignature(deps.signingKey, deps.now, deps.profileIsLive))
  app.get('/v1/whoami', (c) => c.json({ subject: c.get('subject') }))
  mountStreamRoutes(app, deps.engine, metrics, deps.withDb)
  if (deps.audio) {
    mountPodcastRoutes(app, deps.audio.podcasts)
    mountRadioRoutes(app, deps.audio.radio)
  }
  if (deps.playback) {
    mountPlaybackRoutes(app, { engine: deps.engine, signingKey: deps.signingKey, log: deps.log, withDb: deps.withDb, ...deps.playback })
    mountBookRoutes(app, { engine: deps.engine, signingKey: deps.signingKey, selfUrl: deps.playback.selfUrl })
    if (deps.live) mountLiveRoutes(app, { withDb: deps.withDb, signingKey: deps.signingKey, selfUrl: deps.playback.selfUrl, limits: deps.live, log: deps.log, now: deps.now })
  }

  return app
}
