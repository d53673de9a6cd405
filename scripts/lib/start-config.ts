import { join } from 'node:path'
import { z } from 'zod'
import { repoRoot } from '@bittorrented/db'

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback)

const StartConfigSchema = z.object({
  EDGE_PORT: port(8787),
  MEDIA_NODE_PORT: port(8790),
  PARTY_PORT: port(1999),
  DB_PORT: port(54329),
  /** The loopback IPTV service standing in for the family's provider (Live TV's demo). */
  IPTV_FIXTURE_PORT: port(8791),
  /** The loopback podcast and radio service (Podcast Index, iTunes, Radio Browser, feeds, streams). */
  AUDIO_FIXTURE_PORT: port(8792),
  /** The loopback CoinPayPortal (billing's demo), unless COINPAY_API_URL names a real one. */
  COINPAY_FIXTURE_PORT: port(8793),
  COINPAY_API_URL: z.string().url().optional(),
  COINPAY_API_KEY: z.string().optional(),
  COINPAY_WEBHOOK_SECRET: z.string().optional(),
  /** Use this PostgreSQL instead of the embedded database. */
  DATABASE_URL: z.string().url().optional(),
  BT_DATA_DIR: z.string().default(join(repoRoot, '.data')),
  /** Where the demo swarm keeps its generated media; defaults to <BT_DATA_DIR>/demo-media. */
  BT_DEMO_MEDIA_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Seconds to wait for every part to answer its health check. */
  START_TIMEOUT_S: z.coerce.number().int().positive().default(120),
})
export type StartConfig = z.infer<typeof StartConfigSchema>

export function loadStartConfig(env: Record<string, string | undefined>): StartConfig {
  const parsed = StartConfigSchema.safeParse({ ...env, DATABASE_URL: env.DATABASE_URL || undefined })
  if (!parsed.success) {
    throw new Error(`invalid settings for npm start:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`)
  }
  return parsed.data
}
