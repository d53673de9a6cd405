// The Worker entry: static assets are served by the [assets] binding before this runs.
// Everything else passes the request guards and the route-scope middleware, then goes to Remix;
// every answer leaves with the security headers (lib/http-guards.server.ts).
import { createRequestHandler, type ServerBuild } from '@remix-run/cloudflare'
// @ts-expect-error -- produced by `remix vite:build` before wrangler bundles this file
import * as build from '../build/server/index.js'
import { RequestDb } from '../app/lib/db.server.ts'
import { getConfig, type EdgeEnv } from '../app/lib/env.server.ts'
import { reconcileOpenPayments } from '../app/lib/billing/billing.server.ts'
import { AppError, errorResponse } from '../app/lib/errors.ts'
import { newNonce, refuseBadRequest, withSecurityHeaders } from '../app/lib/http-guards.server.ts'
import { enforceRouteScope } from '../app/lib/request-auth.server.ts'
import { unavailablePage } from '../app/lib/unavailable-page.ts'

const serverBuild = build as unknown as ServerBuild
const handleRemixRequest = createRequestHandler(serverBuild)

export default {
  async fetch(request: Request, env: EdgeEnv, ctx: ExecutionContext): Promise<Response> {
    const config = await getConfig(env)
    const nonce = newNonce()
    const sources = { mediaNodeUrl: config.mediaNodeUrl, partyUrl: config.partyUrl }
    const refused = refuseBadRequest(request)
    if (refused) return withSecurityHeaders(refused, nonce, sources)
    const db = new RequestDb(config.databaseUrl)
    try {
      const decision = await enforceRouteScope(serverBuild, request, config, db)
      if (!decision.allowed) return withSecurityHeaders(decision.response, nonce, sources)
      let response = await handleRemixRequest(decision.request, { cloudflare: { env, ctx }, config, db, auth: decision.auth, nonce })
      // A route that failed because the database was unreachable: a 503 (try again), not a 500 (our bug).
      if (response.status === 500 && db.unavailable) {
        response = new Response(response.body, { status: 503, headers: response.headers })
        response.headers.set('Retry-After', '5')
      }
      return withSecurityHeaders(response, nonce, sources)
    } catch (err) {
      // Never the runtime's error page (it shows a stack and the request's cookies): our own
      // answer, promptly. What failed here is the database or a bug; both are logged.
      console.error(JSON.stringify({ level: 'error', msg: 'request failed before its route answered', path: new URL(request.url).pathname, error: String(err) }))
      const wantsJson = new URL(request.url).pathname.startsWith('/api/') || !(request.headers.get('Accept') ?? '').includes('text/html')
      const failure = new AppError('unavailable', 'BitTorrented is having trouble right now. Please try again in a moment.')
      const res = wantsJson ? errorResponse(failure, { 'Retry-After': '5' }) : unavailablePage(failure.message)
      return withSecurityHeaders(res, nonce, sources)
    } finally {
      // Loaders and actions have run by now; the body may still stream, the database is done.
      ctx.waitUntil(db.close())
    }
  },
  /** The cron trigger (wrangler.toml [triggers]): every open payment asked of CoinPayPortal, so a lost webhook never loses a payment. */
  async scheduled(_controller: ScheduledController, env: EdgeEnv, ctx: ExecutionContext): Promise<void> {
    const config = await getConfig(env)
    if (!config.billing) return
    const db = new RequestDb(config.databaseUrl)
    try {
      const tally = await reconcileOpenPayments(db, config.billing)
      if (tally.asked) console.log(JSON.stringify({ level: 'info', msg: 'billing reconciled', ...tally }))
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', msg: 'billing reconciliation failed', error: String(err) }))
    } finally {
      ctx.waitUntil(db.close())
    }
  },
} satisfies ExportedHandler<EdgeEnv>
