import type { LoaderFunctionArgs } from '@remix-run/cloudflare'
import { getConfig } from '../lib/env.server.ts'
import { checkHealth } from '../lib/health.server.ts'

// Public: reports only whether the edge app reaches its database, nothing about anyone's data.
export async function loader({ context }: LoaderFunctionArgs) {
  const report = await checkHealth(getConfig(context.cloudflare.env))
  return Response.json(report, { status: report.status === 'ok' ? 200 : 503, headers: { 'Cache-Control': 'no-store' } })
}
