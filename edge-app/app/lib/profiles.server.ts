/**
 * The family's profiles: account-level work, run as the person with no profile selected.
 * RLS limits every statement to accounts the user is a member of; the queries say so too.
 */
import type pg from 'pg'
import { z } from 'zod'
import type { RequestDb } from './db.server.ts'
import { AppError } from './errors.ts'
import { ProfileNameSchema } from './auth/credentials.ts'
import { AVATARS, KIDS_RATINGS, RATINGS } from './profile-options.ts'

export interface Profile {
  id: string
  name: string
  avatar: string
  isKids: boolean
  maxRating: string | null
  language: string
}

export interface AccountSummary {
  id: string
  name: string
  planName: string
  maxProfiles: number
  profileCount: number
  email: string
}

export const ProfileInputSchema = z
  .object({
    name: ProfileNameSchema,
    avatar: z.enum(AVATARS).default('avatar-1'),
    isKids: z.boolean().default(false),
    maxRating: z.enum(RATINGS).nullable().default(null),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'Choose a language.')
      .default('en'),
  })
  .transform((p) => ({ ...p, maxRating: p.isKids ? (p.maxRating && (KIDS_RATINGS as readonly string[]).includes(p.maxRating) ? p.maxRating : 'PG') : p.maxRating }))
export type ProfileInput = z.infer<typeof ProfileInputSchema>

const PROFILE_COLUMNS = 'p.id, p.name, p.avatar, p.is_kids as "isKids", p.max_rating as "maxRating", p.language'

/** The account the user belongs to (the first one joined). */
export async function accountOf(tx: pg.ClientBase, userId: string): Promise<string> {
  const { rows } = await tx.query<{ account_id: string }>('select account_id from public.account_members where user_id = $1 order by created_at limit 1', [userId])
  if (!rows[0]) throw new AppError('not_found', 'This user has no account.')
  return rows[0].account_id
}

function translate(err: unknown): never {
  const e = err as { code?: string; constraint?: string; message?: string }
  if (e.constraint === 'profiles_plan_limit') throw new AppError('profile_limit_reached', 'Your plan has no room for another profile. Delete one first.')
  if (e.code === '23505') throw new AppError('profile_name_taken', 'Another profile of your family already has that name.')
  if (e.code === '23514') throw new AppError('invalid_input', 'That profile is not valid.')
  throw err
}

export function listProfiles(db: RequestDb, userId: string): Promise<Profile[]> {
  return db.asPerson({ userId }, async (tx) => {
    const { rows } = await tx.query<Profile>(
      `select ${PROFILE_COLUMNS} from public.profiles p
         join public.account_members m on m.account_id = p.account_id and m.user_id = $1
        order by p.created_at, p.name`,
      [userId],
    )
    return rows
  })
}

const OWN_PROFILE = `select ${PROFILE_COLUMNS} from public.profiles p
   join public.account_members m on m.account_id = p.account_id and m.user_id = $1
  where p.id = $2`

/**
 * The profile, if it belongs to an account of the user; else null. The server's own check, made
 * by the route-scope middleware on every profile-scoped request and on selection: one statement,
 * not a transaction. It runs as the auth server, so the membership predicate in the SQL is what
 * decides; the person's reads that follow run under RLS with the profile in their claims, which
 * checks it again (private.selected_profile_id()).
 */
export function verifyProfileOwnership(db: RequestDb, userId: string, profileId: string): Promise<Profile | null> {
  return db.asAuthServer(async (client) => (await client.query<Profile>(OWN_PROFILE, [userId, profileId])).rows[0] ?? null)
}

export function createProfile(db: RequestDb, userId: string, input: ProfileInput): Promise<Profile> {
  return db.asPerson({ userId }, async (tx) => {
    const accountId = await accountOf(tx, userId)
    try {
      const { rows } = await tx.query<Profile>(
        `insert into public.profiles as p (account_id, name, avatar, is_kids, max_rating, language)
         values ($1, $2, $3, $4, $5, $6) returning ${PROFILE_COLUMNS}`,
        [accountId, input.name, input.avatar, input.isKids, input.maxRating, input.language],
      )
      return rows[0]!
    } catch (err) {
      translate(err)
    }
  })
}

export function updateProfile(db: RequestDb, userId: string, profileId: string, input: ProfileInput): Promise<Profile> {
  return db.asPerson({ userId }, async (tx) => {
    try {
      const { rows } = await tx.query<Profile>(
        `update public.profiles p set name = $3, avatar = $4, is_kids = $5, max_rating = $6, language = $7
          where p.id = $2 and p.account_id in (select account_id from public.account_members where user_id = $1)
          returning ${PROFILE_COLUMNS}`,
        [userId, profileId, input.name, input.avatar, input.isKids, input.maxRating, input.language],
      )
      if (!rows[0]) throw new AppError('not_found', 'That profile does not exist.')
      return rows[0]
    } catch (err) {
      if (err instanceof AppError) throw err
      translate(err)
    }
  })
}

/** Deletes a profile and, by cascade, everything it watched, saved and searched. Never the last one. */
export function deleteProfile(db: RequestDb, userId: string, profileId: string): Promise<void> {
  return db.asPerson({ userId }, async (tx) => {
    const accountId = await accountOf(tx, userId)
    const { rows } = await tx.query<{ n: number }>('select count(*)::int as n from public.profiles where account_id = $1', [accountId])
    if ((rows[0]?.n ?? 0) <= 1) throw new AppError('not_allowed', 'A family keeps at least one profile.')
    const deleted = await tx.query('delete from public.profiles where id = $1 and account_id = $2', [profileId, accountId])
    if (deleted.rowCount !== 1) throw new AppError('not_found', 'That profile does not exist.')
  })
}

export function getAccountSummary(db: RequestDb, userId: string, email: string): Promise<AccountSummary> {
  return db.asPerson({ userId }, async (tx) => {
    const accountId = await accountOf(tx, userId)
    const { rows } = await tx.query<Omit<AccountSummary, 'email'>>(
      `select a.id, a.name, pl.name as "planName", pl.max_profiles as "maxProfiles",
              (select count(*)::int from public.profiles p where p.account_id = a.id) as "profileCount"
         from public.accounts a join public.plans pl on pl.id = private.effective_plan(a.id) where a.id = $1`,
      [accountId],
    )
    return { ...rows[0]!, email }
  })
}
