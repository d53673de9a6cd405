import { z } from 'zod'
import { deviceDefaultCookie, readDeviceDefaultProfile, selectedProfileCookie } from './auth/profile-cookie.server.ts'
import type { AppLoadContext } from '@remix-run/cloudflare'
import type { SessionClaims } from './auth/session.server.ts'
import type { EdgeConfig } from './env.server.ts'
import { AppError } from './errors.ts'
import { mayLeaveForProfile, recordProfileEntered } from './profile-guard.server.ts'
import { verifyProfileOwnership, type Profile } from './profiles.server.ts'

export const SelectProfileSchema = z.object({
  profileId: z.string().uuid('Choose a profile.'),
  remember: z.boolean().default(false),
  /** The account's profile PIN, when leaving a kids profile needs it. */
  pin: z.string().max(16).nullish(),
})

/**
 * Selects a profile for this browser: only one of the user's own, checked in the database.
 * Returns the Set-Cookie headers: the selection, and the device default when asked to remember.
 */
export async function selectProfile(
  request: Request,
  context: AppLoadContext,
  user: SessionClaims,
  profileId: string,
  remember: boolean,
  pin?: string | null,
): Promise<{ profile: Profile; headers: Headers }> {
  const { config, db } = context
  const profile = await verifyProfileOwnership(db, user.id, profileId)
  if (!profile) throw new AppError('not_found', 'That profile is not one of yours.')
  const headers = new Headers()
  // Leaving a kids profile may need the account's PIN (profile-guard.server.ts).
  const unlocked = await mayLeaveForProfile(request, context, user, profile, pin)
  if (unlocked) headers.append('Set-Cookie', unlocked)
  await recordProfileEntered(context, user, profile)
  headers.append('Set-Cookie', await selectedProfileCookie(request, config.keys.profileCookie, user.id, profile.id))
  if (remember) headers.append('Set-Cookie', await deviceDefaultCookie(request, config.keys.profileCookie, user.id, profile.id))
  return { profile, headers }
}

/**
 * The profile to pick without asking: the only one, or this device's default if it still
 * exists. Null when the person has to choose.
 */
export async function automaticProfile(request: Request, config: EdgeConfig, user: SessionClaims, profiles: Profile[]): Promise<Profile | null> {
  if (profiles.length === 1) return profiles[0]!
  const deviceDefault = await readDeviceDefaultProfile(request, config.keys.profileCookie, user.id)
  return profiles.find((p) => p.id === deviceDefault) ?? null
}
