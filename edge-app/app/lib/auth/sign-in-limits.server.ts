/**
 * Sign-in rate limits, kept in the database so every Worker isolate sees the same counts:
 * at most 5 failed attempts per email and 20 per client IP in 15 minutes. The limit per email
 * applies to unknown emails too, so it tells nothing about which accounts exist.
 */
import type pg from 'pg'

export const LIMITS = { windowMinutes: 15, perEmail: 5, perIp: 20 } as const

export async function isSignInLimited(db: pg.ClientBase, email: string, ip: string): Promise<boolean> {
  const { rows } = await db.query<{ by_email: number; by_ip: number }>(
    `select
       (select count(*)::int from private.sign_in_attempts
         where email = $1 and not succeeded and attempted_at > now() - make_interval(mins => $3)) as by_email,
       (select count(*)::int from private.sign_in_attempts
         where ip = $2 and not succeeded and attempted_at > now() - make_interval(mins => $3)) as by_ip`,
    [email, ip, LIMITS.windowMinutes],
  )
  const r = rows[0]!
  return r.by_email >= LIMITS.perEmail || r.by_ip >= LIMITS.perIp
}

export async function recordSignInAttempt(db: pg.ClientBase, email: string, ip: string, succeeded: boolean): Promise<void> {
  await db.query('insert into private.sign_in_attempts (email, ip, succeeded) values ($1, $2, $3)', [email, ip, succeeded])
  if (succeeded) {
    // A successful sign-in clears that email's failures; old rows go so the table stays small.
    await db.query(`delete from private.sign_in_attempts where (email = $1 and not succeeded) or attempted_at < now() - interval '1 day'`, [email])
  }
}
