import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startPgliteWireServer, type PgliteWireServer } from './pglite-wire-server.ts'

let db: PGlite
let server: PgliteWireServer
const errors: Error[] = []

beforeAll(async () => {
  db = await PGlite.create()
  server = await startPgliteWireServer({ db, idleHoldTimeoutMs: 200, onError: (e) => errors.push(e) })
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
