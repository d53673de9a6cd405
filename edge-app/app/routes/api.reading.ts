import type { ActionFunctionArgs } from '@remix-run/cloudflare'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { readJsonBody } from '../lib/http-guards.server.ts'
import { ReadingProgressSchema, saveReadingPosition } from '../lib/profile-data.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }

/** POST /api/reading {infoHash, fileIndex, title, location, fraction}: the reader's position in a book. */
export function action({ request, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const parsed = ReadingProgressSchema.safeParse(await readJsonBody(request))
    if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'Send the position in the book.')
    await saveReadingPosition(context.db, ctx, parsed.data)
    return Response.json({ saved: true }, { headers: { 'Cache-Control': 'no-store' } })
  })
}

export function loader() {
  return Response.json({ error: 'invalid_input', message: 'POST the position.' }, { status: 405 })
}
