// `npm run db:seed`: loads the demo data (idempotent) into DATABASE_URL or the embedded database.
import { loadDbConfig } from '../config.ts'
import { openDatabaseTarget } from '../database-target.ts'
import { createLogger } from '../logger.ts'
import { seedFile } from '../paths.ts'
import { withClient } from '../run-with-client.ts'
import { seed } from '../seed.ts'

const config = loadDbConfig()
const log = createLogger(config.LOG_LEVEL, 'db:seed')
const target = await openDatabaseTarget(config, (err) => log.error({ err }, 'embedded database error'))
try {
  await withClient(target.url, (client) => seed(client, seedFile))
  log.info({ target: target.kind }, 'demo data loaded')
} catch (err) {
  log.error({ target: target.kind }, (err as Error).message)
  process.exitCode = 1
} finally {
  await target.close()
}
