import { describe, expect, test } from 'vitest'
import { CLOCK_SKEW_S, signUrl, timingSafeEqual, verifySignedUrl } from './signed-url.ts'
import { derivePurposeKey, KEY_PURPOSES } from './signing-keys.ts'

const secret = 'k'.repeat(40)
const subject = { userId: 'user-1', profileId: 'profile-1', resource: 'torrent:abc/0' }
const now = Date.UTC(2026, 10, 25, 12) // fixed clock: the tests never depend on the wall clock

async function signed(overrides: Partial<Parameters<typeof signUrl>[0]> = {}) {
  return signUrl({ secret, method: 'GET', url: 'http://media.local/v1/stream/abc/0', subject, ttlSeconds: 60, now, ...overrides })
}

describe('signed URLs', () => {
  test('a URL signed for a subject verifies and returns that subject', async () => {
    const url = await signed()
    const check = await verifySignedUrl({ secret, method: 'GET', url, maxTtlSeconds: 3600, now })
    expect(check).toEqual({ ok: true, subject, expiresAt: now / 1000 + 60 })
  })

  test('a relative path stays relative', async () => {
    const url = await signed({ url: '/v1/stream/abc/0' })
    expect(url.startsWith('/v1/stream/abc/0?')).toBe(true)
    expect((await verifySignedUrl({ secret, method: 'GET', url, maxTtlSeconds: 3600, now })).ok).toBe(true)
  })

  test('a tampered path is refused', async () => {
    const url = (await signed()).replace('/abc/0', '/abc/1')
    expect(await verifySignedUrl({ secret, method: 'GET', url, maxTtlSeconds: 3600, now })).toEqual({ ok: false, reason: 'bad_signature' })
  })

  test('a URL re-targeted to another profile or resource is refused', async () => {
    const url = await signed()
    for (const [param, value] of [
      ['p', 'profile-2'],
      ['r', 'torrent:abc/1'],
      ['u', 'user-2'],
    ] as const) {
      const u = new URL(url)
      u.searchParams.set(param, value)
      expect(await verifySignedUrl({ secret, method: 'GET', url: u.toString(), maxTtlSeconds: 3600, now })).toEqual({ ok: false, reason: 'bad_signature' })
    }
  })

  test('dropping the profile from a profile-scoped URL is refused', async () => {
    const u = new URL(await signed())
    u.searchParams.delete('p')
    expect((await verifySignedUrl({ secret, method: 'GET', url: u.toString(), maxTtlSeconds: 3600, now })).ok).toBe(false)
  })

  test('a signed label is returned, and changing, adding or dropping it is refused', async () => {
    const url = await signed({ subject: { ...subject, label: 'avatar-2|Sam' } })
    expect(await verifySignedUrl({ secret, method: 'GET', url, maxTtlSeconds: 3600, now })).toMatchObject({ ok: true, subject: { label: 'avatar-2|Sam' } })
    const changed = new URL(url)
    changed.searchParams.set('l', 'avatar-2|The host')
    const dropped = new URL(url)
    dropped.searchParams.delete('l')
    const added = new URL(await signed())
    added.searchParams.set('l', 'avatar-1|Someone')
    for (const u of [changed, dropped, added]) expect(await verifySignedUrl({ secret, method: 'GET', url: u.toString(), maxTtlSeconds: 3600, now })).toEqual({ ok: false, reason: 'bad_signature' })
  })

  test('a later expiry written into the URL is refused', async () => {
    const u = new URL(await signed())
    u.searchParams.set('exp', String(Number(u.searchParams.get('exp')) + 3600))
    expect(await verifySignedUrl({ secret, method: 'GET', url: u.toString(), maxTtlSeconds: 3600, now })).toEqual({ ok: false, reason: 'bad_signature' })
  })

  test('an expired URL is refused', async () => {
    const url = await signed()
    expect(await verifySignedUrl({ secret, method: 'GET', url, maxTtlSeconds: 3600, now: now + 61_000 })).toEqual({ ok: false, reason: 'expired' })
  })

  test('another method is refused', async () => {
    const url = await signed()
    expect(await verifySignedUrl({ secret, method: 'DELETE', url, maxTtlSeconds: 3600, now })).toEqual({ ok: false, reason: 'bad_signature' })
  })

  test('another key is refused', async () => {
    const url = await signed()
    expect(await verifySignedUrl({ secret: 'z'.repeat(40), method: 'GET', url, maxTtlSeconds: 3600, now })).toEqual({ ok: false, reason: 'bad_signature' })
  })

  test('missing or malformed parameters are refused without throwing', async () => {
    expect(await verifySignedUrl({ secret, method: 'GET', url: '/v1/stream/abc/0', maxTtlSeconds: 3600, now })).toEqual({ ok: false, reason: 'missing' })
    expect(await verifySignedUrl({ secret, method: 'GET', url: '/x?sig=a&exp=soon&u=a&r=b', maxTtlSeconds: 3600, now })).toEqual({ ok: false, reason: 'malformed' })
    expect(await verifySignedUrl({ secret, method: 'GET', url: '/x?sig=a&exp=1&r=b', maxTtlSeconds: 3600, now })).toEqual({ ok: false, reason: 'malformed' })
    expect(await verifySignedUrl({ secret, method: 'GET', url: '/x?sig=a&exp=1&u=a%0Ab&r=b', maxTtlSeconds: 3600, now })).toEqual({ ok: false, reason: 'malformed' })
  })

  test('a short secret is a configuration error', async () => {
    await expect(signed({ secret: 'short' })).rejects.toThrow(/at least 32/)
  })

  test('timingSafeEqual compares content and length', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true)
    expect(timingSafeEqual('abc', 'abd')).toBe(false)
    expect(timingSafeEqual('abc', 'abcd')).toBe(false)
    expect(timingSafeEqual('', '')).toBe(true)
  })

  test('a validly signed URL whose expiry is further ahead than the verifier issues is refused', async () => {
    // What a leaked key would mint: a URL good for ten years.
    const tenYears = await signed({ ttlSeconds: 10 * 365 * 24 * 3600 })
    expect(await verifySignedUrl({ secret, method: 'GET', url: tenYears, maxTtlSeconds: 3600, now })).toEqual({ ok: false, reason: 'expiry_too_far' })
    // The longest lifetime issued, and a signer's clock a little ahead, still pass.
    const longest = await signed({ ttlSeconds: 3600 + CLOCK_SKEW_S })
    expect((await verifySignedUrl({ secret, method: 'GET', url: longest, maxTtlSeconds: 3600, now })).ok).toBe(true)
    const beyond = await signed({ ttlSeconds: 3600 + CLOCK_SKEW_S + 1 })
    expect(await verifySignedUrl({ secret, method: 'GET', url: beyond, maxTtlSeconds: 3600, now })).toEqual({ ok: false, reason: 'expiry_too_far' })
  })
})

