/**
 * The one signed-URL scheme: the edge app signs, the media node and the party room verify.
 *
 * A signature is HMAC-SHA256 over a canonical string of method, path, expiry and subject
 * (user, profile, what is reached: info hash/file, channel, party room). Any change to one of
 * them — a tampered path, a later expiry, another profile or file — gives another MAC, so
 * the URL is refused. WebCrypto only, so the same code runs on workerd and on Node.
 */
import { z } from 'zod'

export const SignedSubjectSchema = z.object({
  /** auth.users id of the person the URL was issued to. */
  userId: z.string().min(1).max(64),
  /** Selected profile; absent for account-level targets. */
  profileId: z.string().min(1).max(64).optional(),
  /** What the URL reaches, e.g. `torrent:<infohash>/<file>` or `party:<room>`. */
  resource: z.string().min(1).max(512),
  /** How the holder is shown to others (a watch-party member's name); signed so it cannot be changed. */
  label: z.string().min(1).max(80).optional(),
})
export type SignedSubject = z.infer<typeof SignedSubjectSchema>

/** Query parameter names carried by a signed URL. */
export const SIGNATURE_PARAMS = { expires: 'exp', user: 'u', profile: 'p', resource: 'r', label: 'l', mac: 'sig' } as const

export type SignatureCheck = { ok: true; subject: SignedSubject; expiresAt: number } | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'bad_signature' | 'expiry_too_far' }

/**
 * Lifetimes of what the platform signs, in seconds. Verifiers refuse an expiry further ahead
 * than the longest lifetime they issue (plus CLOCK_SKEW_S), so even a leaked key cannot mint a
 * URL that outlives the day.
 */
export const SIGNED_TTL_S = {
  /** Stream, HLS playlist and segments, subtitles, comic pages: a long film with pauses. */
  media: 4 * 3600,
  /** A torrent's file list, an album's tags: fetched once by the edge app. */
  metadata: 60,
  /** The WebSocket URL by which a profile joins a party room. */
  partyConnection: 6 * 3600,
  /** A watch-party invite link. */
  partyInvite: 24 * 3600,
} as const
/** How far a signer's clock may run ahead of a verifier's. */
export const CLOCK_SKEW_S = 120

const encoder = new TextEncoder()
/** WebCrypto's key type, named the same way under Node's types and the web platform's. */
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>
const keyCache = new Map<string, Promise<HmacKey>>()

function importKey(secret: string): Promise<HmacKey> {
  let key = keyCache.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    keyCache.set(secret, key)
  }
  return key
}

function canonical(method: string, path: string, expiresAt: number, subject: SignedSubject): string {
  // Newline-separated and each field length-bounded by the schema; none may contain a newline,
  // so two different inputs can never produce the same canonical string.
  // A label adds an eighth field: with and without one the strings differ in their number of lines.
  const fields = ['v1', method.toUpperCase(), path, String(expiresAt), subject.userId, subject.profileId ?? '', subject.resource]
  if (subject.label !== undefined) fields.push(subject.label)
  return fields.join('\n')
}

/** Bytes as base64url without padding (URLs, cookies, keys). */
export function toBase64Url(bytes: ArrayBuffer | Uint8Array): string {
  let s = ''
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** base64url (padded or not) as bytes; throws on anything else. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

/** HMAC-SHA256 of `text`, base64url. The one HMAC of the platform: URLs, invite links, cookies. */
export async function hmacSha256(secret: string, text: string): Promise<string> {
  return toBase64Url(await crypto.subtle.sign('HMAC', await importKey(secret), encoder.encode(text)))
}

/** Compares two strings in time that depends only on their lengths. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a)
  const y = encoder.encode(b)
  let diff = x.length ^ y.length
  const n = Math.max(x.length, y.length)
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0)
  return diff === 0
}

const MIN_SECRET_LENGTH = 32
function assertSecret(secret: string): void {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`signing secret must be at least ${MIN_SECRET_LENGTH} characters`)
}

function hasNewline(s: string): boolean {
  return /[\r\n]/.test(s)
}

export interface SignOptions {
  secret: string
  method: string
  /** Absolute URL or path; only its path is signed, its query is replaced. */
  url: string
  subject: SignedSubject
  /** Lifetime in seconds. */
  ttlSeconds: number
  now?: number
}

/** Returns `url` with the signature parameters added. */
export async function signUrl(opts: SignOptions): Promise<string> {
  assertSecret(opts.secret)
  const subject = SignedSubjectSchema.parse(opts.subject)
  if (Object.values(subject).some((v) => typeof v === 'string' && hasNewline(v))) throw new Error('subject fields must not contain newlines')
  const url = new URL(opts.url, 'http://relative.invalid')
  const expiresAt = Math.floor((opts.now ?? Date.now()) / 1000) + opts.ttlSeconds
  const params = new URLSearchParams()
  params.set(SIGNATURE_PARAMS.expires, String(expiresAt))
  params.set(SIGNATURE_PARAMS.user, subject.userId)
  if (subject.profileId) params.set(SIGNATURE_PARAMS.profile, subject.profileId)
  params.set(SIGNATURE_PARAMS.resource, subject.resource)
  if (subject.label !== undefined) params.set(SIGNATURE_PARAMS.label, subject.label)
  params.set(SIGNATURE_PARAMS.mac, await hmacSha256(opts.secret, canonical(opts.method, url.pathname, expiresAt, subject)))
  url.search = params.toString()
  return url.origin === 'http://relative.invalid' ? url.pathname + url.search : url.toString()
}

export interface VerifyOptions {
  secret: string
  method: string
  url: string
  /** The longest lifetime this verifier's signers issue; an expiry further ahead is refused. */
  maxTtlSeconds: number
  now?: number
}

/** Checks a signed URL as received. Never throws for bad input: returns why it is refused. */
export async function verifySignedUrl(opts: VerifyOptions): Promise<SignatureCheck> {
  assertSecret(opts.secret)
  let url: URL
  try {
    url = new URL(opts.url, 'http://relative.invalid')
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  const q = url.searchParams
  const given = q.get(SIGNATURE_PARAMS.mac)
  const exp = q.get(SIGNATURE_PARAMS.expires)
  if (!given || !exp) return { ok: false, reason: 'missing' }
  if (!/^\d{1,12}$/.test(exp)) return { ok: false, reason: 'malformed' }
  const parsed = SignedSubjectSchema.safeParse({
    userId: q.get(SIGNATURE_PARAMS.user) ?? undefined,
    profileId: q.get(SIGNATURE_PARAMS.profile) ?? undefined,
    resource: q.get(SIGNATURE_PARAMS.resource) ?? undefined,
    label: q.get(SIGNATURE_PARAMS.label) ?? undefined,
  })
  if (!parsed.success || Object.values(parsed.data).some((v) => typeof v === 'string' && hasNewline(v))) {
    return { ok: false, reason: 'malformed' }
  }
  const expiresAt = Number(exp)
  const expected = await hmacSha256(opts.secret, canonical(opts.method, url.pathname, expiresAt, parsed.data))
  // Signature first, expiry second: an attacker learns nothing about expiry handling from a forged URL.
  if (!timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' }
  const nowS = Math.floor((opts.now ?? Date.now()) / 1000)
  if (expiresAt <= nowS) return { ok: false, reason: 'expired' }
  if (expiresAt > nowS + opts.maxTtlSeconds + CLOCK_SKEW_S) return { ok: false, reason: 'expiry_too_far' }
  return { ok: true, subject: parsed.data, expiresAt }
}
