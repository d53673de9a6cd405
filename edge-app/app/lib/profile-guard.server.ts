/**
 * Who may change profiles and leave a kids profile (the checks every route that does so makes):
 *   - with an account PIN set, managing profiles and switching from a kids profile to another
 *     one need the PIN (typed with the request, or entered on this device in the last minutes);
 *   - without one, a kids profile still cannot manage profiles (its own limits included), but may
 *     switch, as a family without a PIN chose.
 */
import type { AppLoadContext } from '@remix-run/cloudflare'
import { checkPin, hasPin, isPinUnlocked, pinUnlockCookie } from './auth/account-pin.server.ts'
import { readSelectedProfile } from './auth/profile-cookie.server.ts'
import type { SessionClaims } from './auth/session.server.ts'
import { clientAddress } from './auth/sign-in-limits.server.ts'
import { AppError } from './errors.ts'
import { verifyProfileOwnership, type Profile } from './profiles.server.ts'

export const KIDS_CANNOT_MANAGE = 'A kids profile cannot change profiles. Ask a grown-up to switch to their profile first.'

async function selectedProfile(request: Request, context: AppLoadContext, user: SessionClaims): Promise<Profile | null> {
  const id = await readSelectedProfile(request, context.config.keys.profileCookie, user.id)
  return id ? verifyProfileOwnership(context.db, user.id, id) : null
}

/**
 * Whether this session is in a kids profile: the selected cookie says so, or the session entered
 * one and has not left it the allowed way since (kept on the server, so deleting the profile
 * cookie changes nothing).
 */
async function inKidsMode(request: Request, context: AppLoadContext, user: SessionClaims): Promise<boolean> {
  if ((await selectedProfile(request, context, user))?.isKids) return true
  return context.db.asAuthServer(async (c) => (await c.query('select 1 from private.session_kids_locks where session_id = $1', [user.sessionId])).rows.length > 0)
}

/** Records the session entering (`kids`) or leaving a kids profile. */
export async function recordProfileEntered(context: AppLoadContext, user: SessionClaims, profile: Profile): Promise<void> {
  await context.db.asAuthServer((c) =>
    profile.isKids
      ? c.query('insert into private.session_kids_locks (session_id) values ($1) on conflict do nothing', [user.sessionId])
      : c.query('delete from private.session_kids_locks where session_id = $1', [user.sessionId]),
  )
}

/** Whether this device has the PIN unlocked (or the account has none); false = ask for it. */
export async function pinSatisfied(request: Request, context: AppLoadContext, user: SessionClaims): Promise<boolean> {
  return !(await hasPin(context.db, user.id)) || (await isPinUnlocked(request, context.config.keys.profileCookie, user))
}

/** Throws unless this request may manage profiles (and the account's own settings). */
export async function requireProfileManager(request: Request, context: AppLoadContext, user: SessionClaims): Promise<void> {
  if (await hasPin(context.db, user.id)) {
    if (!(await isPinUnlocked(request, context.config.keys.profileCookie, user))) throw new AppError('pin_required', 'Enter the profile PIN first.')
    return
  }
  if (await inKidsMode(request, context, user)) throw new AppError('not_allowed', KIDS_CANNOT_MANAGE)
}

/** Checks a typed PIN and returns the cookie that keeps it unlocked on this device. */
export async function unlockWithPin(request: Request, context: AppLoadContext, user: SessionClaims, pin: string): Promise<string> {
  await checkPin(context.db, user.id, pin, clientAddress(request, context.config.trustCfConnectingIp))
  return pinUnlockCookie(request, context.config.keys.profileCookie, user)
}

/**
 * Throws `pin_required` when this device has a kids profile selected, `target` is not a kids
 * profile and the account has a PIN that was neither typed (`pin`) nor unlocked. Returns a
 * Set-Cookie to add when a typed PIN unlocked it.
 */
export async function mayLeaveForProfile(request: Request, context: AppLoadContext, user: SessionClaims, target: Profile, pin?: string | null): Promise<string | null> {
  if (target.isKids || !(await inKidsMode(request, context, user))) return null
  if (await pinSatisfied(request, context, user)) return null
  if (pin) return unlockWithPin(request, context, user, pin)
  throw new AppError('pin_required', 'Enter the profile PIN to leave the kids profile.')
}

/**
 * Who an account-level page (Plan & billing) acts for: the signed-in user with the profile this
 * device has selected (so the database's kids checks apply too), and whether the session is in a
 * kids profile — then billing is not shown at all.
 */
export async function accountPerson(request: Request, context: AppLoadContext, user: SessionClaims): Promise<{ person: { userId: string; profileId?: string }; kids: boolean }> {
  const profile = await selectedProfile(request, context, user)
  return { person: { userId: user.id, ...(profile ? { profileId: profile.id } : {}) }, kids: await inKidsMode(request, context, user) }
}
