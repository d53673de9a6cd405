/**
 * Sign-in and sign-up limits, kept in the database so every Worker isolate sees the same counts.
 *
 * Sign-in failures are counted per (email, client address, device): after 5 in 15 minutes that
 * triple waits 30 s, then twice as long after each further failure, at most 15 minutes. A device
 * that has signed in to an email before carries a signed cookie naming it (known-device.server.ts),
 * so its attempts are counted apart: five wrong passwords from someone else never lock the owner's
 * own devices out. Unknown devices also share a cap of 20 failures per client address. The
 * limits apply to unknown emails too, so they tell nothing about which accounts exist.
 *
 * The client address is CF-Connecting-IP only where Cloudflare sets it (TRUST_CF_CONNECTING_IP);
 * elsewhere a client could send any value, so every client counts as the one address `local`.
 */
import type pg from 'pg'

export const LIMITS = { windowMinutes: 15, perDevice: 5, perIp: 20, firstWaitSeconds: 30, signUpsPerHour: 30 } as const

/** Seconds this (email, ip, device) must still wait before another attempt; 0 = go ahead. */
export async function signInWaitSeconds(db: pg.ClientBase, email: string, ip: string, device: string): Promise<number> {
  const { rows } = await db.query<{ n: number; wait_s: number; by_ip: number }>(
    `with mine as (
       select count(*)::int as n, max(attempted_at) as last from private.sign_in_attempts
        where email = $1 and ip = $2 and device = $3 and not succeeded and attempted_at > now() - make_interval(mins => $4))
     select n,
            greatest(0, ceil(extract(epoch from (last + make_interval(secs => least($5 * power(2, greatest(n - $6, 0)), $4 * 60)) - now()))))::int as wait_s,
            (select count(*)::int from private.sign_in_attempts
              where ip = $2 and device = '' and not succeeded and attempted_at > now() - make_interval(mins => $4)) as by_ip
       from mine`,
    [email, ip, device, LIMITS.windowMinutes, LIMITS.firstWaitSeconds, LIMITS.perDevice],
  )
  const r = rows[0]!
  if (r.n >= LIMITS.perDevice && r.wait_s > 0) return r.wait_s
  if (device === '' && r.by_ip >= LIMITS.perIp) return LIMITS.windowMinutes * 60
  return 0
}

/** A wait as a person reads it: "30 seconds", "4 minutes". */
export function waitPhrase(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`
}

export async function recordSignInAttempt(db: pg.ClientBase, email: string, ip: string, device: string, succeeded: boolean): Promise<void> {
  await db.query('insert into private.sign_in_attempts (email, ip, device, succeeded) values ($1, $2, $3, $4)', [email, ip, device, succeeded])
  if (succeeded) {
    // A successful sign-in clears this device's failures for the email; old rows go so the table stays small.
    await db.query(`delete from private.sign_in_attempts where (email = $1 and device = $2 and not succeeded) or attempted_at < now() - interval '1 day'`, [email, device])
  }
}

/** Counts a sign-up from `ip`; false when that address has made too many this hour. */
export async function admitSignUp(db: pg.ClientBase, ip: string): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from private.sign_up_attempts where ip = $1 and attempted_at > now() - interval '1 hour'`, [ip])
  if (rows[0]!.n >= LIMITS.signUpsPerHour) return false
  await db.query(`insert into private.sign_up_attempts (ip) values ($1)`, [ip])
  await db.query(`delete from private.sign_up_attempts where attempted_at < now() - interval '1 day'`)
  return true
}

/** The client address the limits count by (see above). */
export function clientAddress(request: Request, trustCfConnectingIp: boolean): string {
  const header = request.headers.get('CF-Connecting-IP')
  return trustCfConnectingIp && header && /^[0-9a-f.:]{2,45}$/i.test(header) ? header : 'local'
}
