import type { AppLoadContext, EntryContext } from '@remix-run/cloudflare'
import { RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToReadableStream } from 'react-dom/server'
import { NonceContext } from './lib/nonce.ts'

// Deferred data (a title page's swarm check waits up to the media node's 20 s for metadata) may
// stream this long after the page itself; past it the page says the node did not answer.
// Single fetch reads `streamTimeout` for every response it streams (documents and client
// navigations' .data alike; its default is about 5 s); React's abort comes a second after it.
export const streamTimeout = 30_000
const ABORT_DELAY_MS = streamTimeout + 1_000

export default async function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext, loadContext: AppLoadContext) {
  const controller = new AbortController()
  const timeout = setTimeout(() => controller.abort(), ABORT_DELAY_MS)
  const { nonce } = loadContext
  const body = await renderToReadableStream(
    <NonceContext.Provider value={nonce}>
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} nonce={nonce} />
    </NonceContext.Provider>,
    {
      nonce,
      signal: controller.signal,
      onError(error: unknown) {
        if (!controller.signal.aborted) console.error(JSON.stringify({ level: 'error', msg: 'render failed', error: String(error) }))
        responseStatusCode = 500
      },
    },
  )
  // Crawlers and no-JS clients get the whole document at once.
  if (isbot(request.headers.get('user-agent') ?? '')) await body.allReady
  body.allReady.then(() => clearTimeout(timeout))
  responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
  return new Response(body, { headers: responseHeaders, status: responseStatusCode })
}
