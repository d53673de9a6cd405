import type { LoaderFunctionArgs } from '@remix-run/cloudflare'
import { handle as handleErrors } from '../lib/errors.ts'
import { listProfiles } from '../lib/profiles.server.ts'
import { requireUser } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'account' }

/** GET /api/profiles: the family's profiles, for the PWA and API clients. */
export function loader({ context }: LoaderFunctionArgs) {
  return handleErrors(async () => {
    const user = requireUser(context)
    return Response.json({ profiles: await listProfiles(context.db, user.id) }, { headers: { 'Cache-Control': 'private, no-store' } })
  })
}
