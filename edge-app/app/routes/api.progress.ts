import type { ActionFunctionArgs } from '@remix-run/cloudflare'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { readJsonBody } from '../lib/http-guards.server.ts'
import { ProgressSchema, saveProgress } from '../lib/profile-data.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }

/** POST /api/progress {infoHash, fileIndex, title, positionS, durationS}: the player's resume point. */
export function action({ request, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const body = await readJsonBody(request)
    const parsed = ProgressSchema.safeParse(body)
    if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'Send the position in the file.')
    const kept = await saveProgress(context.db, ctx, parsed.data)
    return Response.json({ kept }, { headers: { 'Cache-Control': 'no-store' } })
  })
}

export function loader() {
  return Response.json({ error: 'invalid_input', message: 'POST the position.' }, { status: 405 })
}
