import { readFile } from 'node:fs/promises'
import type pg from 'pg'

/** Loads demo data in one transaction. The seed file must be idempotent (`on conflict do nothing`). */
export async function seed(client: pg.ClientBase, file: string): Promise<void> {
  const sql = await readFile(file, 'utf8')
  await client.query('begin')
  try {
    await client.query(sql)
    await client.query('commit')
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw new Error(`${file}: ${(err as Error).message}`, { cause: err })
  }
}
