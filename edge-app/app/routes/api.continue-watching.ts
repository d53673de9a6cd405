import type { LoaderFunctionArgs } from '@remix-run/cloudflare'
import { handle as handleErrors } from '../lib/errors.ts'
import { listContinueWatching } from '../lib/profile-data.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }

/** GET /api/continue-watching: the selected profile's resume points, newest first. */
export function loader({ context }: LoaderFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    return Response.json({ items: await listContinueWatching(context.db, ctx) }, { headers: { 'Cache-Control': 'private, no-store' } })
  })
}
