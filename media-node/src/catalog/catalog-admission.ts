/**
 * Which torrents this node may fetch: those in the catalog (imported, crawled, or added by the
 * admin with `catalog:add`). A "yes" is remembered for a while, a "no" only briefly, so a title
 * added a moment ago becomes playable almost at once.
 */
import type { WithDatabase } from '@bittorrented/common'
import { rememberedCheck } from '../remembered-check.ts'

export function catalogAdmission(withDb: WithDatabase, now: () => number = Date.now): (infoHash: string) => Promise<boolean> {
  return rememberedCheck((infoHash) => withDb(async (db) => (await db.query('select 1 from catalog.torrents where info_hash = $1', [infoHash])).rows.length > 0), {
    yesMs: 10 * 60_000,
    noMs: 5_000,
    now,
  })
}