describe('one key per purpose', () => {
  const root = 'r'.repeat(48)
  test('each purpose gets its own stable 256-bit key; none is the root', async () => {
    const keys = await Promise.all(KEY_PURPOSES.map((p) => derivePurposeKey(root, p)))
    expect(new Set(keys).size).toBe(KEY_PURPOSES.length)
    for (const k of keys) {
      expect(k).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(k).not.toBe(root)
    }
    expect(await derivePurposeKey(root, 'media-url')).toBe(keys[0])
    expect(await derivePurposeKey('s'.repeat(48), 'media-url')).not.toBe(keys[0])
  })

  test('a URL signed with one purpose key is refused by a verifier of another', async () => {
    const party = await derivePurposeKey(root, 'party-connection')
    const media = await derivePurposeKey(root, 'media-url')
    const url = await signUrl({ secret: party, method: 'GET', url: 'http://media.local/v1/stream/abc/0', subject, ttlSeconds: 60, now })
    expect(await verifySignedUrl({ secret: media, method: 'GET', url, maxTtlSeconds: 3600, now })).toEqual({ ok: false, reason: 'bad_signature' })
    await expect(derivePurposeKey('short', 'media-url')).rejects.toThrow(/at least 32/)
  })
})

describe('base64url', () => {
  test('bytes go there and back, and anything else is refused', async () => {
    const { fromBase64Url, toBase64Url } = await import('./signed-url.ts')
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes)
    expect(toBase64Url(new TextEncoder().encode('~~~?'))).toBe('fn5-Pw')
    expect(() => fromBase64Url('not base64!')).toThrow()
  })
})
