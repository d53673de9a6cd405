import type { LoaderFunctionArgs } from '@remix-run/cloudflare'
import { handle as handleErrors } from '../lib/errors.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'
import { searchCatalog, searchParamsFrom } from '../lib/search/index.ts'

export const handle: ScopedHandle = { scope: 'profile' }

/**
 * GET /api/search?q=…&type=…&resolution=…&yearFrom=…&yearTo=…&sizeMinMb=…&sizeMaxMb=…&sort=…&after=…
 * The same search as the search page, as JSON, for the PWA and API clients.
 */
export function loader({ request, context }: LoaderFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const result = await searchCatalog(context.db, ctx, searchParamsFrom(new URL(request.url)))
    return Response.json(result, { headers: { 'Cache-Control': 'private, no-store' } })
  })
}
