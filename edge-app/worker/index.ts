// The Worker entry: static assets are served by the [assets] binding before this runs.
// Everything else passes the route-scope middleware, then goes to Remix.
import { createRequestHandler, type ServerBuild } from '@remix-run/cloudflare'
// @ts-ignore -- produced by `remix vite:build` before wrangler bundles this file
import * as build from '../build/server/index.js'
import { RequestDb } from '../app/lib/db.server.ts'
import { getConfig, type EdgeEnv } from '../app/lib/env.server.ts'
import { enforceRouteScope } from '../app/lib/request-auth.server.ts'

const serverBuild = build as unknown as ServerBuild
const handleRemixRequest = createRequestHandler(serverBuild)

export default {
  async fetch(request: Request, env: EdgeEnv, ctx: ExecutionContext): Promise<Response> {
    const config = await getConfig(env)
    const db = new RequestDb(config.databaseUrl)
    try {
      const decision = await enforceRouteScope(serverBuild, request, config, db)
      if (!decision.allowed) return decision.response
      return await handleRemixRequest(decision.request, { cloudflare: { env, ctx }, config, db, auth: decision.auth })
    } finally {
      // Loaders and actions have run by now; the body may still stream, the database is done.
      ctx.waitUntil(db.close())
    }
  },
} satisfies ExportedHandler<EdgeEnv>
