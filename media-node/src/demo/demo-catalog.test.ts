import { describe, expect, test } from 'vitest'
import { startEmbeddedDatabase, listMigrations, migrate, migrationsDir, withClient } from '@bittorrented/db'
import { loadDemoCatalog } from './demo-catalog.ts'

describe('the generated demo catalog', () => {
  test('loads a few thousand classified entries, and loading again adds nothing', async () => {
    const db = await startEmbeddedDatabase({ dataDir: null, port: 0 })
    try {
      await withClient(db.url, async (c) => {
        await migrate(c, await listMigrations(migrationsDir))
        const n = await loadDemoCatalog(c)
        expect(n).toBeGreaterThan(2000)
        await loadDemoCatalog(c)
        const { rows } = await c.query<{ n: number; types: number; files: number }>(
          `select count(*)::int as n, count(distinct content_type)::int as types, (select count(*)::int from catalog.torrent_files) as files from catalog.torrents`,
        )
        expect(rows[0]).toMatchObject({ n, types: expect.any(Number) })
        expect(rows[0]!.types).toBeGreaterThanOrEqual(5)
        expect(rows[0]!.files).toBeGreaterThan(n)
      })
    } finally {
      await db.stop()
    }
  }, 60_000)
})
