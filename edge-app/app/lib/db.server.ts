import pg from 'pg'
import type { WithDatabase } from '@bittorrented/common'
import type { EdgeConfig } from './env.server.ts'

/**
 * One short-lived connection per use. On Cloudflare, Hyperdrive pools the real connections;
 * a Worker must not keep sockets across requests. Locally the same URL reaches the embedded
 * database's wire server.
 */
export function databaseFor(config: EdgeConfig): WithDatabase {
  return async (fn) => {
    const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 5_000 })
    await client.connect()
    try {
      return await fn(client)
    } finally {
      await client.end().catch(() => {})
    }
  }
}
