import type { ActionFunctionArgs } from '@remix-run/cloudflare'
import { z } from 'zod'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { readJsonBody } from '../lib/http-guards.server.ts'
import { saveEpisodeProgress } from '../lib/podcasts.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }

const ProgressSchema = z.object({
  episodeId: z.number().int().positive(),
  positionS: z
    .number()
    .finite()
    .min(0)
    .max(7 * 24 * 3600),
  durationS: z
    .number()
    .finite()
    .min(0)
    .max(7 * 24 * 3600)
    .nullable(),
  ended: z.boolean().default(false),
})

/** POST /api/podcasts/progress {episodeId, positionS, durationS, ended}: where the profile is in an episode (the last 30 s count as played). */
export function action({ request, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const parsed = ProgressSchema.safeParse(await readJsonBody(request))
    if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'Send the position in the episode.')
    const { played } = await saveEpisodeProgress(context.db, ctx, parsed.data.episodeId, parsed.data.positionS, parsed.data.durationS, parsed.data.ended)
    return Response.json({ played }, { headers: { 'Cache-Control': 'no-store' } })
  })
}

export function loader() {
  return Response.json({ error: 'invalid_input', message: 'POST the position.' }, { status: 405 })
}
