import { z } from 'zod'

/** Worker bindings as wrangler passes them (wrangler.toml, --var, secrets). */
export interface EdgeEnv {
  HYPERDRIVE: Hyperdrive
  ASSETS: Fetcher
  MEDIA_NODE_URL: string
  PARTY_URL: string
  URL_SIGNING_KEY: string
  /** HS256 secret of session JWTs: Supabase's JWT secret when its Auth issues them. */
  AUTH_JWT_SECRET: string
}

const secret = (name: string) => z.string().min(32, `${name} must be at least 32 characters`)

const ConfigSchema = z.object({
  databaseUrl: z.string().min(1),
  mediaNodeUrl: z.string().url(),
  partyUrl: z.string().url(),
  signingKey: secret('URL_SIGNING_KEY'),
  jwtSecret: secret('AUTH_JWT_SECRET'),
})
export type EdgeConfig = z.infer<typeof ConfigSchema>

const parsed = new WeakMap<object, EdgeConfig>()

/** Parses the bindings once per isolate; a missing or bad binding fails loudly, naming it. */
export function getConfig(env: EdgeEnv): EdgeConfig {
  let config = parsed.get(env)
  if (!config) {
    const result = ConfigSchema.safeParse({
      databaseUrl: env.HYPERDRIVE?.connectionString,
      mediaNodeUrl: env.MEDIA_NODE_URL,
      partyUrl: env.PARTY_URL,
      signingKey: env.URL_SIGNING_KEY,
      jwtSecret: env.AUTH_JWT_SECRET,
    })
    if (!result.success) {
      throw new Error(`edge app configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
    }
    config = result.data
    parsed.set(env, config)
  }
  return config
}
