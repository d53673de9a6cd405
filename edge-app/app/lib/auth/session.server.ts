/**
 * Session tokens: HS256 JWTs with the claims Supabase Auth issues (sub, role, aud, email,
 * session_id), so pointing AUTH_JWT_SECRET at a Supabase project's JWT secret makes its tokens
 * valid here and ours valid there. Kept in an HttpOnly cookie.
 */
import { jwtVerify, SignJWT } from 'jose'
import { COOKIE, readCookie, setCookie } from './cookies.server.ts'

export const SESSION_TTL_SECONDS = 7 * 24 * 3600
const ISSUER = 'bittorrented-local-auth'

export interface SessionUser {
  id: string
  email: string
}

const key = (secret: string) => new TextEncoder().encode(secret)

export async function issueSessionToken(secret: string, user: SessionUser, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000)
  return new SignJWT({ email: user.email, role: 'authenticated', session_id: crypto.randomUUID(), app_metadata: { provider: 'email' } })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setAudience('authenticated')
    .setIssuer(ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + SESSION_TTL_SECONDS)
    .sign(key(secret))
}

/** The signed-in user, or null for a missing, expired, tampered or foreign token. */
export async function readSession(request: Request, secret: string): Promise<SessionUser | null> {
  const token = readCookie(request, COOKIE.session)
  if (!token) return null
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'], audience: 'authenticated' })
    if (typeof payload.sub !== 'string' || payload.role !== 'authenticated' || typeof payload.email !== 'string') return null
    return { id: payload.sub, email: payload.email }
  } catch {
    return null
  }
}

export async function sessionCookie(request: Request, secret: string, user: SessionUser): Promise<string> {
  return setCookie(request, COOKIE.session, await issueSessionToken(secret, user), SESSION_TTL_SECONDS)
}
