/** Reading and writing our cookies; all HttpOnly, SameSite=Lax, Secure on https. */
export const COOKIE = {
  session: 'bt_session',
  profile: 'bt_profile',
  deviceProfile: 'bt_device_profile',
  knownDevice: 'bt_known_device',
  pinUnlock: 'bt_pin_unlock',
} as const

export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get('Cookie')
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      } catch {
        return null
      }
    }
  }
  return null
}

export function setCookie(request: Request, name: string, value: string, maxAgeSeconds: number): string {
  const secure = new URL(request.url).protocol === 'https:' ? '; Secure' : ''
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`
}

export function clearCookie(request: Request, name: string): string {
  return setCookie(request, name, '', 0)
}
