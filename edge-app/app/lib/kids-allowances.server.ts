/**
 * What a grown-up allowed each kids profile to hear (account level): a podcast
 * (`public.podcast_kids_allowed`) or a radio station (`public.radio_kids_allowed`). Listed for
 * the account owner on a grown-up profile only; the database lets nobody else change them.
 */
import type { RequestDb } from './db.server.ts'
import { AppError } from './errors.ts'
import type { ProfilePerson } from './person.ts'

const TABLES = {
  podcast: { table: 'public.podcast_kids_allowed', column: 'feed_id' },
  station: { table: 'public.radio_kids_allowed', column: 'station_id' },
} as const
export type AllowedKind = keyof typeof TABLES

export interface KidsAllowance {
  profileId: string
  name: string
  allowed: boolean
}

/** The family's kids profiles and whether `id` is allowed to each; empty unless the person is the account owner on a grown-up profile. */
export function kidsAllowances(db: RequestDb, ctx: ProfilePerson, kind: AllowedKind, id: number): Promise<KidsAllowance[]> {
  const { table, column } = TABLES[kind]
  return db.asPerson(ctx, async (tx) => {
    const { rows } = await tx.query<KidsAllowance>(
      `select k.id as "profileId", k.name, exists (select 1 from ${table} a where a.kids_profile_id = k.id and a.${column} = $2) as allowed
         from public.profiles k join public.profiles me on me.id = $1 and me.account_id = k.account_id
        where k.is_kids and not me.is_kids and exists (select 1 from public.accounts a where a.id = k.account_id and a.owner_id = (select auth.uid()))
        order by k.name`,
      [ctx.profileId, id],
    )
    return rows
  })
}

export async function setKidsAllowed(db: RequestDb, ctx: ProfilePerson, kind: AllowedKind, id: number, kidsProfileId: string, allowed: boolean): Promise<void> {
  const { table, column } = TABLES[kind]
  await db.asPerson(ctx, async (tx) => {
    try {
      if (allowed) {
        await tx.query(`insert into ${table} (account_id, kids_profile_id, ${column}) select p.account_id, p.id, $2 from public.profiles p where p.id = $1 on conflict do nothing`, [kidsProfileId, id])
      } else await tx.query(`delete from ${table} where kids_profile_id = $1 and ${column} = $2`, [kidsProfileId, id])
    } catch (err) {
      if ((err as { code?: string }).code === '42501') throw new AppError('not_allowed', 'Only the account owner, from a grown-up profile, can choose what kids profiles hear.')
      throw err
    }
  })
}
