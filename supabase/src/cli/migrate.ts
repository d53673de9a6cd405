// `npm run db:migrate`: applies pending migrations to DATABASE_URL or the embedded database.
import { loadDbConfig } from '../config.ts'
import { openDatabaseTarget } from '../database-target.ts'
import { createLogger } from '../logger.ts'
import { listMigrations, migrate } from '../migrate.ts'
import { migrationsDir } from '../paths.ts'
import { withClient } from '../run-with-client.ts'

const config = loadDbConfig()
const log = createLogger(config.LOG_LEVEL, 'db:migrate')
const target = await openDatabaseTarget(config, (err) => log.error({ err }, 'embedded database error'))
try {
  const migrations = await listMigrations(migrationsDir)
  const result = await withClient(target.url, (client) => migrate(client, migrations, { onApplied: (m, ms) => log.info({ version: m.version, migration: m.name, ms }, 'applied') }))
  log.info({ target: target.kind, applied: result.applied.length, alreadyApplied: result.alreadyApplied }, 'migrations up to date')
} catch (err) {
  log.error({ target: target.kind }, (err as Error).message)
  process.exitCode = 1
} finally {
  await target.close()
}
