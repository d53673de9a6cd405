// Wiring only: config → logger → db → app → listen.
import { serve } from '@hono/node-server'
import pino from 'pino'
import { loadConfig } from './config.ts'
import { createDatabase } from './db.ts'
import { createApp } from './http/app.ts'

const config = loadConfig(process.env)
const log = pino({ name: 'media-node', level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'] })
const db = createDatabase(config.DATABASE_URL)
const app = createApp({ withDb: db.withDb, signingKey: config.URL_SIGNING_KEY, log })

const server = serve({ fetch: app.fetch, port: config.MEDIA_NODE_PORT, hostname: config.MEDIA_NODE_HOST }, (info) => {
  log.info({ port: info.port, host: config.MEDIA_NODE_HOST }, 'media node listening')
})

function shutdown(signal: string) {
  log.info({ signal }, 'stopping')
  server.close(() => void db.close().finally(() => process.exit(0)))
  setTimeout(() => process.exit(0), 3_000).unref()
}
process.on('SIGINT', () => shutdown('SIGINT'))
process.on('SIGTERM', () => shutdown('SIGTERM'))
