import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/cloudflare'
import { readJsonBody } from '../lib/http-guards.server.ts'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { addProvider, listProviders, NewProviderSchema } from '../lib/live-tv.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }

/** GET /api/live/providers — the family's providers and how their last refresh went (never credentials). */
export function loader({ context }: LoaderFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    return Response.json({ providers: await listProviders(context.db, ctx) }, { headers: { 'Cache-Control': 'private, no-store' } })
  })
}

/**
 * POST /api/live/providers (JSON) — adds a provider: `{"kind":"m3u","name","url"}` or
 * `{"kind":"m3u","name","text"}` (the playlist itself) or
 * `{"kind":"xtream","name","server","username","password"}`, each with an optional `epgUrl`.
 * The account owner only, from a grown-up profile. The media node reads it within seconds.
 */
export function action({ request, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const parsed = NewProviderSchema.safeParse(await readJsonBody(request))
    if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'Check the provider’s details.')
    const id = await addProvider(context.db, ctx, context.config.keys.iptvCredentials, parsed.data)
    return Response.json({ id }, { status: 201 })
  })
}
