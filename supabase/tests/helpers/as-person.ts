import type pg from 'pg'

export interface Claims {
  sub?: string
  profile_id?: string
  role?: string
}

/**
 * Runs `fn` the way the edge app runs a person's request: one transaction, role
 * `authenticated`, request.jwt.claims set. Always rolled back, so tests leave no trace.
 */
export async function asPerson<T>(client: pg.ClientBase, claims: Claims, fn: () => Promise<T>): Promise<T> {
  await client.query('begin')
  try {
    await client.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [JSON.stringify({ role: 'authenticated', ...claims })])
    return await fn()
  } finally {
    await client.query('rollback')
  }
}

/** Runs `fn` inside a savepoint and returns the SQLSTATE it failed with, or null. */
export async function sqlStateOf(client: pg.ClientBase, fn: () => Promise<unknown>): Promise<string | null> {
  await client.query('savepoint probe')
  try {
    await fn()
    await client.query('release savepoint probe')
    return null
  } catch (err) {
    await client.query('rollback to savepoint probe')
    return (err as { code?: string }).code ?? 'unknown'
  }
}
