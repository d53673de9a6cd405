import type { RequestDb } from './app/lib/db.server.ts'
import type { EdgeConfig, EdgeEnv } from './app/lib/env.server.ts'
import type { RequestAuth } from './app/lib/request-auth.server.ts'

declare module '@remix-run/cloudflare' {
  interface AppLoadContext {
    cloudflare: { env: EdgeEnv; ctx: ExecutionContext }
    config: EdgeConfig
    db: RequestDb
    auth: RequestAuth
    /** This response's CSP nonce, for the scripts Remix writes into the page. */
    nonce: string
  }
}
