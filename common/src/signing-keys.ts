/**
 * One key per purpose, derived from a root secret with HKDF-SHA256 (RFC 5869, WebCrypto), so a
 * key that leaks from one part opens only what that part signs: the party server holds only the
 * key its connection URLs are signed with, the media node only the media-URL key, and neither
 * can mint the other's URLs, invite links or profile cookies.
 *
 * Roots: URL_SIGNING_KEY (media URLs, party invites, party connections) and AUTH_JWT_SECRET
 * (session JWTs as is — Supabase's GoTrue signs with that exact secret — and the profile cookie,
 * derived). See docs/security.md.
 */
export const KEY_PURPOSES = ['media-url', 'party-invite', 'party-connection', 'profile-cookie', 'iptv-credentials'] as const
export type KeyPurpose = (typeof KEY_PURPOSES)[number]

import { toBase64Url } from './signed-url.ts'

const MIN_ROOT_LENGTH = 32
const cache = new Map<string, Promise<string>>()

/** The 256-bit key of `purpose` under `root`, base64url (43 characters). Same inputs, same key. */
export async function derivePurposeKey(root: string, purpose: KeyPurpose): Promise<string> {
  if (root.length < MIN_ROOT_LENGTH) throw new Error(`a root secret must be at least ${MIN_ROOT_LENGTH} characters`)
  if (!KEY_PURPOSES.includes(purpose)) throw new Error(`unknown key purpose ${String(purpose)}`)
  const id = `${purpose}\n${root}`
  let key = cache.get(id)
  if (!key) {
    const enc = new TextEncoder()
    key = crypto.subtle
      .importKey('raw', enc.encode(root), 'HKDF', false, ['deriveBits'])
      .then((material) => crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: enc.encode('bittorrented-keys-v1'), info: enc.encode(`bittorrented/${purpose}/v1`) }, material, 256))
      .then(toBase64Url)
    cache.set(id, key)
  }
  return key
}
