import type { EdgeEnv } from './app/lib/env.server.ts'

declare module '@remix-run/cloudflare' {
  interface AppLoadContext {
    cloudflare: { env: EdgeEnv; ctx: ExecutionContext }
  }
}

export {}
