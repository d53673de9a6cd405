/**
 * Runs the whole platform the way `npm start` does (scripts/start.ts), on free ports with its
 * own data directory, for tests that need the edge app on workerd and everything behind it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '@bittorrented/db'
import { freePort } from './free-port.ts'
import { spawnLogged, type LoggedProcess } from './spawn-logged.ts'

export interface Platform {
  url: string
  ports: { EDGE_PORT: number; MEDIA_NODE_PORT: number; PARTY_PORT: number; DB_PORT: number; IPTV_FIXTURE_PORT: number; AUDIO_FIXTURE_PORT: number; COINPAY_FIXTURE_PORT: number }
  env: Record<string, string | undefined>
  /** The embedded database's URL, with the password this run generated (as `npm run db:*` find it). */
  databaseUrl: string
  process: LoggedProcess
  stop(): Promise<number | null>
}

/** `databaseUrl`: a real PostgreSQL to use instead of the embedded database. */
export async function startPlatform(opts: { databaseUrl?: string; env?: Record<string, string> } = {}): Promise<Platform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bt-platform-'))
  const ports = {
    EDGE_PORT: await freePort(),
    MEDIA_NODE_PORT: await freePort(),
    PARTY_PORT: await freePort(),
    DB_PORT: await freePort(),
    IPTV_FIXTURE_PORT: await freePort(),
    AUDIO_FIXTURE_PORT: await freePort(),
    COINPAY_FIXTURE_PORT: await freePort(),
  }
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: opts.databaseUrl ?? '',
    BT_DATA_DIR: dataDir,
    // Generated once and shared by every run: the demo media are the same each time.
    BT_DEMO_MEDIA_DIR: join(tmpdir(), 'bt-demo-media-shared'),
    LOG_LEVEL: 'warn',
    ...opts.env,
  }
  for (const [k, v] of Object.entries(ports)) env[k] = String(v)
  const proc = spawnLogged(['--import', 'tsx', 'scripts/start.ts'], { cwd: repoRoot, env })
  let url: string
  try {
    url = (await proc.waitFor(/BitTorrented is running at (http:\/\/127\.0\.0\.1:\d+)/, 150_000))[1]!
  } catch (err) {
    proc.child.kill('SIGKILL')
    await rm(dataDir, { recursive: true, force: true })
    throw err
  }
  const databaseUrl = opts.databaseUrl || (JSON.parse(await readFile(join(dataDir, 'pglite', 'server.json'), 'utf8')) as { url: string }).url
  return {
    url,
    ports,
    env,
    databaseUrl,
    process: proc,
    async stop() {
      if (proc.child.exitCode === null) proc.child.kill('SIGINT')
      const code = await proc.exited
      await rm(dataDir, { recursive: true, force: true })
      return code
    },
  }
}
