/**
 * The two databases of an import test: a Bitmagnet-shaped source (fixtures/bitmagnet-shaped-
 * schema.sql, on the db project's target) and a migrated catalog, each with one connection.
 */
import { readFile } from 'node:fs/promises'
import type pg from 'pg'
import { connect, createMigratedDatabase, createTestDatabase } from '@bittorrented/db/test-helpers'

export interface ImportPair {
  bm: pg.Client
  cat: pg.Client
  close(): Promise<void>
}

export async function openImportPair(): Promise<ImportPair> {
  const [bitmagnetDb, catalogDb] = await Promise.all([createTestDatabase(), createMigratedDatabase()])
  const bm = await connect(bitmagnetDb.url)
  const cat = await connect(catalogDb.url)
  for (const c of [bm, cat]) c.on('error', () => {})
  await bm.query(await readFile(new URL('../fixtures/bitmagnet-shaped-schema.sql', import.meta.url), 'utf8'))
  return {
    bm,
    cat,
    async close() {
      await bm.end()
      await cat.end()
      await bitmagnetDb.drop()
      await catalogDb.drop()
    },
  }
}
