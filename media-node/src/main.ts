// Wiring only: config → logger → db → torrent engine → app → listen.
import { serve } from '@hono/node-server'
import pino from 'pino'
import { TorrentEngine } from './adapters/torrent-engine.ts'
import { iptvCredentialKeys, loadConfig, mediaSigningKey } from './config.ts'
import { openSecret } from '@bittorrented/common'
import { ProviderRefresher } from './iptv/provider-refresh.ts'
import { PodcastDirectory } from './podcasts/directory.ts'
import { FeedRefresher } from './podcasts/feed-refresh.ts'
import { RadioBrowser } from './radio/radio-browser.ts'
import { createDatabase } from './db.ts'
import { catalogAdmission } from './catalog/catalog-admission.ts'
import { profileLiveness } from './http/profile-liveness.ts'
import { createApp } from './http/app.ts'
import { PieceCache } from './streaming/piece-cache.ts'
import { HlsJobs } from './transcode/hls-jobs.ts'
import { TranscodeQueue } from './transcode/transcode-queue.ts'
import { LocalRunner, type JobRunner } from './transcode/job-runner.ts'
import { defaultX264Preset, detectH264Encoder } from './transcode/hardware-encoders.ts'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'

const config = loadConfig(process.env)
const signingKey = await mediaSigningKey(config)
const credentialKeys = await iptvCredentialKeys(config)
// The roots stay out of this process's environment (and of anything it spawns).
delete process.env.URL_SIGNING_KEY
delete process.env.MEDIA_SIGNING_KEY
delete process.env.IPTV_CREDENTIALS_KEYS
delete process.env.PODCAST_INDEX_SECRET
const log = pino({ name: 'media-node', level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'] })
const db = createDatabase(config.DATABASE_URL)
const cache = new PieceCache(config.MEDIA_CACHE_DIR, config.MEDIA_CACHE_MAX_MB * 1024 * 1024, config.INSTANT_START_MB * 1024 * 1024)
await cache.init()
const engine = new TorrentEngine({
  cache,
  dht: config.PEER_DHT,
  trackers: config.PEER_TRACKERS,
  lsd: config.PEER_LSD,
  staticPeers: config.STATIC_PEERS,
  maxConnsPerTorrent: config.MAX_CONNS_PER_TORRENT,
  maxActiveTorrents: config.MAX_ACTIVE_TORRENTS,
  metadataDeadlineMs: config.METADATA_DEADLINE_MS,
  idleEvictMs: config.IDLE_EVICT_S * 1000,
  readAheadBytes: Math.min(config.READ_AHEAD_MB, config.MEDIA_CACHE_MAX_MB / 4) * 1024 * 1024,
  log: log.child({ component: 'torrents' }),
  admit: catalogAdmission(db.withDb),
  listenHost: config.TORRENT_LISTEN_HOST,
})
const selfUrl = `http://${config.MEDIA_NODE_HOST === '0.0.0.0' ? '127.0.0.1' : config.MEDIA_NODE_HOST}:${config.MEDIA_NODE_PORT}`
const concurrency = config.TRANSCODE_CONCURRENCY ?? Math.max(1, Math.floor(availableParallelism() / 2))
const transcodeLog = log.child({ component: 'transcode' })
const runner: JobRunner = config.REDIS_URL
  ? await (await import('./transcode/bullmq-runner.ts')).BullmqRunner.connect({ redisUrl: config.REDIS_URL, concurrency, maxWaiting: config.TRANSCODE_QUEUE_MAX, log: transcodeLog })
  : new LocalRunner(new TranscodeQueue(concurrency, config.TRANSCODE_QUEUE_MAX))
const encoder = await detectH264Encoder('ffmpeg', config.TRANSCODE_ENCODER)
const x264Preset = config.TRANSCODE_X264_PRESET ?? defaultX264Preset(availableParallelism())
log.info({ encoder, x264Preset, concurrency, queue: config.REDIS_URL ? 'bullmq' : 'in-process' }, 'transcoding ready')
const hls = new HlsJobs({
  dir: config.HLS_DIR ?? join(config.MEDIA_CACHE_DIR, '..', 'hls'),
  runner,
  log: transcodeLog,
  maxHeight: config.TRANSCODE_MAX_HEIGHT,
  idleMs: 60_000,
  encoder,
  x264Preset,
  maxCacheBytes: config.HLS_CACHE_MAX_MB * 1024 * 1024,
})
const iptvLimits = { allow: config.IPTV_ALLOW_HOSTS, timeoutMs: config.IPTV_FETCH_TIMEOUT_S * 1000 }
const refresher = config.IPTV_ENABLED
  ? new ProviderRefresher(db.withClient, {
      limits: { ...iptvLimits, playlistMaxBytes: config.IPTV_PLAYLIST_MAX_MB * 1024 * 1024, guideMaxBytes: config.IPTV_GUIDE_MAX_MB * 1024 * 1024 },
      openCredentials: async (keyId, ciphertext) => JSON.parse(await openSecret(credentialKeys, { keyId, ciphertext })),
      log: log.child({ component: 'iptv' }),
    })
  : null
refresher?.start()
const audioAllow = config.AUDIO_ALLOW_HOSTS
const feedLimits = { maxBytes: config.FEED_MAX_MB * 1024 * 1024, timeoutMs: config.FEED_TIMEOUT_S * 1000, allow: audioAllow, intervalMinutes: config.PODCAST_REFRESH_MINUTES }
const feedRefresher = config.AUDIO_ENABLED ? new FeedRefresher({ withClient: db.withClient, limits: feedLimits, log: log.child({ component: 'podcasts' }) }) : null
feedRefresher?.start()
const audio = config.AUDIO_ENABLED
  ? {
      podcasts: {
        withClient: db.withClient,
        limits: feedLimits,
        log: log.child({ component: 'podcasts' }),
        directory: new PodcastDirectory({
          podcastIndex: config.PODCAST_INDEX_KEY && config.PODCAST_INDEX_SECRET ? { baseUrl: config.PODCAST_INDEX_URL, key: config.PODCAST_INDEX_KEY, secret: config.PODCAST_INDEX_SECRET } : null,
          itunesBaseUrl: config.ITUNES_SEARCH_URL || null,
          allow: audioAllow,
          timeoutMs: 10_000,
        }),
      },
      radio: {
        withClient: db.withClient,
        selfUrl,
        signingKey,
        radioBrowser: new RadioBrowser({ baseUrls: config.RADIO_BROWSER_URLS, allow: audioAllow, timeoutMs: 10_000 }),
        allow: audioAllow,
        timeoutMs: config.FEED_TIMEOUT_S * 1000,
        log: log.child({ component: 'radio' }),
      },
    }
  : undefined
const app = createApp({
  withDb: db.withDb,
  signingKey,
  log,
  engine,
  playback: { selfUrl, hls },
  audio,
  live: config.IPTV_ENABLED ? { ...iptvLimits, playlistMaxBytes: 4 * 1024 * 1024, segmentMaxBytes: 64 * 1024 * 1024 } : undefined,
  metricsToken: config.METRICS_TOKEN,
  corsOrigins: config.CORS_ORIGINS,
  profileIsLive: profileLiveness(db.withDb),
  processMetrics: true,
})

const server = serve({ fetch: app.fetch, port: config.MEDIA_NODE_PORT, hostname: config.MEDIA_NODE_HOST }, (info) => {
  log.info({ port: info.port, host: config.MEDIA_NODE_HOST, staticPeers: config.STATIC_PEERS.length }, 'media node listening')
})

function shutdown(signal: string) {
  log.info({ signal }, 'stopping')
  server.close()
  refresher?.stop()
  feedRefresher?.stop()
  void Promise.allSettled([hls.destroy().then(() => runner.close()), engine.destroy(), db.close()]).finally(() => process.exit(0))
  setTimeout(() => process.exit(0), 3_000).unref()
}
process.on('SIGINT', () => shutdown('SIGINT'))
process.on('SIGTERM', () => shutdown('SIGTERM'))
