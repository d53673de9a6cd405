import type { LoaderFunctionArgs } from '@remix-run/cloudflare'
import { useLoaderData } from '@remix-run/react'
import { getConfig } from '../lib/env.server.ts'
import { checkHealth, fetchServiceStatus, type ServiceStatus } from '../lib/health.server.ts'

export async function loader({ context }: LoaderFunctionArgs) {
  const config = getConfig(context.cloudflare.env)
  const [edge, mediaNode, party] = await Promise.all([
    checkHealth(config),
    fetchServiceStatus('Media node (streaming)', config.mediaNodeUrl),
    fetchServiceStatus('Watch parties', config.partyUrl),
  ])
  const services: ServiceStatus[] = [
    { name: 'Database', up: edge.database.status === 'up', detail: edge.database.status === 'up' ? `schema ${edge.database.schemaVersion ?? 'empty'}` : 'down' },
    mediaNode,
    party,
  ]
  return Response.json({ services }, { headers: { 'Cache-Control': 'no-store' } })
}

export default function Home() {
  const { services } = useLoaderData<typeof loader>() as { services: ServiceStatus[] }
  const allUp = services.every((s) => s.up)
  return (
    <main id="main" className="page">
      <header className="hero">
        <h1>BitTorrented</h1>
        <p className="tagline">Movies, shows, music, books, podcasts, radio and live TV — one place for the whole family, each with a profile of their own.</p>
      </header>
      <section aria-labelledby="status-heading" className="card">
        <h2 id="status-heading">{allUp ? 'Everything is running' : 'Some parts are not running'}</h2>
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
