import pg from 'pg'
import type { WithDatabase } from '@bittorrented/common'

/** A connection of the pool for the length of `fn` (what a transaction needs), released after. */
export type WithClient = <T>(fn: (db: pg.ClientBase) => Promise<T>) => Promise<T>

export interface Database {
  pool: pg.Pool
  withDb: WithDatabase
  withClient: WithClient
  close(): Promise<void>
}

/** The node's one pool. Small: the node reads the catalog, it does not serve people's queries. */
export function createDatabase(url: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: 5, connectionTimeoutMillis: 3_000, idleTimeoutMillis: 10_000 })
  // An idle client losing its connection must not crash the node; the next query reconnects.
  pool.on('error', () => {})
  const withClient: WithClient = async (fn) => {
    const client = await pool.connect()
    try {
      return await fn(client)
    } finally {
      client.release()
    }
  }
  return {
    pool,
    withDb: withClient,
    withClient,
    close: () => pool.end(),
  }
}
