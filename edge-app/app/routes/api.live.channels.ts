import type { LoaderFunctionArgs } from '@remix-run/cloudflare'
import { handle as handleErrors } from '../lib/errors.ts'
import { listChannels } from '../lib/live-tv.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }

/**
 * GET /api/live/channels?group=&q=&favorites=1 — the channels the selected profile sees, each
 * with its group, number, logo, catch-up days and what is on now and next (at most 300).
 */
export function loader({ request, context }: LoaderFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const url = new URL(request.url)
    const channels = await listChannels(context.db, ctx, {
      ceiling: ctx.profile.maxRating,
      group: url.searchParams.get('group')?.slice(0, 200) || null,
      q: url.searchParams.get('q')?.slice(0, 100) || null,
      favoritesOnly: url.searchParams.get('favorites') === '1',
    })
    return Response.json({ channels }, { headers: { 'Cache-Control': 'private, no-store' } })
  })
}
