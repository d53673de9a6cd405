import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

/** The repository root, whatever the working directory. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const migrationsDir = join(repoRoot, 'supabase', 'migrations')
export const seedFile = join(repoRoot, 'supabase', 'seed.sql')
