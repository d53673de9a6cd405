import { join } from 'node:path'
import { z } from 'zod'
import { repoRoot } from './paths.ts'

const DbConfigSchema = z.object({
  /** Real PostgreSQL (Supabase or a server). Unset → the embedded PGlite database. */
  DATABASE_URL: z.string().url().optional(),
  /** Where embedded data lives; PGlite files go under `<dir>/pglite`. */
  BT_DATA_DIR: z.string().default(join(repoRoot, '.data')),
  /** Port of the embedded database's wire server on 127.0.0.1. */
  DB_PORT: z.coerce.number().int().min(0).max(65535).default(54329),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
})
export type DbConfig = z.infer<typeof DbConfigSchema>

/** Reads the database settings from the environment; a bad value stops with each bad key named. */
export function loadDbConfig(env: Record<string, string | undefined> = process.env): DbConfig {
  const parsed = DbConfigSchema.safeParse({ ...env, DATABASE_URL: env.DATABASE_URL || undefined })
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`invalid database configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}
