import { z } from 'zod'

const ConfigSchema = z.object({
  MEDIA_NODE_PORT: z.coerce.number().int().min(0).max(65535).default(8790),
  MEDIA_NODE_HOST: z.string().default('127.0.0.1'),
  /** PostgreSQL the node reads the catalog from; `npm start` points it at the embedded database. */
  DATABASE_URL: z.string().url(),
  /** HMAC key shared with the edge app; every route but /healthz requires a URL signed with it. */
  URL_SIGNING_KEY: z.string().min(32),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
})
export type Config = z.infer<typeof ConfigSchema>

/** Reads the node's settings once at start; each bad key is named. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`invalid media-node configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}
