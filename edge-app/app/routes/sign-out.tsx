import { redirect, type ActionFunctionArgs } from '@remix-run/cloudflare'
import { clearCookie, COOKIE } from '../lib/auth/cookies.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'public' }

export function loader() {
  return redirect('/')
}

// The device default stays: it is bound to the user and only applies after they sign in again.
export function action({ request }: ActionFunctionArgs) {
  const headers = new Headers()
  headers.append('Set-Cookie', clearCookie(request, COOKIE.session))
  headers.append('Set-Cookie', clearCookie(request, COOKIE.profile))
  return redirect('/', { headers })
}
