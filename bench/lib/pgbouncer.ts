/**
 * A local PgBouncer in front of PostgreSQL, playing the part Hyperdrive plays in production:
 * the Worker opens a connection per request, and the pooler turns that into a cheap hand-over
 * of an already open server connection (transaction pooling; our request state is
 * transaction-local: `set_config(…, true)`). Needs Debian's `pgbouncer` package.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@bittorrented/scripts/free-port'

const BINARY = '/usr/sbin/pgbouncer'

export interface Pooler {
  url: string
  stop(): Promise<void>
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`pgbouncer did not listen on ${port}`)
}

export async function startPgBouncer(serverUrl: string, poolSize = 20): Promise<Pooler> {
  if (!existsSync(BINARY)) throw new Error('pgbouncer is not installed: apt-get install pgbouncer')
  const server = new URL(serverUrl)
  const dir = await mkdtemp(join(tmpdir(), 'bt-pgbouncer-'))
  await chmod(dir, 0o755)
  const port = await freePort()
  const db = server.pathname.slice(1)
  await writeFile(join(dir, 'users.txt'), `"${decodeURIComponent(server.username || 'postgres')}" ""\n`)
  await writeFile(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${db} = host=${server.hostname} port=${server.port || 5432} dbname=${db} user=${decodeURIComponent(server.username || 'postgres')}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'max_client_conn = 1000',
      `default_pool_size = ${poolSize}`,
      `unix_socket_dir =`,
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
  )
  await chmod(join(dir, 'pgbouncer.ini'), 0o644)
  await chmod(join(dir, 'users.txt'), 0o644)
  // PgBouncer refuses to run as root; -u drops to the postgres user.
  const args = process.getuid?.() === 0 ? ['-u', 'postgres', join(dir, 'pgbouncer.ini')] : [join(dir, 'pgbouncer.ini')]
  const child: ChildProcess = spawn(BINARY, args, { stdio: 'ignore' })
  await waitForPort(port, 10_000)
  const url = new URL(serverUrl)
  url.host = `127.0.0.1:${port}`
  return {
    url: url.toString(),
    async stop() {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
      await rm(dir, { recursive: true, force: true })
    },
  }
}
