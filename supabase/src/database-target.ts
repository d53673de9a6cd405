import { join } from 'node:path'
import type { DbConfig } from './config.ts'
import { findRunningEmbeddedDatabase, startEmbeddedDatabase } from './embedded-database.ts'

export interface DatabaseTarget {
  kind: 'postgres' | 'embedded'
  url: string
  /** Stops what was started to reach the database (the in-process embedded server), if anything. */
  close(): Promise<void>
}

export function embeddedDataDir(config: DbConfig): string {
  return join(config.BT_DATA_DIR, 'pglite')
}

/**
 * Where the database tools connect: `DATABASE_URL` when set; else the embedded database a
 * running `npm start` serves; else the embedded database opened in this process for the
 * duration of the command (on a free port, so it never collides with a later `npm start`).
 */
export async function openDatabaseTarget(config: DbConfig, onError?: (err: Error) => void): Promise<DatabaseTarget> {
  if (config.DATABASE_URL) return { kind: 'postgres', url: config.DATABASE_URL, close: async () => {} }
  const dataDir = embeddedDataDir(config)
  const running = await findRunningEmbeddedDatabase(dataDir)
  if (running) return { kind: 'embedded', url: running, close: async () => {} }
  const db = await startEmbeddedDatabase({ dataDir, port: 0, onError })
  return { kind: 'embedded', url: db.url, close: () => db.stop() }
}
