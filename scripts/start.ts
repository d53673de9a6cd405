// `npm start`: the whole platform on embedded defaults — database (migrate + demo seed), media
// node, watch-party server and the edge app on workerd — then one URL and the demo login.
// Ctrl-C stops everything.
import { realpathSync } from 'node:fs'
import { join } from 'node:path'
import { listMigrations, migrate, migrationsDir, repoRoot, seed, seedFile, startEmbeddedDatabase, withClient, type EmbeddedDatabase } from '@bittorrented/db'
import { startChild, stopChildren, type ChildSpec, type RunningChild } from './lib/child-process-group.ts'
import { loadDemoCatalog } from '@bittorrented/media-node/demo-catalog'
import { PODCAST_INDEX_KEY, PODCAST_INDEX_SECRET, pointDemoAudioAt } from '@bittorrented/media-node/audio-fixture'
import { FIXTURE_COINPAY_KEY } from '@bittorrented/media-node/coinpay-fixture'
import { derivePurposeKey } from '@bittorrented/common'
import { loadOrCreateDevSecrets } from './lib/dev-secrets.ts'
import { edgeDevSpec, partyDevSpec } from './lib/dev-servers.ts'
import { freePort } from './lib/free-port.ts'
import { loadStartConfig } from './lib/start-config.ts'
import { releaseStartLock, takeStartLock } from './lib/start-lock.ts'
import { waitForHealth } from './lib/wait-for-health.ts'

const say = (line: string) => process.stdout.write(`[start] ${line}\n`)
const bin = (name: string) => realpathSync(join(repoRoot, 'node_modules', '.bin', name))

/** A connection string fit for a log line. */
function redactPassword(url: string): string {
  const u = new URL(url)
  if (u.password) u.password = '***'
  return u.toString()
}

/** Wrangler's local Hyperdrive refuses a connection string without a password; trust auth ignores it. */
function withPassword(url: string): string {
  const u = new URL(url)
  if (!u.password) u.password = 'postgres'
  if (!u.username) u.username = 'postgres'
  return u.toString()
}

const config = loadStartConfig(process.env)
const lockFile = join(repoRoot, 'edge-app', '.start.lock')
const held = takeStartLock(lockFile, { pid: process.pid, url: `http://127.0.0.1:${config.EDGE_PORT}`, startedAt: new Date().toISOString() })
if (held) {
  say(`BitTorrented is already running from this checkout (pid ${held.pid}, ${held.url}, since ${held.startedAt}).`)
  say('Stop that one first (Ctrl-C in its terminal): two starts rebuild the same edge-app/build and break each other.')
  process.exit(1)
}
process.on('exit', () => releaseStartLock(lockFile, process.pid))
const secrets = await loadOrCreateDevSecrets(config.BT_DATA_DIR)
const children: RunningChild[] = []
let db: EmbeddedDatabase | null = null
let stopping = false

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true
    say('stopping…')
    await stopChildren(children)
    await db?.stop()
    say('stopped')
  }
  process.exit(code)
}
process.on('SIGINT', () => void shutdown(0))
process.on('SIGTERM', () => void shutdown(0))

function run(spec: ChildSpec): RunningChild {
  const child = startChild(spec)
  children.push(child)
  void child.exited.then((code) => {
    if (stopping) return
    say(`${spec.name} exited with code ${code}; stopping the rest`)
    void shutdown(1)
  })
  return child
}

const baseEnv = { ...process.env, NO_COLOR: '1', WRANGLER_SEND_METRICS: 'false' }
const started = Date.now()

