import { describe, expect, test } from 'vitest'
import { signUrl, timingSafeEqual, verifySignedUrl } from './signed-url.ts'

const secret = 'k'.repeat(40)
const subject = { userId: 'user-1', profileId: 'profile-1', resource: 'torrent:abc/0' }
const now = Date.UTC(2026, 10, 25, 12) // fixed clock: the tests never depend on the wall clock

async function signed(overrides: Partial<Parameters<typeof signUrl>[0]> = {}) {
  return signUrl({ secret, method: 'GET', url: 'http://media.local/v1/stream/abc/0', subject, ttlSeconds: 60, now, ...overrides })
}

describe('signed URLs', () => {
  test('a URL signed for a subject verifies and returns that subject', async () => {
    const url = await signed()
    const check = await verifySignedUrl({ secret, method: 'GET', url, now })
    expect(check).toEqual({ ok: true, subject, expiresAt: now / 1000 + 60 })
  })

  test('a relative path stays relative', async () => {
    const url = await signed({ url: '/v1/stream/abc/0' })
    expect(url.startsWith('/v1/stream/abc/0?')).toBe(true)
    expect((await verifySignedUrl({ secret, method: 'GET', url, now })).ok).toBe(true)
  })

  test('a tampered path is refused', async () => {
    const url = (await signed()).replace('/abc/0', '/abc/1')
    expect(await verifySignedUrl({ secret, method: 'GET', url, now })).toEqual({ ok: false, reason: 'bad_signature' })
  })

  test('a URL re-targeted to another profile or resource is refused', async () => {
    const url = await signed()
    for (const [param, value] of [['p', 'profile-2'], ['r', 'torrent:abc/1'], ['u', 'user-2']] as const) {
      const u = new URL(url)
      u.searchParams.set(param, value)
      expect(await verifySignedUrl({ secret, method: 'GET', url: u.toString(), now })).toEqual({ ok: false, reason: 'bad_signature' })
    }
  })

  test('dropping the profile from a profile-scoped URL is refused', async () => {
    const u = new URL(await signed())
    u.searchParams.delete('p')
    expect((await verifySignedUrl({ secret, method: 'GET', url: u.toString(), now })).ok).toBe(false)
  })

  test('a signed label is returned, and changing, adding or dropping it is refused', async () => {
    const url = await signed({ subject: { ...subject, label: 'avatar-2|Sam' } })
    expect(await verifySignedUrl({ secret, method: 'GET', url, now })).toMatchObject({ ok: true, subject: { label: 'avatar-2|Sam' } })
    const changed = new URL(url)
    changed.searchParams.set('l', 'avatar-2|The host')
    const dropped = new URL(url)
    dropped.searchParams.delete('l')
    const added = new URL(await signed())
    added.searchParams.set('l', 'avatar-1|Someone')
    for (const u of [changed, dropped, added]) expect(await verifySignedUrl({ secret, method: 'GET', url: u.toString(), now })).toEqual({ ok: false, reason: 'bad_signature' })
  })

  test('a later expiry written into the URL is refused', async () => {
    const u = new URL(await signed())
    u.searchParams.set('exp', String(Number(u.searchParams.get('exp')) + 3600))
    expect(await verifySignedUrl({ secret, method: 'GET', url: u.toString(), now })).toEqual({ ok: false, reason: 'bad_signature' })
  })

  test('an expired URL is refused', async () => {
    const url = await signed()
    expect(await verifySignedUrl({ secret, method: 'GET', url, now: now + 61_000 })).toEqual({ ok: false, reason: 'expired' })
  })

  test('another method is refused', async () => {
    const url = await signed()
    expect(await verifySignedUrl({ secret, method: 'DELETE', url, now })).toEqual({ ok: false, reason: 'bad_signature' })
  })

  test('another key is refused', async () => {
    const url = await signed()
    expect(await verifySignedUrl({ secret: 'z'.repeat(40), method: 'GET', url, now })).toEqual({ ok: false, reason: 'bad_signature' })
  })

  test('missing or malformed parameters are refused without throwing', async () => {
    expect(await verifySignedUrl({ secret, method: 'GET', url: '/v1/stream/abc/0', now })).toEqual({ ok: false, reason: 'missing' })
    expect(await verifySignedUrl({ secret, method: 'GET', url: '/x?sig=a&exp=soon&u=a&r=b', now })).toEqual({ ok: false, reason: 'malformed' })
    expect(await verifySignedUrl({ secret, method: 'GET', url: '/x?sig=a&exp=1&r=b', now })).toEqual({ ok: false, reason: 'malformed' })
    expect(await verifySignedUrl({ secret, method: 'GET', url: '/x?sig=a&exp=1&u=a%0Ab&r=b', now })).toEqual({ ok: false, reason: 'malformed' })
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
})
