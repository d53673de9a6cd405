/**
 * The account's profile PIN (optional): 4–8 digits, bcrypt-hashed in private.account_pins.
 * When set, managing profiles and leaving a kids profile for another one need it: either typed
 * with the request, or entered a moment ago on this device (a signed cookie bound to the user's
 * session, valid for UNLOCK_TTL_SECONDS). Wrong PINs are limited like passwords (per account and
 * client), so four digits cannot be guessed by trying.
 */
import { hmacSha256, timingSafeEqual } from '@bittorrented/common'
import { z } from 'zod'
import type { RequestDb } from '../db.server.ts'
import { AppError } from '../errors.ts'
import { accountOf } from '../profiles.server.ts'
import { COOKIE, readCookie, setCookie } from './cookies.server.ts'
import { hashPassword, verifyPassword } from './password.server.ts'
import type { SessionClaims } from './session.server.ts'
import { recordSignInAttempt, signInWaitSeconds, waitPhrase } from './sign-in-limits.server.ts'

export const PinSchema = z.string().regex(/^\d{4,8}$/, 'A PIN is 4 to 8 digits.')
const UNLOCK_TTL_SECONDS = 10 * 60

function accountIdOf(db: RequestDb, userId: string): Promise<string> {
  return db.asAuthServer((c) => accountOf(c, userId))
}

/** Whether the user's account has a PIN. */
export async function hasPin(db: RequestDb, userId: string): Promise<boolean> {
  const accountId = await accountIdOf(db, userId)
  return db.asAuthServer(async (c) => (await c.query('select 1 from private.account_pins where account_id = $1', [accountId])).rows.length > 0)
}

/** Sets (or with `null` removes) the PIN. The caller has checked the account password. */
export async function setPin(db: RequestDb, userId: string, pin: string | null): Promise<void> {
  const accountId = await accountIdOf(db, userId)
  const hash = pin === null ? null : await hashPassword(PinSchema.parse(pin))
  await db.asAuthServer((c) =>
    hash === null
      ? c.query('delete from private.account_pins where account_id = $1', [accountId])
      : c.query(
          `insert into private.account_pins (account_id, pin_hash) values ($1, $2)
           on conflict (account_id) do update set pin_hash = excluded.pin_hash, updated_at = now()`,
          [accountId, hash],
        ),
  )
}

/** Checks a typed PIN (limited per account and client); a wrong one is an AppError. */
export async function checkPin(db: RequestDb, userId: string, pin: string, ip: string): Promise<void> {
  const accountId = await accountIdOf(db, userId)
  const bucket = `pin:${accountId}`
  await db.asAuthServer(async (c) => {
    const wait = await signInWaitSeconds(c, bucket, ip, '')
    if (wait > 0) throw new AppError('rate_limited', `Too many wrong PINs. Try again in ${waitPhrase(wait)}.`)
    const { rows } = await c.query<{ pin_hash: string }>('select pin_hash from private.account_pins where account_id = $1', [accountId])
    const ok = PinSchema.safeParse(pin).success && (await verifyPassword(pin, rows[0]?.pin_hash ?? null))
    await recordSignInAttempt(c, bucket, ip, '', ok)
    if (!ok) throw new AppError('pin_required', 'That PIN is not right.')
  })
}

const unlockPayload = (user: SessionClaims, expiresAt: number) => `pin-unlock.v1\n${user.id}\n${user.sessionId}\n${expiresAt}`

/** The cookie that says "the PIN was entered on this device a moment ago". */
export async function pinUnlockCookie(request: Request, secret: string, user: SessionClaims): Promise<string> {
  const expiresAt = Math.floor(Date.now() / 1000) + UNLOCK_TTL_SECONDS
  return setCookie(request, COOKIE.pinUnlock, `${expiresAt}.${await hmacSha256(secret, unlockPayload(user, expiresAt))}`, UNLOCK_TTL_SECONDS)
}

export async function isPinUnlocked(request: Request, secret: string, user: SessionClaims): Promise<boolean> {
  const value = readCookie(request, COOKIE.pinUnlock) ?? ''
  const dot = value.indexOf('.')
  const expiresAt = Number(value.slice(0, dot))
  if (dot < 0 || !Number.isInteger(expiresAt) || expiresAt <= Date.now() / 1000) return false
  return timingSafeEqual(value.slice(dot + 1), await hmacSha256(secret, unlockPayload(user, expiresAt)))
}