try {
  say('building the edge app…')
  const build = startChild({ name: 'build', command: process.execPath, args: [bin('remix'), 'vite:build', '--logLevel', 'warn'], cwd: join(repoRoot, 'edge-app'), env: baseEnv })
  const built = build.exited

  let databaseUrl: string
  if (config.DATABASE_URL) {
    databaseUrl = config.DATABASE_URL
    say('using the PostgreSQL server in DATABASE_URL')
  } else {
    db = await startEmbeddedDatabase({ dataDir: join(config.BT_DATA_DIR, 'pglite'), port: config.DB_PORT, password: secrets.DB_PASSWORD, onError: (err) => say(`database: ${err.message}`) })
    databaseUrl = db.url
    say(`embedded database (PGlite) listening at ${redactPassword(db.url)} (password in ${join(config.BT_DATA_DIR, 'dev-secrets.json')})`)
  }
  await withClient(databaseUrl, async (client) => {
    const result = await migrate(client, await listMigrations(migrationsDir))
    say(`migrations: ${result.applied.length} applied, ${result.alreadyApplied} already there`)
    await seed(client, seedFile)
    const generated = await loadDemoCatalog(client)
    say(`demo data loaded (accounts, profiles, ${generated} generated catalog entries)`)
  })

  say('starting the demo swarm (the first start makes its media with ffmpeg)…')
  const swarmReady = new Promise<{ peer: string; torrents: unknown[] }>((resolve) => {
    run({
      name: 'demo-swarm',
      command: process.execPath,
      args: ['--import', 'tsx', 'media-node/src/demo/demo-swarm.ts'],
      cwd: repoRoot,
      env: { ...baseEnv, DATABASE_URL: databaseUrl, BT_DEMO_MEDIA_DIR: config.BT_DEMO_MEDIA_DIR ?? join(config.BT_DATA_DIR, 'demo-media'), LOG_LEVEL: config.LOG_LEVEL },
      onLine: (line) => {
        if (line.startsWith('{"event":"ready"')) resolve(JSON.parse(line) as { peer: string; torrents: unknown[] })
      },
    })
  })
  const swarm = await swarmReady
  say(`demo swarm seeding ${swarm.torrents.length} torrents at ${swarm.peer}`)

  say('starting the demo IPTV service…')
  const iptv = await new Promise<{ url: string }>((resolve) => {
    run({
      name: 'iptv-fixture',
      command: process.execPath,
      args: ['--import', 'tsx', 'media-node/src/demo/iptv-fixture-main.ts'],
      cwd: repoRoot,
      env: { ...baseEnv, IPTV_FIXTURE_PORT: String(config.IPTV_FIXTURE_PORT), BT_DATA_DIR: config.BT_DATA_DIR },
      onLine: (line) => {
        if (line.startsWith('{"event":"ready"')) resolve(JSON.parse(line) as { url: string })
      },
    })
  })
  // The demo families' provider points at it, and is refreshed as soon as the media node is up.
  await withClient(databaseUrl, (client) =>
    client.query(`update public.iptv_providers set playlist_url = $1, refresh_requested_at = now() where id in ('00000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000002')`, [
      `${iptv.url}/playlist.m3u`,
    ]),
  )
  say(`demo IPTV service at ${iptv.url} (Live TV)`)

  say('starting the demo podcast and radio service…')
  const audio = await new Promise<{ url: string }>((resolve) => {
    run({
      name: 'audio-fixture',
      command: process.execPath,
      args: ['--import', 'tsx', 'media-node/src/demo/audio-fixture-main.ts'],
      cwd: repoRoot,
      env: { ...baseEnv, AUDIO_FIXTURE_PORT: String(config.AUDIO_FIXTURE_PORT), BT_DATA_DIR: config.BT_DATA_DIR },
      onLine: (line) => {
        if (line.startsWith('{"event":"ready"')) resolve(JSON.parse(line) as { url: string })
      },
    })
  })
  // The seed's feeds and stations name the default port; on another one they are pointed at it.
  await withClient(databaseUrl, (client) => pointDemoAudioAt(client, audio.url))
  say(`demo podcast and radio service at ${audio.url} (Podcasts, Radio)`)

  const mediaNodeUrl = `http://127.0.0.1:${config.MEDIA_NODE_PORT}`
  const partyUrl = `http://127.0.0.1:${config.PARTY_PORT}`
  const edgeUrl = `http://127.0.0.1:${config.EDGE_PORT}`

  // Billing: a real CoinPayPortal when COINPAY_* are set, else the loopback one with dev values.
  let billing: { apiUrl: string; apiKey: string; webhookSecret: string; demoWalletUrl: string | null }
  if (config.COINPAY_API_URL && config.COINPAY_API_KEY && config.COINPAY_WEBHOOK_SECRET) {
    billing = { apiUrl: config.COINPAY_API_URL, apiKey: config.COINPAY_API_KEY, webhookSecret: config.COINPAY_WEBHOOK_SECRET, demoWalletUrl: null }
    say(`billing through ${config.COINPAY_API_URL}`)
  } else {
    say('starting the demo payment provider (CoinPayPortal stand-in)…')
    const coinpay = await new Promise<{ url: string }>((resolve) => {
      run({
        name: 'coinpay-fixture',
        command: process.execPath,
        args: ['--import', 'tsx', 'media-node/src/demo/coinpay-fixture-main.ts'],
        cwd: repoRoot,
        env: {
          ...baseEnv,
          COINPAY_FIXTURE_PORT: String(config.COINPAY_FIXTURE_PORT),
          COINPAY_FIXTURE_WEBHOOK_URL: `${edgeUrl}/api/billing/coinpay/webhook`,
          COINPAY_WEBHOOK_SECRET: secrets.COINPAY_WEBHOOK_SECRET,
          COINPAY_API_KEY: FIXTURE_COINPAY_KEY,
        },
        onLine: (line) => {
          if (line.startsWith('{"event":"ready"')) resolve(JSON.parse(line) as { url: string })
        },
      })
    })
    billing = { apiUrl: `${coinpay.url}/api`, apiKey: FIXTURE_COINPAY_KEY, webhookSecret: secrets.COINPAY_WEBHOOK_SECRET, demoWalletUrl: `${coinpay.url}/wallet` }
    say(`demo payment provider at ${coinpay.url} (Plan & billing)`)
  }

  run({
    name: 'media-node',
    command: process.execPath,
    args: ['--import', 'tsx', 'media-node/src/main.ts'],
    cwd: repoRoot,
    env: {
      ...baseEnv,
      DATABASE_URL: databaseUrl,
      MEDIA_NODE_PORT: String(config.MEDIA_NODE_PORT),
      // The media node holds the media-URL key only.
      MEDIA_SIGNING_KEY: await derivePurposeKey(secrets.URL_SIGNING_KEY, 'media-url'),
      LOG_LEVEL: config.LOG_LEVEL,
      MEDIA_CACHE_DIR: join(config.BT_DATA_DIR, 'cache'),
      // The edge app's pages play media from this node cross-origin; no other site's may.
      CORS_ORIGINS: `${edgeUrl},http://localhost:${config.EDGE_PORT}`,
      STATIC_PEERS: swarm.peer,
      // Live TV: the only private address the node may fetch IPTV from is the demo service.
      IPTV_ALLOW_HOSTS: new URL(iptv.url).host,
      IPTV_CREDENTIALS_KEYS: await derivePurposeKey(secrets.URL_SIGNING_KEY, 'iptv-credentials'),
      // Podcasts and radio: the directories and the feeds and streams of the demo service.
      AUDIO_ALLOW_HOSTS: new URL(audio.url).host,
      PODCAST_INDEX_URL: `${audio.url}/api/1.0`,
      PODCAST_INDEX_KEY: PODCAST_INDEX_KEY,
      PODCAST_INDEX_SECRET: PODCAST_INDEX_SECRET,
      ITUNES_SEARCH_URL: audio.url,
      RADIO_BROWSER_URLS: audio.url,
    },
  })
  run({
    name: 'party',
    ...(await partyDevSpec({
      port: config.PARTY_PORT,
      persistDir: join(config.BT_DATA_DIR, 'partykit'),
      runDir: join(config.BT_DATA_DIR, 'run', 'party'),
      // The room checks the connection URLs the edge app signs; it holds that key only.
      vars: { PARTY_SIGNING_KEY: await derivePurposeKey(secrets.URL_SIGNING_KEY, 'party-connection') },
      env: baseEnv,
    })),
  })

  if ((await built) !== 0) throw new Error('the edge app build failed (see [build] lines above)')
  run({
    name: 'edge',
    ...(await edgeDevSpec({
      port: config.EDGE_PORT,
      inspectorPort: await freePort(),
      persistDir: join(config.BT_DATA_DIR, 'wrangler'),
      runDir: join(config.BT_DATA_DIR, 'run', 'edge'),
      vars: { MEDIA_NODE_URL: mediaNodeUrl, PARTY_URL: partyUrl, COINPAY_API_URL: billing.apiUrl, ...(billing.demoWalletUrl ? { COINPAY_DEMO_WALLET_URL: billing.demoWalletUrl } : {}) },
      secrets: { URL_SIGNING_KEY: secrets.URL_SIGNING_KEY, AUTH_JWT_SECRET: secrets.AUTH_JWT_SECRET, COINPAY_API_KEY: billing.apiKey, COINPAY_WEBHOOK_SECRET: billing.webhookSecret },
      env: { ...baseEnv, WRANGLER_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: withPassword(databaseUrl) },
    })),
  })

  const timeoutMs = config.START_TIMEOUT_S * 1000 - (Date.now() - started)
  await Promise.all([`${mediaNodeUrl}/healthz`, `${partyUrl}/healthz`, `${edgeUrl}/healthz`].map((url) => waitForHealth(url, timeoutMs, () => stopping)))
  // Billing reconciliation on the cron trigger's beat (wrangler.toml [triggers]): wrangler dev runs scheduled() on /__scheduled.
  const beat = setInterval(() => void fetch(`${edgeUrl}/__scheduled?cron=*+*+*+*+*`).catch(() => {}), 30_000)
  beat.unref()
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  process.stdout.write(
    `${['', `  BitTorrented is running at ${edgeUrl}   (ready in ${seconds} s)`, '  Demo login: demo@bittorrented.local / watch-together', '  Press Ctrl-C to stop.', ''].join('\n')}\n`,
  )
} catch (err) {
  say(`could not start: ${err instanceof Error ? err.message : String(err)}`)
  await shutdown(1)
}
