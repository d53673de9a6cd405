/**
 * The middleware run by the Worker before Remix: who is asking (session cookie), which profile
 * is selected (signed cookie, checked against the database), and whether the route's declared
 * scope lets them in. Loaders receive the result as `context.auth`.
 */
import type { AppLoadContext, ServerBuild } from '@remix-run/cloudflare'
import { clearCookie, COOKIE, readCookie } from './auth/cookies.server.ts'
import { readSelectedProfile } from './auth/profile-cookie.server.ts'
import { readSession, type SessionClaims } from './auth/session.server.ts'
import type { RequestDb } from './db.server.ts'
import type { EdgeConfig } from './env.server.ts'
import { AppError, errorResponse, type ErrorCode } from './errors.ts'
import { verifyProfileOwnership, type Profile } from './profiles.server.ts'
import type { ProfilePerson } from './person.ts'
import { isApiPath, pagePathOf, scopeOf } from './route-scope.server.ts'

export interface RequestAuth {
  user: SessionClaims | null
  /** Set only on profile-scoped routes, after the database confirmed it is the user's. */
  profile: Profile | null
}

export type ScopeDecision = { allowed: true; auth: RequestAuth; request: Request } | { allowed: false; response: Response }

/**
 * Same-origin paths only, so `next` can never send anyone to another site. Parsed the way a
 * browser will read the Location we send: any control character is refused outright (browsers
 * strip TAB/LF/CR, so `/\t/evil.example` would become `//evil.example`), then the URL is
 * resolved against a placeholder origin and must stay on it.
 */
export function safeNextPath(next: string | null): string | null {
  if (!next || next.length > 2048 || !next.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(next)) return null
  const base = 'http://same-origin.invalid'
  let url: URL
  try {
    url = new URL(next, base)
  } catch {
    return null
  }
  if (url.origin !== base || next.startsWith('//')) return null
  return url.pathname + url.search + url.hash
}

function deny(request: Request, path: string, isData: boolean, code: Extract<ErrorCode, 'sign_in_required' | 'profile_required'>, location: string, headers: Headers): ScopeDecision {
  if (isApiPath(path)) {
    const message = code === 'sign_in_required' ? 'Sign in first.' : 'Choose a profile first.'
    return { allowed: false, response: errorResponse(new AppError(code, message), headers) }
  }
  if (isData) {
    // A Remix data request expects its own redirect encoding: let Remix produce it.
    const url = new URL('/auth/denied.data', request.url)
    url.searchParams.set('to', location)
    return { allowed: false, response: Response.redirect(url.toString(), 303) }
  }
  headers.set('Location', location)
  return { allowed: false, response: new Response(null, { status: 302, headers }) }
}

export async function enforceRouteScope(build: Pick<ServerBuild, 'routes'>, request: Request, config: EdgeConfig, db: RequestDb): Promise<ScopeDecision> {
  const url = new URL(request.url)
  const { path, isData } = pagePathOf(url.pathname)
  const scope = scopeOf(build, path)
  const user = await readSession(request, config.jwtSecret, db)
  if (scope === null || scope === 'public') return { allowed: true, auth: { user, profile: null }, request }

  const headers = new Headers()
  // Where the person was going: the page (for a Remix data request, the page it loads data for)
  // with its query (an invite link's signature, say), without Remix's own `_routes`.
  const query = new URLSearchParams(url.search)
  query.delete('_routes')
  const next = encodeURIComponent(path + (query.size ? `?${query}` : ''))
  if (!user) return deny(request, path, isData, 'sign_in_required', `/sign-in?next=${next}`, headers)
  if (scope === 'account') return { allowed: true, auth: { user, profile: null }, request }

  const profileId = await readSelectedProfile(request, config.keys.profileCookie, user.id)
  const profile = profileId ? await verifyProfileOwnership(db, user.id, profileId) : null
  if (!profile) {
    // A cookie that is forged, foreign or names a deleted profile is dropped, not kept around.
    if (readCookie(request, COOKIE.profile)) headers.append('Set-Cookie', clearCookie(request, COOKIE.profile))
    // After picking a profile the person lands where they were going.
    return deny(request, path, isData, 'profile_required', `/profiles?next=${next}`, headers)
  }
  return { allowed: true, auth: { user, profile }, request }
}

/** The signed-in user of an account- or profile-scoped route (the middleware guarantees one). */
export function requireUser(context: AppLoadContext): SessionClaims {
  if (!context.auth.user) throw new AppError('sign_in_required', 'Sign in first.')
  return context.auth.user
}

/** The profile context of a profile-scoped route (the middleware guarantees one). */
export function requireProfile(context: AppLoadContext): ProfilePerson & { profile: Profile } {
  const { user, profile } = context.auth
  if (!user || !profile) throw new AppError('profile_required', 'Choose a profile first.')
  return { userId: user.id, profileId: profile.id, profile }
}
