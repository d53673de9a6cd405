/**
 * Which torrents this node may fetch: those in the catalog (imported, crawled, or added by the
 * admin with `catalog:add`). A "yes" is remembered for a while, a "no" only briefly, so a title
 * added a moment ago becomes playable almost at once.
 */
import type { WithDatabase } from '@bittorrented/common'

const YES_MS = 10 * 60_000
const NO_MS = 5_000
const MAX_REMEMBERED = 10_000

export function catalogAdmission(withDb: WithDatabase, now: () => number = Date.now): (infoHash: string) => Promise<boolean> {
  const remembered = new Map<string, { known: boolean; until: number }>()
  return async (infoHash) => {
    const hit = remembered.get(infoHash)
    if (hit && hit.until > now()) return hit.known
    const known = await withDb(async (db) => (await db.query('select 1 from catalog.torrents where info_hash = $1', [infoHash])).rows.length > 0)
    if (remembered.size >= MAX_REMEMBERED) remembered.clear()
    remembered.set(infoHash, { known, until: now() + (known ? YES_MS : NO_MS) })
    return known
  }
}
