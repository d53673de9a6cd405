import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startPgliteWireServer, type PgliteWireServer } from './pglite-wire-server.ts'

let db: PGlite
const PASSWORD = 'a-password-only-the-platform-knows'
let server: PgliteWireServer
const errors: Error[] = []

beforeAll(async () => {
  db = await PGlite.create()
  server = await startPgliteWireServer({ db, idleHoldTimeoutMs: 200, maxConnections: 8, logins: { postgres: PASSWORD }, onError: (e) => errors.push(e) })
})
afterAll(async () => {
  await server?.stop()
  await db?.close()
})

test('a client left idle inside a transaction while others wait is cut off and rolled back; the others go on', async () => {
  const stuck = new pg.Client({ connectionString: server.url })
  const other = new pg.Client({ connectionString: server.url })
  stuck.on('error', () => {})
  await stuck.connect()
  await other.connect()
  await stuck.query('create table left_open (n int)')
  await stuck.query('begin')
  await stuck.query('insert into left_open values (1)')
  // `stuck` now holds the single session in a transaction and goes quiet (a cancelled request).
  expect((await other.query('select count(*)::int as n from left_open')).rows[0].n).toBe(0)
  await expect(stuck.query('commit')).rejects.toThrow()
  expect(errors.some((e) => /idle in a transaction/.test(e.message))).toBe(true)
  await other.end()
})

test('a quiet client that holds nothing open, or that nobody waits behind, is left alone', async () => {
  const quiet = new pg.Client({ connectionString: server.url })
  await quiet.connect()
  await quiet.query('begin')
  await new Promise((r) => setTimeout(r, 600))
  expect((await quiet.query('select 1 as one')).rows[0].one).toBe(1)
  await quiet.query('commit')
  await quiet.end()
})

describe('logins', () => {
  const urlWith = (user: string, password: string | null) => {
    const u = new URL(server.url)
    u.username = user
    u.password = password ?? ''
    return u.toString()
  }
  const tryConnect = async (url: string) => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
    c.on('error', () => {})
    try {
      await c.connect()
      const { rows } = await c.query('select current_user as u')
      return `in as ${rows[0].u}`
    } catch (err) {
      return `${(err as { code?: string }).code}: ${(err as Error).message}`
    } finally {
      await c.end().catch(() => {})
    }
  }

  test('the password is proven with SCRAM-SHA-256; a wrong one, none, or an unknown user is refused with 28P01', async () => {
    expect(server.url).toContain(encodeURIComponent(PASSWORD))
    expect(await tryConnect(server.url)).toBe('in as postgres')
    expect(await tryConnect(urlWith('postgres', 'guess'))).toBe('28P01: password authentication failed for user "postgres"')
    expect(await tryConnect(urlWith('postgres', null))).toMatch(/^(28P01|undefined): .*password/)
    expect(await tryConnect(urlWith('admin', PASSWORD))).toBe('28P01: password authentication failed for user "admin"')
  })

  test('a raw client that skips the exchange never reaches the database', async () => {
    // A startup packet, then a simple query straight away, as a client that ignores the auth request would send.
    const startup = Buffer.alloc(8 + 'user\0postgres\0\0'.length)
    startup.writeInt32BE(startup.length, 0)
    startup.writeInt32BE(196608, 4)
    startup.write('user\0postgres\0\0', 8, 'latin1')
    const q = Buffer.from('select 1\0')
    const query = Buffer.concat([Buffer.from('Q'), Buffer.alloc(4), q])
    query.writeInt32BE(q.length + 4, 1)
    const got = await new Promise<string>((resolve) => {
      const s = connect(server.port, '127.0.0.1', () => s.write(Buffer.concat([startup, query])))
      let text = ''
      s.on('data', (d) => (text += d.toString('latin1')))
      s.on('close', () => resolve(text))
      s.on('error', () => resolve(text))
    })
    expect(got).toContain('28P01')
    expect(got).not.toMatch(/Z\0\0\0\x05I/) // never a ReadyForQuery
  })

  test('past the connection cap a client gets PostgreSQL\'s "too many clients" at once, not a vanished socket', async () => {
    const held: pg.Client[] = []
    try {
      for (let i = 0; i < 8; i++) {
        const c = new pg.Client({ connectionString: server.url })
        c.on('error', () => {})
        await c.connect()
        held.push(c)
      }
      const started = Date.now()
      expect(await tryConnect(server.url)).toBe('53300: sorry, too many clients already')
      expect(Date.now() - started).toBeLessThan(4_000) // answered, not left to the client's own timeout
    } finally {
      await Promise.all(held.map((c) => c.end()))
    }
  })
})
