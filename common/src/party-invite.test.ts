import { describe, expect, test } from 'vitest'
import { newPartyRoomId, signPartyInvite, verifyPartyInvite } from './party-invite.ts'
import { hmacSha256, SIGNED_TTL_S, signUrl } from './signed-url.ts'

const secret = 's'.repeat(40)
const now = Date.UTC(2026, 10, 25, 12)
const media = { infoHash: 'ab'.repeat(20), fileIndex: 3 }

function parts(link: string) {
  const u = new URL(link, 'http://edge.local')
  return { room: u.pathname.split('/')[2]!, query: u.searchParams }
}

describe('party invites', () => {
  test('an invite verifies and names its room, file and expiry', async () => {
    const room = newPartyRoomId()
    const { room: r, query } = parts(await signPartyInvite(secret, room, media, 3600, now))
    expect(await verifyPartyInvite(secret, r, query, now)).toEqual({ ok: true, invite: { room, media, expiresAt: now / 1000 + 3600 } })
  })

  test('another room, another file, a later expiry or another key is refused', async () => {
    const room = newPartyRoomId()
    const link = parts(await signPartyInvite(secret, room, media, 3600, now))
    expect(await verifyPartyInvite(secret, newPartyRoomId(), link.query, now)).toEqual({ ok: false, reason: 'bad_signature' })
    for (const [k, v] of [
      ['m', `${media.infoHash}.4`],
      ['exp', String(now / 1000 + 7200)],
    ] as const) {
      const q = new URLSearchParams(link.query)
      q.set(k, v)
      expect(await verifyPartyInvite(secret, room, q, now)).toEqual({ ok: false, reason: 'bad_signature' })
    }
    expect(await verifyPartyInvite('t'.repeat(40), room, link.query, now)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  test('an expired invite is refused', async () => {
    const room = newPartyRoomId()
    const { query } = parts(await signPartyInvite(secret, room, media, 60, now))
    expect(await verifyPartyInvite(secret, room, query, now + 61_000)).toEqual({ ok: false, reason: 'expired' })
  })

  test('malformed rooms and queries are refused without throwing', async () => {
    const q = new URLSearchParams({ m: 'zz.1', exp: '1', sig: 'x' })
    expect(await verifyPartyInvite(secret, '../etc', q, now)).toEqual({ ok: false, reason: 'malformed' })
    expect(await verifyPartyInvite(secret, newPartyRoomId(), new URLSearchParams(), now)).toEqual({ ok: false, reason: 'malformed' })
  })

  test('a signed media URL is never accepted as an invite', async () => {
    const room = newPartyRoomId()
    const url = new URL(await signUrl({ secret, method: 'GET', url: `/party/${room}`, subject: { userId: 'u', resource: `${media.infoHash}.3` }, ttlSeconds: 60, now }), 'http://x')
    url.searchParams.set('m', `${media.infoHash}.3`)
    expect(await verifyPartyInvite(secret, room, url.searchParams, now)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  test('an invite that would outlive the longest issued lifetime is refused, and cannot be signed', async () => {
    const room = newPartyRoomId()
    await expect(signPartyInvite(secret, room, media, SIGNED_TTL_S.partyInvite + 1, now)).rejects.toThrow()
    // Forge one with the right key and a far expiry, as a leaked key would.
    const expiresAt = now / 1000 + 10 * 365 * 24 * 3600
    const m = `${media.infoHash}.${media.fileIndex}`
    const sig = await hmacSha256(secret, ['party-invite-v1', room, m, String(expiresAt)].join('\n'))
    expect(await verifyPartyInvite(secret, room, new URLSearchParams({ m, exp: String(expiresAt), sig }), now)).toEqual({ ok: false, reason: 'expiry_too_far' })
  })
})
