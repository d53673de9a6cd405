/**
 * The selected-profile cookie: `<profile id>.<mac>`, where the MAC covers the user id too, so
 * a cookie is valid only for the user it was issued to. Whether the profile still belongs to
 * that user's account is checked against the database on every profile-scoped request.
 * The per-device default ("set as default on this device") is the same token in another,
 * long-lived cookie.
 */
import { hmacSha256, timingSafeEqual } from '@bittorrented/common'
import { COOKIE, readCookie, setCookie } from './cookies.server.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SELECTED_TTL_SECONDS = 30 * 24 * 3600
const DEVICE_DEFAULT_TTL_SECONDS = 365 * 24 * 3600

function payload(kind: string, userId: string, profileId: string): string {
  return `profile-cookie.v1\n${kind}\n${userId}\n${profileId}`
}

export async function signProfileToken(secret: string, kind: 'selected' | 'device', userId: string, profileId: string): Promise<string> {
  return `${profileId}.${await hmacSha256(secret, payload(kind, userId, profileId))}`
}

/** The profile id a cookie names, if its MAC is valid for this user; null otherwise. */
export async function readProfileToken(secret: string, kind: 'selected' | 'device', userId: string, token: string | null): Promise<string | null> {
  if (!token) return null
  const dot = token.indexOf('.')
  const profileId = token.slice(0, dot)
  if (dot < 0 || !UUID.test(profileId)) return null
  const expected = await hmacSha256(secret, payload(kind, userId, profileId))
  return timingSafeEqual(token.slice(dot + 1), expected) ? profileId.toLowerCase() : null
}

export function readSelectedProfile(request: Request, secret: string, userId: string): Promise<string | null> {
  return readProfileToken(secret, 'selected', userId, readCookie(request, COOKIE.profile))
}

export function readDeviceDefaultProfile(request: Request, secret: string, userId: string): Promise<string | null> {
  return readProfileToken(secret, 'device', userId, readCookie(request, COOKIE.deviceProfile))
}

export async function selectedProfileCookie(request: Request, secret: string, userId: string, profileId: string): Promise<string> {
  return setCookie(request, COOKIE.profile, await signProfileToken(secret, 'selected', userId, profileId), SELECTED_TTL_SECONDS)
}

export async function deviceDefaultCookie(request: Request, secret: string, userId: string, profileId: string): Promise<string> {
  return setCookie(request, COOKIE.deviceProfile, await signProfileToken(secret, 'device', userId, profileId), DEVICE_DEFAULT_TTL_SECONDS)
}
