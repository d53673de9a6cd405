import { derivePurposeKey } from '@bittorrented/common'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { X264_PRESETS } from './transcode/hardware-encoders.ts'

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1')

/** A comma-separated list of `host:port` pairs, as a set. */
const hostList = z
  .string()
  .default('')
  .transform(
    (s) =>
      new Set(
        s
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean),
      ),
  )

const ConfigSchema = z.object({
  MEDIA_NODE_PORT: z.coerce.number().int().min(0).max(65535).default(8790),
  MEDIA_NODE_HOST: z.string().default('127.0.0.1'),
  /** PostgreSQL the node reads the catalog from; `npm start` points it at the embedded database. */
  DATABASE_URL: z.string().url(),
  /**
   * The media-URL key (derived from the edge app's URL_SIGNING_KEY, purpose `media-url`); every
   * route but /healthz and /metrics requires a URL signed with it. `npm start` passes it; on a
   * server: `npm run keys:derive -- media-url` with URL_SIGNING_KEY in the environment.
   */
  MEDIA_SIGNING_KEY: z.string().min(32).optional(),
  /** The edge app's root key instead; the node derives its media-URL key from it and keeps only that. */
  URL_SIGNING_KEY: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Where torrent pieces are kept (the cache), and how much of the disk it may take. */
  MEDIA_CACHE_DIR: z.string().default(fileURLToPath(new URL('../../.data/cache', import.meta.url))),
  MEDIA_CACHE_MAX_MB: z.coerce.number().int().min(16).default(4096),
  /** The first MB of each streamed file, kept longest so a second play starts from disk. */
  INSTANT_START_MB: z.coerce.number().int().min(0).default(8),
  /** How far ahead of a player the node fetches (at most a quarter of the cache). */
  READ_AHEAD_MB: z.coerce.number().int().min(1).default(16),
  /**
   * Where other peers may connect in (TCP and uTP). Loopback by default: the node still fetches
   * from any swarm (it connects out), but seeds back only to peers that reach it; set 0.0.0.0 on
   * a server whose firewall lets peers in. The DHT's UDP socket is on every interface whenever
   * PEER_DHT is on (the DHT cannot work otherwise).
   */
  TORRENT_LISTEN_HOST: z.string().default('127.0.0.1'),
  /** Peer sources; tests and the demo swarm turn the public ones off. */
  PEER_DHT: flag(true),
  PEER_TRACKERS: flag(true),
  PEER_LSD: flag(true),
  /** Comma-separated `host:port` peers asked for every torrent (the local demo swarm). */
  STATIC_PEERS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[\w.-]+:\d{1,5}$/, 'STATIC_PEERS entries are host:port'))),
  MAX_ACTIVE_TORRENTS: z.coerce.number().int().min(1).default(20),
  MAX_CONNS_PER_TORRENT: z.coerce.number().int().min(1).default(40),
  METADATA_DEADLINE_MS: z.coerce.number().int().min(100).default(15_000),
  IDLE_EVICT_S: z.coerce.number().int().min(1).default(300),
  /** FFmpeg jobs at once (default: half the cores, at least 1), and how many may wait. */
  TRANSCODE_CONCURRENCY: z.coerce.number().int().min(1).optional(),
  TRANSCODE_QUEUE_MAX: z.coerce.number().int().min(0).default(9),
  /** 'auto' uses NVENC, QSV or VAAPI when this machine's FFmpeg can; 'cpu' always libx264. */
  TRANSCODE_ENCODER: z.enum(['auto', 'cpu']).default('auto'),
  /** libx264's preset; default by the cores (ultrafast on 2, superfast up to 4, veryfast above). */
  TRANSCODE_X264_PRESET: z.enum(X264_PRESETS).optional(),
  /**
   * Set: FFmpeg jobs go through a BullMQ queue in this Redis that every media node's workers take
   * from (HLS_DIR must then be storage all nodes mount at the same path). Unset: in-process queue.
   */
  REDIS_URL: z
    .string()
    .url()
    .refine((u) => /^rediss?:\/\//.test(u), 'REDIS_URL is a redis:// or rediss:// URL')
    .optional(),
  /** Converted segments (default: beside the piece cache). */
  HLS_DIR: z.string().min(1).optional(),
  /** Disk for converted segments (least recently served are deleted first). */
  HLS_CACHE_MAX_MB: z.coerce.number().int().min(16).default(2048),
  /** Converted video is never taller than this (nor than its source). */
  TRANSCODE_MAX_HEIGHT: z.coerce.number().int().min(144).default(720),
  /** Comma-separated origins of the edge app, whose pages' players fetch media cross-origin. */
  CORS_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8787')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .url()
          .transform((u) => new URL(u).origin),
      ),
    ),
  /** Bearer token for /metrics; unset = open (it holds counts only). */
  METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * The key IPTV credentials are sealed with (purpose `iptv-credentials`, derived from
   * URL_SIGNING_KEY when not given); older keys after a comma still open what they sealed.
   */
  IPTV_CREDENTIALS_KEYS: z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean)
        : [],
    ),
  /**
   * `host:port` pairs on private networks the node may fetch IPTV from (everything else private
   * is refused): `npm start` names its loopback fixture service here.
   */
  IPTV_ALLOW_HOSTS: hostList,
  IPTV_PLAYLIST_MAX_MB: z.coerce.number().int().min(1).default(200),
  IPTV_GUIDE_MAX_MB: z.coerce.number().int().min(1).default(1024),
  IPTV_FETCH_TIMEOUT_S: z.coerce.number().int().min(5).default(120),
  /** Live TV off: no provider refreshes, no /v1/live routes. */
  IPTV_ENABLED: flag(true),
  /** Podcasts and radio off: no feed refreshes, no /v1/podcasts or /v1/radio routes. */
  AUDIO_ENABLED: flag(true),
  /** `host:port` pairs on private networks the node may fetch feeds, enclosures and streams from (`npm start`: its fixture service). */
  AUDIO_ALLOW_HOSTS: hostList,
  PODCAST_INDEX_URL: z.string().url().default('https://api.podcastindex.org/api/1.0'),
  /** Podcast Index API key and secret (https://api.podcastindex.org); unset: search uses iTunes only. */
  PODCAST_INDEX_KEY: z.string().min(1).optional(),
  PODCAST_INDEX_SECRET: z.string().min(1).optional(),
  /** iTunes Search base; empty: not asked. */
  ITUNES_SEARCH_URL: z.union([z.string().url(), z.literal('')]).default('https://itunes.apple.com'),
  /** Radio Browser servers, comma-separated; empty: found by DNS SRV `_api._tcp.radio-browser.info`. */
  RADIO_BROWSER_URLS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean),
    ),
  PODCAST_REFRESH_MINUTES: z.coerce.number().int().min(5).max(10080).default(60),
  FEED_MAX_MB: z.coerce.number().int().min(1).max(200).default(20),
  FEED_TIMEOUT_S: z.coerce.number().int().min(2).max(300).default(30),
})
export type Config = z.infer<typeof ConfigSchema>

/** Reads the node's settings once at start; each bad key is named. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.refine((c) => c.MEDIA_SIGNING_KEY || c.URL_SIGNING_KEY, { message: 'set MEDIA_SIGNING_KEY (or URL_SIGNING_KEY)', path: ['MEDIA_SIGNING_KEY'] }).safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`invalid media-node configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}

/** The key media URLs are checked with: MEDIA_SIGNING_KEY, or the one derived from URL_SIGNING_KEY. */
/** The keys that open sealed IPTV credentials: the configured ones, else the one derived from URL_SIGNING_KEY. */
export async function iptvCredentialKeys(config: Config): Promise<string[]> {
  if (config.IPTV_CREDENTIALS_KEYS.length) return config.IPTV_CREDENTIALS_KEYS
  return config.URL_SIGNING_KEY ? [await derivePurposeKey(config.URL_SIGNING_KEY, 'iptv-credentials')] : []
}

export async function mediaSigningKey(config: Config): Promise<string> {
  if (config.MEDIA_SIGNING_KEY) return config.MEDIA_SIGNING_KEY
  return derivePurposeKey(config.URL_SIGNING_KEY!, 'media-url')
}
