import bcrypt from 'bcryptjs'

// bcryptjs: pure JS, so it runs on workerd as on Node; the hash format is the one Supabase's
// GoTrue writes to auth.users.encrypted_password ($2a$, cost 10).
const COST = 10
/** A hash of a random password, compared against when the email is unknown, so both paths cost the same. */
const DECOY_HASH = '$2a$10$dDMnC34A1itrdcD1RxoUFeGcR1GNaaZ7n5sFLEe5nZXDn34zkFqqS'

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST)
}

/** Compares in constant time (bcrypt), and takes as long when there is no user at all. */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  const ok = await bcrypt.compare(password, hash ?? DECOY_HASH)
  return hash !== null && ok
}
