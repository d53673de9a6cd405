/** Local sign-up and sign-in against auth.users, in the shape Supabase's GoTrue keeps it. */
import type { RequestDb } from '../db.server.ts'

import { AppError } from '../errors.ts'
import type { SignIn, SignUp } from './credentials.ts'
import { hashPassword, verifyPassword } from './password.server.ts'
import type { SessionUser } from './session.server.ts'
import { admitSignUp, recordSignInAttempt, signInWaitSeconds, waitPhrase } from './sign-in-limits.server.ts'

const WRONG = 'Email or password is incorrect.'

/** `device`: the known-device id this browser carries for the email ('' for none). */
export async function signIn(db: RequestDb, input: SignIn, ip: string, device: string): Promise<SessionUser> {
  return db.asAuthServer(async (client) => {
    const wait = await signInWaitSeconds(client, input.email, ip, device)
    if (wait > 0) throw new AppError('rate_limited', `Too many sign-in attempts. Try again in ${waitPhrase(wait)}.`)
    const { rows } = await client.query<{ id: string; email: string; encrypted_password: string | null }>('select id, email, encrypted_password from auth.users where lower(email) = $1', [input.email])
    const user = rows[0]
    const ok = await verifyPassword(input.password, user?.encrypted_password ?? null)
    await recordSignInAttempt(client, input.email, ip, device, ok)
    if (!ok || !user) throw new AppError('invalid_credentials', WRONG)
    await client.query('update auth.users set last_sign_in_at = now() where id = $1', [user.id])
    return { id: user.id, email: user.email }
  })
}

/** Creates the user; the database trigger gives them an account and a first profile. */
export async function signUp(db: RequestDb, input: SignUp, ip: string): Promise<SessionUser> {
  const hash = await hashPassword(input.password)
  return db.asAuthServer(async (client) => {
    if (!(await admitSignUp(client, ip))) throw new AppError('rate_limited', 'Too many new accounts from here. Try again in an hour.')
    try {
      const { rows } = await client.query<{ id: string; email: string }>(
        `insert into auth.users (aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
         values ('authenticated', 'authenticated', $1, $2, now(), '{"provider": "email", "providers": ["email"]}', $3)
         returning id, email`,
        [input.email, hash, JSON.stringify({ display_name: input.displayName })],
      )
      return rows[0]!
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new AppError('email_taken', 'An account with this email already exists. Sign in instead.')
      }
      throw err
    }
  })
}
