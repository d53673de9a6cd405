/**
 * A fresh, uniquely named database for one test file, on the target this vitest project runs
 * against: PGlite in memory (`db:pglite`) or a database created on the real server named by
 * DATABASE_URL (`db:postgres`), dropped afterwards.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { startEmbeddedDatabase } from '../../src/embedded-database.ts'
import { listMigrations, migrate } from '../../src/migrate.ts'
import { migrationsDir } from '../../src/paths.ts'
import { withClient } from '../../src/run-with-client.ts'

export type TestTarget = 'pglite' | 'postgres'

export interface TestDatabase {
  target: TestTarget
  url: string
  drop(): Promise<void>
}

export function testTarget(): TestTarget {
  const target = process.env.BT_TEST_DB
  if (target !== 'pglite' && target !== 'postgres') throw new Error('BT_TEST_DB must be pglite or postgres (set by the vitest project)')
  return target
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const target = testTarget()
  if (target === 'pglite') {
    const errors: Error[] = []
    const db = await startEmbeddedDatabase({ dataDir: null, port: 0, onError: (err) => errors.push(err) })
    return {
      target,
      url: db.url,
      async drop() {
        await db.stop()
        // The wire server must never have failed while serving the test.
        if (errors.length) throw new AggregateError(errors, 'embedded database errors during the test')
      },
    }
  }
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) throw new Error('db:postgres needs DATABASE_URL')
  const name = `bt_test_${process.pid}_${randomBytes(4).toString('hex')}`
  // CREATE DATABASE copies template1 and refuses while another session holds it (55006): parallel
  // test files can collide there for a moment, so it is retried.
  for (let attempt = 1; ; attempt++) {
    try {
      await withClient(serverUrl, (c) => c.query(`create database ${name}`))
      break
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || attempt >= 10) throw err
      await new Promise((r) => setTimeout(r, 100 * attempt))
    }
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    target,
    url: url.toString(),
    drop: () => withClient(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  }
}

/** A fresh database with every migration applied. */
export async function createMigratedDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase()
  await withClient(db.url, async (c) => migrate(c, await listMigrations(migrationsDir)))
  return db
}

export function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url })
  return client.connect().then(() => client)
}
