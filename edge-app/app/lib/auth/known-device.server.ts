/**
 * The known-device cookie (OWASP's "device cookie" against lockout attacks): after a successful
 * sign-in the browser gets `<device id>.<mac>`, the MAC binding the id to that email. Its sign-in
 * attempts for that email are then counted apart from everyone else's (sign-in-limits.server.ts).
 */
import { hmacSha256, timingSafeEqual, toBase64Url } from '@bittorrented/common'
import { COOKIE, readCookie, setCookie } from './cookies.server.ts'

const TTL_SECONDS = 365 * 24 * 3600
const ID = /^[A-Za-z0-9_-]{22}$/

const payload = (email: string, id: string) => `known-device.v1\n${email}\n${id}`

/** The device id the request's cookie names for `email`, or '' when it names none (or is forged). */
export async function knownDevice(request: Request, secret: string, email: string): Promise<string> {
  const value = readCookie(request, COOKIE.knownDevice) ?? ''
  const dot = value.indexOf('.')
  const id = value.slice(0, dot)
  if (dot < 0 || !ID.test(id)) return ''
  return timingSafeEqual(value.slice(dot + 1), await hmacSha256(secret, payload(email, id))) ? id : ''
}

/** The cookie that makes this browser a known device for `email` (keeping its id if it had one). */
export async function knownDeviceCookie(request: Request, secret: string, email: string, id: string): Promise<string> {
  const deviceId = id || toBase64Url(crypto.getRandomValues(new Uint8Array(16)))
  return setCookie(request, COOKIE.knownDevice, `${deviceId}.${await hmacSha256(secret, payload(email, deviceId))}`, TTL_SECONDS)
}
