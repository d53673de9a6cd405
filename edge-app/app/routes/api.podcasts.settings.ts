import type { ActionFunctionArgs } from '@remix-run/cloudflare'
import { z } from 'zod'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { readJsonBody } from '../lib/http-guards.server.ts'
import { setShowSettings } from '../lib/podcasts.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }

const SettingsSchema = z.object({
  feedId: z.number().int().positive(),
  speed: z.number().min(0.5, 'Speed is 0.5× to 3×.').max(3, 'Speed is 0.5× to 3×.'),
  skipIntroS: z.number().int().min(0).max(600),
  skipOutroS: z.number().int().min(0).max(600),
})

/** POST /api/podcasts/settings {feedId, speed, skipIntroS, skipOutroS}: the profile's playback settings for a podcast it subscribes to. */
export function action({ request, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const parsed = SettingsSchema.safeParse(await readJsonBody(request))
    if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'Send the speed and skips.')
    await setShowSettings(context.db, ctx, parsed.data.feedId, parsed.data)
    return Response.json({ ok: true }, { headers: { 'Cache-Control': 'no-store' } })
  })
}

export function loader() {
  return Response.json({ error: 'invalid_input', message: 'POST the settings.' }, { status: 405 })
}
