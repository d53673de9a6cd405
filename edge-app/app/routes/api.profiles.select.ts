import type { ActionFunctionArgs } from '@remix-run/cloudflare'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { readJsonBody } from '../lib/http-guards.server.ts'
import { selectProfile, SelectProfileSchema } from '../lib/profile-selection.server.ts'
import { requireUser } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'account' }

/** POST /api/profiles/select {profileId, remember?}: selects one of the user's profiles (sets the cookie). */
export function action({ request, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const user = requireUser(context)
    const body = await readJsonBody(request)
    const parsed = SelectProfileSchema.safeParse(body)
    if (!parsed.success) throw new AppError('invalid_input', 'Send {"profileId": "<uuid>"}.')
    const { profile, headers } = await selectProfile(request, context, user, parsed.data.profileId, parsed.data.remember, parsed.data.pin)
    headers.set('Cache-Control', 'no-store')
    return Response.json({ profile }, { headers })
  })
}

export function loader() {
  return Response.json({ error: 'invalid_input', message: 'POST to select a profile.' }, { status: 405 })
}
