import type { LoaderFunctionArgs } from '@remix-run/cloudflare'
import { Link, useLoaderData } from '@remix-run/react'
import { checkHealth, fetchServiceStatus, type ServiceStatus } from '../lib/health.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'public' }

export async function loader({ context }: LoaderFunctionArgs) {
  const { config } = context
  const [edge, mediaNode, party] = await Promise.all([checkHealth(context.db), fetchServiceStatus('Media node (streaming)', config.mediaNodeUrl), fetchServiceStatus('Watch parties', config.partyUrl)])
  const services: ServiceStatus[] = [{ name: 'Database', up: edge.database.status === 'up', detail: edge.database.status === 'up' ? 'up' : 'down' }, mediaNode, party]
  return Response.json({ services }, { headers: { 'Cache-Control': 'no-store' } })
}

export default function Status() {
  const { services } = useLoaderData<typeof loader>() as { services: ServiceStatus[] }
  const allUp = services.every((s) => s.up)
  return (
    <main id="main" className="page">
      <p>
        <Link to="/">BitTorrented</Link>
      </p>
      <section aria-labelledby="status-heading" className="card">
        <h1 id="status-heading">{allUp ? 'Everything is running' : 'Some parts are not running'}</h1>
        <ul className="status-list">
          {services.map((s) => (
            <li key={s.name} data-up={s.up}>
              <span className="dot" aria-hidden="true" />
              <span className="name">{s.name}</span>
              <span className="detail">{s.up ? 'up' : `down — ${s.detail}`}</span>
            </li>
          ))}
        </ul>
      </section>
    </main>
  )
}
