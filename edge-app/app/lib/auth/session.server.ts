/**
 * Session tokens: HS256 JWTs with the claims Supabase Auth issues (sub, role, aud, email,
 * session_id), so pointing AUTH_JWT_SECRET at a Supabase project's JWT secret makes its tokens
 * valid here and ours valid there. Kept in an HttpOnly cookie.
 *
 * A token is good only while its session row lives (auth.sessions, as GoTrue keeps it): signing
 * out, "sign out this device" and a password change delete rows, and the cookie is dead at once.
 */
import type pg from 'pg'
import { jwtVerify, SignJWT } from 'jose'
import type { RequestDb } from '../db.server.ts'
import { COOKIE, readCookie, setCookie } from './cookies.server.ts'

export const SESSION_TTL_SECONDS = 7 * 24 * 3600
const ISSUER = 'bittorrented-local-auth'

export interface SessionUser {
  id: string
  email: string
}

/** A signed-in user as read from a cookie: which session row the token belongs to. */
export interface SessionClaims extends SessionUser {
  sessionId: string
}

const key = (secret: string) => new TextEncoder().encode(secret)

export async function issueSessionToken(secret: string, user: SessionUser, sessionId: string, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000)
  return new SignJWT({ email: user.email, role: 'authenticated', session_id: sessionId, app_metadata: { provider: 'email' } })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setAudience('authenticated')
    .setIssuer(ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + SESSION_TTL_SECONDS)
    .sign(key(secret))
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The token's claims, or null for a missing, expired, tampered or foreign token (the row is not checked here). */
export async function readSessionToken(request: Request, secret: string): Promise<SessionClaims | null> {
  const token = readCookie(request, COOKIE.session)
  if (!token) return null
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'], audience: 'authenticated' })
    if (typeof payload.sub !== 'string' || payload.role !== 'authenticated' || typeof payload.email !== 'string') return null
    if (typeof payload.session_id !== 'string' || !UUID.test(payload.session_id)) return null
    return { id: payload.sub, email: payload.email, sessionId: payload.session_id }
  } catch {
    return null
  }
}

/** The signed-in user: a valid token whose session has not been ended. */
export async function readSession(request: Request, secret: string, db: RequestDb): Promise<SessionClaims | null> {
  const claims = await readSessionToken(request, secret)
  if (!claims) return null
  const live = await db.asAuthServer(async (client) => {
    const { rows } = await client.query('select 1 from auth.sessions where id = $1 and user_id = $2 and (not_after is null or not_after > now())', [claims.sessionId, claims.id])
    return rows.length > 0
  })
  return live ? claims : null
}

function clientAddress(ip: string): string | null {
  return /^[0-9a-f.:]{2,45}$/i.test(ip) ? ip : null
}

/** Starts a session row for `user` on this device and returns its cookie. */
export async function startSession(request: Request, secret: string, db: RequestDb, user: SessionUser, ip: string): Promise<string> {
  const sessionId = crypto.randomUUID()
  await db.asAuthServer((client) =>
    client.query(`insert into auth.sessions (id, user_id, not_after, user_agent, ip) values ($1, $2, now() + make_interval(secs => $3), $4, $5::inet)`, [
      sessionId,
      user.id,
      SESSION_TTL_SECONDS,
      (request.headers.get('User-Agent') ?? '').slice(0, 300),
      clientAddress(ip),
    ]),
  )
  return setCookie(request, COOKIE.session, await issueSessionToken(secret, user, sessionId), SESSION_TTL_SECONDS)
}

export interface DeviceSession {
  id: string
  userAgent: string
  createdAt: string
  current: boolean
}

/** The user's live sessions, newest first ("signed-in devices"). */
export async function listSessions(db: RequestDb, user: SessionClaims): Promise<DeviceSession[]> {
  return db.asAuthServer(async (client) => {
    const { rows } = await client.query<{ id: string; user_agent: string | null; created_at: Date }>(
      'select id, user_agent, created_at from auth.sessions where user_id = $1 and (not_after is null or not_after > now()) order by created_at desc limit 50',
      [user.id],
    )
    return rows.map((r) => ({ id: r.id, userAgent: r.user_agent ?? '', createdAt: r.created_at.toISOString(), current: r.id === user.sessionId }))
  })
}

/** Ends sessions of `userId`: one, every one but `keep`, or all. */
export async function endSessions(client: pg.ClientBase, userId: string, which: { only: string } | { allBut: string } | 'all'): Promise<number> {
  const { rowCount } =
    which === 'all'
      ? await client.query('delete from auth.sessions where user_id = $1', [userId])
      : 'only' in which
        ? await client.query('delete from auth.sessions where user_id = $1 and id = $2', [userId, which.only])
        : await client.query('delete from auth.sessions where user_id = $1 and id <> $2', [userId, which.allBut])
  return rowCount ?? 0
}
