/**
 * The embedded default database: PGlite (PostgreSQL in WASM) with pg_trgm, its files under
 * the data directory, served to `pg` clients on 127.0.0.1 by our wire server.
 *
 * PGlite's files may be opened by one process only. The process that opens them writes a
 * state file beside them (pid and URL); tools started meanwhile (`npm run db:migrate` while
 * `npm start` runs) read it and connect over the socket instead of opening the files.
 */
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { startPgliteWireServer, type PgliteWireServer } from './pglite-wire-server.ts'

export interface EmbeddedDatabase {
  readonly url: string
  readonly server: PgliteWireServer
  stop(): Promise<void>
}

export interface EmbeddedDatabaseOptions {
  /** Directory for PGlite's files; `null` keeps everything in memory (tests). */
  dataDir: string | null
  port?: number
  host?: string
  /**
   * The password every client must give (SCRAM-SHA-256) as user `postgres`; a random one when
   * unset (tests: clients use `url`, which carries it). `npm start` keeps one 0600 in .data/.
   */
  password?: string
  onError?: (err: Error) => void
}

/** PGlite's start parameters less `-F`: fsync on, so a power cut cannot lose a committed transaction. */
export const DURABLE_START_PARAMS: string[] = PGlite.defaultStartParams.filter((p) => p !== '-F')

/** Only this user may read the database's files: directories 0700, files 0600. */
async function restrictModes(dir: string): Promise<void> {
  await chmod(dir, 0o700)
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) await restrictModes(path)
    else if (entry.isFile()) await chmod(path, 0o600)
  }
}

interface StateFile {
  pid: number
  url: string
}

function stateFilePath(dataDir: string): string {
  return join(dataDir, 'server.json')
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The URL of an embedded database another live process is serving from `dataDir`, if any. */
export async function findRunningEmbeddedDatabase(dataDir: string): Promise<string | null> {
  try {
    const state = JSON.parse(await readFile(stateFilePath(dataDir), 'utf8')) as StateFile
    return state.pid !== process.pid && isAlive(state.pid) ? state.url : null
  } catch {
    return null
  }
}

export async function startEmbeddedDatabase(opts: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  if (opts.dataDir) {
    const running = await findRunningEmbeddedDatabase(opts.dataDir)
    if (running) throw new Error(`the embedded database in ${opts.dataDir} is already served at ${running} by another process`)
    await mkdir(opts.dataDir, { recursive: true, mode: 0o700 })
    // Files PGlite makes from here on are this user's only (its WASM file system asks for 0666).
    process.umask(0o077)
    await restrictModes(opts.dataDir)
  }
  const db = await PGlite.create({
    ...(opts.dataDir ? { dataDir: join(opts.dataDir, 'pgdata') } : {}),
    extensions: { pg_trgm },
    startParams: DURABLE_START_PARAMS,
  })
  if (opts.dataDir) await restrictModes(opts.dataDir)
  const password = opts.password ?? randomBytes(24).toString('base64url')
  let server: PgliteWireServer
  try {
    server = await startPgliteWireServer({ db, host: opts.host, port: opts.port, logins: { postgres: password }, onError: opts.onError })
  } catch (err) {
    await db.close()
    throw err
  }
  // The URL carries the password: the state file is this user's only.
  if (opts.dataDir) await writeFile(stateFilePath(opts.dataDir), JSON.stringify({ pid: process.pid, url: server.url } satisfies StateFile), { mode: 0o600 })
  let stopped = false
  return {
    url: server.url,
    server,
    async stop() {
      if (stopped) return
      stopped = true
      await server.stop()
      await db.close()
      if (opts.dataDir) await rm(stateFilePath(opts.dataDir), { force: true })
    },
  }
}
