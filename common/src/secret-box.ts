/**
 * Secrets at rest (IPTV credentials): AES-256-GCM through WebCrypto, so the edge app seals on
 * workerd and the media node opens on Node with the same code. The key is the
 * `iptv-credentials` purpose key (signing-keys.ts); its id — the first 8 hex digits of the
 * key's SHA-256 — is stored beside the ciphertext, so keys can rotate: a node given the old key
 * too still opens what the old key sealed.
 *
 * Format: base64url(12-byte IV ‖ ciphertext ‖ 16-byte tag), the key id separately.
 */
import { fromBase64Url, toBase64Url } from './signed-url.ts'

export interface SealedSecret {
  keyId: string
  ciphertext: string
}

type AesKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>

async function aesKey(key: string): Promise<AesKey> {
  return crypto.subtle.importKey('raw', fromBase64Url(key), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
}

/** The id stored beside a ciphertext: names the key without revealing it. */
export async function secretKeyId(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', fromBase64Url(key)))
  return Array.from(digest.slice(0, 4), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Seals `plaintext` (a JSON document, say) under `key` (base64url, 32 bytes). */
export async function sealSecret(key: string, plaintext: string): Promise<SealedSecret> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await aesKey(key), new TextEncoder().encode(plaintext)))
  const out = new Uint8Array(iv.length + sealed.length)
  out.set(iv)
  out.set(sealed, iv.length)
  return { keyId: await secretKeyId(key), ciphertext: toBase64Url(out) }
}

/** Opens a sealed secret with whichever of `keys` it names; throws when none does or it was altered. */
export async function openSecret(keys: readonly string[], sealed: SealedSecret): Promise<string> {
  for (const key of keys) {
    if ((await secretKeyId(key)) !== sealed.keyId) continue
    const bytes = fromBase64Url(sealed.ciphertext)
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12) }, await aesKey(key), bytes.slice(12))
    return new TextDecoder().decode(plain)
  }
  throw new Error(`no key ${sealed.keyId} to open this secret with`)
}
