import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, expect, test } from 'vitest'
import { startEmbeddedDatabase } from './embedded-database.ts'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

async function modesUnder(dir: string): Promise<string[]> {
  const bad: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name)
    const mode = (await stat(path)).mode & 0o777
    if (entry.isDirectory() ? mode !== 0o700 : mode !== 0o600) bad.push(`${path}: ${mode.toString(8)}`)
  }
  return bad
}

test("its files are the owner's alone, it listens on loopback, fsync is on", { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bt-embedded-'))
  dirs.push(dir)
  const db = await startEmbeddedDatabase({ dataDir: dir, port: 0, password: 'modes-test-password-0123456789' })
  try {
    expect(db.server.host).toBe('127.0.0.1')
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    expect((await client.query('show fsync')).rows[0].fsync).toBe('on')
    await client.query('create table t (n int)')
    await client.query('insert into t values (1)')
    await client.end()
    expect(await modesUnder(dir)).toEqual([])
  } finally {
    await db.stop()
  }
})

test('committed rows survive the process being killed, three times over', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bt-embedded-kill-'))
  dirs.push(dir)
  for (let row = 1; row <= 3; row++) {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../tests/helpers/commit-and-hang.ts')], {
      env: { ...process.env, BT_TEST_DATA_DIR: dir, BT_TEST_ROW: String(row) },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('committed') && resolve())
      child.once('exit', (code) => reject(new Error(`child exited with ${code} before committing`)))
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
  }
  const db = await startEmbeddedDatabase({ dataDir: dir, port: 0 })
  try {
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    expect((await client.query('select n from survived order by n')).rows.map((r) => r.n)).toEqual([1, 2, 3])
    await client.end()
  } finally {
    await db.stop()
  }
}, 90_000)
