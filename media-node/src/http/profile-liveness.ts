/**
 * Whether a signed URL's profile still exists: a URL issued to a profile that has since been
 * deleted stops working within LIVE_MS (a deleted profile's people should not keep streaming
 * on links they kept). Answers are remembered briefly, so a film's range requests cost no query.
 */
import type { WithDatabase } from '@bittorrented/common'

const LIVE_MS = 30_000
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function profileLiveness(withDb: WithDatabase, now: () => number = Date.now): (profileId: string) => Promise<boolean> {
  const remembered = new Map<string, { live: boolean; until: number }>()
  return async (profileId) => {
    if (!UUID.test(profileId)) return false
    const hit = remembered.get(profileId)
    if (hit && hit.until > now()) return hit.live
    const live = await withDb(async (db) => (await db.query('select 1 from public.profiles where id = $1', [profileId])).rows.length > 0)
    if (remembered.size >= 10_000) remembered.clear()
    remembered.set(profileId, { live, until: now() + LIVE_MS })
    return live
  }
}
