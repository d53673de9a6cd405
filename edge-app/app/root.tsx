import type { LinksFunction, MetaFunction } from '@remix-run/cloudflare'
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from '@remix-run/react'
import { useEffect, type ReactNode } from 'react'
import styles from './styles.css?url'
import { MusicPlayerProvider } from './components/music/music-player.tsx'
import { useSpatialNavigation } from './components/spatial-navigation.ts'
import { useNonce } from './lib/nonce.ts'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
  { rel: 'manifest', href: '/manifest.webmanifest' },
  { rel: 'apple-touch-icon', href: '/icon-192.png' },
]

export const meta: MetaFunction = () => [
  { title: 'BitTorrented' },
  { name: 'description', content: 'Movies, shows, music, books, podcasts, radio and live TV for the whole family, streamed from BitTorrent and IPTV.' },
]

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce()
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#111318" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  useEffect(() => {
    // Installable app: the service worker keeps the shell and the offline page.
    if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/sw.js').catch(() => {})
  }, [])
  // Arrow keys move between controls everywhere, as on a TV remote.
  useSpatialNavigation()
  // The music player sits outside the routes: browsing never interrupts what is playing.
  return (
    <MusicPlayerProvider>
      <Outlet />
    </MusicPlayerProvider>
  )
}

export function ErrorBoundary() {
  const error = useRouteError()
  const status = isRouteErrorResponse(error) ? error.status : 500
  const message = status === 404 ? 'We could not find that page.' : 'Something went wrong. Please try again in a moment.'
  return (
    <main id="main" className="page">
      <h1>{status === 404 ? 'Not found' : 'Error'}</h1>
      <p>{message}</p>
      <p>
        <a href="/">Back to the start page</a>
      </p>
    </main>
  )
}
