import { parseChannelId } from '@bittorrented/common'
import type { LoaderFunctionArgs } from '@remix-run/cloudflare'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { guide } from '../lib/live-tv.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }

/**
 * GET /api/live/guide?channel=<id>[&channel=…]&from=<ISO>&to=<ISO> — the programmes of these
 * channels (at most 100) in the window (at most a day; default: now to six hours ahead).
 */
export function loader({ request, context }: LoaderFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const url = new URL(request.url)
    const ids = url.searchParams.getAll('channel').map(parseChannelId)
    if (!ids.length || ids.some((id) => id === null)) throw new AppError('invalid_input', 'Name one or more channels: ?channel=<id>.')
    const time = (name: string, fallback: number) => {
      const v = url.searchParams.get(name)
      const t = v ? Date.parse(v) : fallback
      if (!Number.isFinite(t)) throw new AppError('invalid_input', `${name} is a date and time (ISO 8601).`)
      return new Date(t)
    }
    const from = time('from', Date.now())
    const to = time('to', from.getTime() + 6 * 3600_000)
    if (to <= from) throw new AppError('invalid_input', 'to comes after from.')
    const programmes = await guide(context.db, ctx, ids as number[], from, to, ctx.profile.maxRating)
    return Response.json({ from, to, programmes }, { headers: { 'Cache-Control': 'private, max-age=60' } })
  })
}
