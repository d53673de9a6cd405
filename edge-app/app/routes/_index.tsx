import { redirect, type LoaderFunctionArgs } from '@remix-run/cloudflare'
import { Link } from '@remix-run/react'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'public' }

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.auth.user) throw redirect('/profiles')
  return null
}

export default function Landing() {
  return (
    <main id="main" className="page landing">
      <header className="hero">
        <h1>BitTorrented</h1>
        <p className="tagline">Movies, shows, music, books, podcasts, radio and live TV — one place for the whole family, each with a profile of their own.</p>
      </header>
      <p className="actions">
        <Link to="/sign-in" className="button primary">
          Sign in
        </Link>
        <Link to="/sign-up" className="button">
          Create an account
        </Link>
      </p>
      <p>
        <Link to="/status">Platform status</Link>
      </p>
    </main>
  )
}
