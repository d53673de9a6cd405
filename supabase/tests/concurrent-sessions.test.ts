/**
 * The RLS design needs every request's transaction to see only its own request.jwt.claims
 * and role. On PGlite all clients share one session through our wire server; on PostgreSQL
 * each has its own backend. Both must pass the same checks.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type pg from 'pg'
import { connect, createMigratedDatabase, testTarget, type TestDatabase } from './helpers/test-database.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await createMigratedDatabase()
  const c = await connect(db.url)
  await c.query('create table public.concurrency_probe (owner text not null, n int not null)')
  await c.end()
})
afterAll(async () => {
  await db?.drop()
})

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))
const userId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`

async function withClients<T>(n: number, fn: (clients: pg.Client[]) => Promise<T>): Promise<T> {
  const clients = await Promise.all(Array.from({ length: n }, () => connect(db.url)))
  try {
    return await fn(clients)
  } finally {
    await Promise.all(clients.map((c) => c.end()))
  }
}

describe(`concurrent sessions on ${testTarget()}`, () => {
  test('concurrent transactions each see only their own claims and role, with distinct transaction ids', async () => {
    await withClients(6, async (clients) => {
      const seen = await Promise.all(
        clients.map(async (c, i) => {
          const txids: string[] = []
          for (let round = 0; round < 15; round++) {
            await c.query('begin')
            await c.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: userId(i), role: 'authenticated', profile_id: `p${i}` })])
            await c.query('set local role authenticated')
            await pause((i * 7 + round) % 4)
            const { rows } = await c.query(`select auth.uid()::text as uid, auth.jwt() ->> 'profile_id' as profile, current_user as who, txid_current()::text as tx`)
            const { rows: again } = await c.query(`select auth.uid()::text as uid, txid_current()::text as tx`)
            await c.query('commit')
            expect(rows[0]).toMatchObject({ uid: userId(i), profile: `p${i}`, who: 'authenticated' })
            expect(again[0]).toEqual({ uid: userId(i), tx: rows[0].tx })
            txids.push(rows[0].tx)
          }
          return txids
        }),
      )
      const all = seen.flat()
      // Two clients inside one transaction would report the same txid.
      expect(new Set(all).size).toBe(all.length)
    })
  })

  test('claims and role never outlive their transaction for the next client', async () => {
    await withClients(2, async ([a, b]) => {
      await a!.query('begin')
      await a!.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: userId(1) })])
      await a!.query('set local role authenticated')
      const pending = b!.query(`select auth.uid() as uid, current_user as who`)
      await pause(20)
      await a!.query('commit')
      expect((await pending).rows[0]).toEqual({ uid: null, who: 'postgres' })
    })
  })

  test('one client rolling back never undoes what another committed meanwhile', async () => {
    await withClients(2, async ([a, b]) => {
      await a!.query('begin')
      await a!.query(`insert into public.concurrency_probe values ('a', 1)`)
      const bWrites = (async () => {
        await b!.query('begin')
        await b!.query(`insert into public.concurrency_probe values ('b', 1)`)
        await b!.query('commit')
      })()
      await pause(20)
      await a!.query('rollback')
      await bWrites
      const { rows } = await b!.query(`select owner from public.concurrency_probe where n = 1 order by owner`)
      expect(rows).toEqual([{ owner: 'b' }])
    })
  })

  test('parameterised queries from many clients at once each get their own results', async () => {
    await withClients(8, async (clients) => {
      await Promise.all(
        clients.map(async (c, i) => {
          for (let k = 0; k < 25; k++) {
            const { rows } = await c.query('select $1::int as v, $2::text as t', [i * 1000 + k, `client-${i}`])
            expect(rows).toEqual([{ v: i * 1000 + k, t: `client-${i}` }])
          }
        }),
      )
    })
  })

  test('a client that disconnects inside a transaction is rolled back and does not block the others', async () => {
    await withClients(2, async ([a, b]) => {
      a!.on('error', () => {}) // the connection is cut on purpose
      await a!.query('begin')
      await a!.query(`insert into public.concurrency_probe values ('gone', 2)`)
      const pending = b!.query(`select count(*)::int as n from public.concurrency_probe where owner = 'gone'`)
      await pause(20)
      // Cut the socket without a Terminate message, as a crashed process would.
      ;(a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy()
      expect((await pending).rows[0].n).toBe(0)
    })
  })
})
