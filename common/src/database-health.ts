import type { HealthReport } from './health.ts'

/** The slice of a `pg` client or pool that our probes and small readers need. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>
}

/** Runs `fn` with a connection and releases it afterwards, whatever happens. */
export type WithDatabase = <T>(fn: (db: Queryable) => Promise<T>) => Promise<T>

/**
 * Probes the database: reachable, and which migration it is at. Never throws: an unreachable
 * database is a report, not an error, so `/healthz` can answer while the database is down.
 */
export async function probeDatabase(withDb: WithDatabase, now: () => number = Date.now): Promise<HealthReport['database']> {
  const started = now()
  try {
    const version = await withDb(async (db) => {
      // Two statements: a missing table must not fail the probe (a fresh database is still "up").
      const { rows: found } = await db.query(`select to_regclass('bt_migrations.applied') is not null as migrated`)
      if (!found[0]?.migrated) return null
      const { rows } = await db.query('select max(version) as version from bt_migrations.applied')
      return rows[0]?.version
    })
    return { status: 'up', schemaVersion: typeof version === 'string' ? version : null, latencyMs: now() - started }
  } catch (err) {
    return { status: 'down', schemaVersion: null, latencyMs: null, error: err instanceof Error ? err.message : String(err) }
  }
}
