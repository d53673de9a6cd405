import pg from 'pg'
import type { WithDatabase } from '@bittorrented/common'
import type { Person } from './person.ts'

/**
 * The database connection of one request: opened on first use, shared by the route-scope
 * middleware and the loaders, closed when the request is done. A Worker may not keep sockets
 * across requests; on Cloudflare, Hyperdrive pools the real connections behind this one.
 * Work on it is serialised: two transactions never interleave on the one connection.
 */
export class RequestDb {
  private client: Promise<pg.Client> | null = null
  private queue: Promise<unknown> = Promise.resolve()
  /** Set when the database could not be reached or dropped the connection: the answer becomes a 503. */
  unavailable = false

  constructor(private readonly url: string) {}

  private connection(): Promise<pg.Client> {
    if (!this.client) {
      // A statement that takes longer than this is a database in trouble: fail, never hang.
      const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5_000, query_timeout: 20_000 })
      client.on('error', () => {
        this.unavailable = true
        this.client = null
      })
      this.client = client.connect().then(() => client)
      this.client.catch(() => {
        this.unavailable = true
        this.client = null
      })
    }
    return this.client
  }

  private exclusive<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.connection().then(fn))
    this.queue = run.catch(() => {})
    return run
  }

  /**
   * Runs `fn` as a person's request must run: one transaction, role `authenticated`,
   * request.jwt.claims = {sub, role, profile_id?}. RLS decides what the person sees.
   */
  asPerson<T>(claims: Person, fn: (tx: pg.Client) => Promise<T>): Promise<T> {
    return this.exclusive(async (client) => {
      const jwtClaims = JSON.stringify({ sub: claims.userId, role: 'authenticated', ...(claims.profileId ? { profile_id: claims.profileId } : {}) })
      // One round trip for begin + claims + role (simple protocol; the claims are escaped).
      // JIT off: a person's reads are short, LIMITed statements, but on a large catalog their
      // plans' costs pass jit_above_cost, and compiling took 150–300 ms per search statement.
      return this.transaction(
        client,
        `begin; select set_config('request.jwt.claims', ${client.escapeLiteral(jwtClaims)}, true), set_config('role', 'authenticated', true), set_config('jit', 'off', true)`,
        fn,
      )
    })
  }

  /** `fn` between `begin` (with the settings in `opening`) and commit, rolled back if it throws. */
  private async transaction<T>(client: pg.Client, opening: string, fn: (tx: pg.Client) => Promise<T>): Promise<T> {
    await client.query(opening)
    try {
      const result = await fn(client)
      await client.query('commit')
      return result
    } catch (err) {
      await client.query('rollback').catch(() => {})
      throw err
    }
  }

  /**
   * Runs `fn` as the auth server: the database login role, for auth.users and sign-in
   * bookkeeping only (the role GoTrue has on Supabase). Never for a person's data.
   */
  asAuthServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    return this.exclusive(fn)
  }

  /**
   * Runs `fn` in a transaction as `service_role`, for the billing service only: a verified
   * payment webhook or a reconciliation poll has no person behind it, and what it may do is the
   * security-definer functions granted to that role (private.record_webhook, apply_payment_status).
   */
  asBillingService<T>(fn: (tx: pg.Client) => Promise<T>): Promise<T> {
    return this.exclusive((client) => this.transaction(client, `begin; select set_config('role', 'service_role', true)`, fn))
  }

  /** For the health probe. */
  readonly withDb: WithDatabase = (fn) => this.exclusive(fn)

  async close(): Promise<void> {
    const pending = this.client
    this.client = null
    const client = await pending?.catch(() => null)
    await client?.end().catch(() => {})
  }
}
