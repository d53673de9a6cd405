import { redirect, type ActionFunctionArgs } from '@remix-run/cloudflare'
import { clearCookie, COOKIE } from '../lib/auth/cookies.server.ts'
import { endSessions } from '../lib/auth/session.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'public' }

export function loader() {
  return redirect('/')
}

// The device default stays: it is bound to the user and only applies after they sign in again.
export async function action({ request, context }: ActionFunctionArgs) {
  // The session ends on the server: the old cookie is worthless from now on, wherever a copy is.
  const user = context.auth.user
  if (user) await context.db.asAuthServer((client) => endSessions(client, user.id, { only: user.sessionId }))
  const headers = new Headers()
  headers.append('Set-Cookie', clearCookie(request, COOKIE.session))
  headers.append('Set-Cookie', clearCookie(request, COOKIE.profile))
  return redirect('/', { headers })
}
