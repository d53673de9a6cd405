import pg from 'pg'
import type { WithDatabase } from '@bittorrented/common'
import type { EdgeConfig } from './env.server.ts'

/**
 * One short-lived connection per use. On Cloudflare, Hyperdrive pools the real connections;
 * a Worker must not keep sockets across requests. Locally the same URL reaches the embedded
 * database's wire server.
 */
export function databaseFor(config: EdgeConfig): WithDatabase {
  return async (fn) => withConnection(config, fn)
}

async function withConnection<T>(config: EdgeConfig, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => {})
  }
}

/** Who a person's request runs as: the claims PostgREST/Supabase would set. */
export interface PersonClaims {
  userId: string
  /** The selected profile, already checked against the user; absent for account-level work. */
  profileId?: string
}

/**
 * Runs `fn` as a person's request must run: in one transaction, as role `authenticated`, with
 * request.jwt.claims = {sub, role, profile_id?}. RLS then decides what the person sees.
 */
export async function withPersonTransaction<T>(config: EdgeConfig, claims: PersonClaims, fn: (tx: pg.Client) => Promise<T>): Promise<T> {
  return withConnection(config, async (client) => {
    await client.query('begin')
    try {
      const jwtClaims = { sub: claims.userId, role: 'authenticated', ...(claims.profileId ? { profile_id: claims.profileId } : {}) }
      await client.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [JSON.stringify(jwtClaims)])
      const result = await fn(client)
      await client.query('commit')
      return result
    } catch (err) {
      await client.query('rollback').catch(() => {})
      throw err
    }
  })
}

/**
 * Runs `fn` as the auth server: the database login role, for auth.users and sign-in
 * bookkeeping only (the role GoTrue has on Supabase). Never for a person's data.
 */
export function withAuthServer<T>(config: EdgeConfig, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withConnection(config, fn)
}
