// The Worker entry: static assets are served by the [assets] binding before this runs;
// everything else goes to Remix.
import { createRequestHandler, type ServerBuild } from '@remix-run/cloudflare'
// @ts-ignore -- produced by `remix vite:build` before wrangler bundles this file
import * as build from '../build/server/index.js'
import type { EdgeEnv } from '../app/lib/env.server.ts'

const handleRemixRequest = createRequestHandler(build as unknown as ServerBuild)

export default {
  async fetch(request: Request, env: EdgeEnv, ctx: ExecutionContext): Promise<Response> {
    return handleRemixRequest(request, { cloudflare: { env, ctx } })
  },
} satisfies ExportedHandler<EdgeEnv>
