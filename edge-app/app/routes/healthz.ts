import type { LoaderFunctionArgs } from '@remix-run/cloudflare'
import { checkHealth } from '../lib/health.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'public' }

// Reports only whether the edge app reaches its database, nothing about anyone's data.
export async function loader({ context }: LoaderFunctionArgs) {
  const report = await checkHealth(context.db)
  return Response.json(report, { status: report.status === 'ok' ? 200 : 503, headers: { 'Cache-Control': 'no-store' } })
}
