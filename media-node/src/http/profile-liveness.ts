/**
 * Whether a signed URL's profile still exists: a URL issued to a profile that has since been
 * deleted stops working within 30 s (a deleted profile's people should not keep streaming on
 * links they kept). Answers are remembered that long, so a film's range requests cost no query.
 */
import type { WithDatabase } from '@bittorrented/common'
import { rememberedCheck } from '../remembered-check.ts'

const LIVE_MS = 30_000
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function profileLiveness(withDb: WithDatabase, now: () => number = Date.now): (profileId: string) => Promise<boolean> {
  const exists = rememberedCheck((profileId) => withDb(async (db) => (await db.query('select 1 from public.profiles where id = $1', [profileId])).rows.length > 0), {
    yesMs: LIVE_MS,
    noMs: LIVE_MS,
    now,
  })
  return async (profileId) => UUID.test(profileId) && exists(profileId)
}
