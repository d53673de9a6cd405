/**
 * Watch-party invite links: `/party/<room>?m=<infohash>.<file>&exp=<unix s>&sig=<mac>`.
 *
 * Anyone holding a valid link may join with their own signed-in profile; the link says which
 * room and which file, and until when. The MAC is the platform's one HMAC (hmacSha256) over a
 * canonical string that no other signed thing of the platform can produce (it starts with its
 * own tag), so a signed media URL can never be replayed as an invite or the other way round.
 */
import { INFO_HASH_PATTERN } from './media-resource.ts'
import { CLOCK_SKEW_S, hmacSha256, SIGNED_TTL_S, signUrl, timingSafeEqual } from './signed-url.ts'

export const PARTY_ROOM_PATTERN = /^[A-Za-z0-9_-]{16,32}$/
const MEDIA_PATTERN = new RegExp(`^(${INFO_HASH_PATTERN.source.slice(1, -1)})\\.(\\d{1,6})$`)
const PARTY_RESOURCE_PATTERN = new RegExp(`^party:(${PARTY_ROOM_PATTERN.source.slice(1, -1)}):(${INFO_HASH_PATTERN.source.slice(1, -1)})\\.(\\d{1,6})$`)

/** The resource a party connection URL grants: `party:<room>:<infohash>.<file>`. */
export function partyResource(room: string, media: PartyMedia): string {
  return `party:${room}:${media.infoHash}.${media.fileIndex}`
}

/** The room and file a party connection's resource names; null when it is not one. */
export function parsePartyResource(resource: string): { room: string; media: PartyMedia } | null {
  const m = PARTY_RESOURCE_PATTERN.exec(resource)
  return m ? { room: m[1]!, media: { infoHash: m[2]!, fileIndex: Number(m[3]) } } : null
}

export interface PartyMedia {
  infoHash: string
  fileIndex: number
}

export interface PartyInvite {
  room: string
  media: PartyMedia
  expiresAt: number
}

export type InviteCheck = { ok: true; invite: PartyInvite } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'expiry_too_far' }

function canonical(room: string, media: string, expiresAt: number): string {
  return ['party-invite-v1', room, media, String(expiresAt)].join('\n')
}

/** A random room id: 96 bits, base64url (16 characters). */
export function newPartyRoomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_')
}

/** The invite's path and query for `room`, valid `ttlSeconds` from `now`. */
export async function signPartyInvite(secret: string, room: string, media: PartyMedia, ttlSeconds: number, now = Date.now()): Promise<string> {
  if (ttlSeconds > SIGNED_TTL_S.partyInvite) throw new Error('an invite lives at most SIGNED_TTL_S.partyInvite')
  if (!PARTY_ROOM_PATTERN.test(room)) throw new Error('bad party room id')
  const m = `${media.infoHash}.${media.fileIndex}`
  if (!MEDIA_PATTERN.test(m)) throw new Error('bad party media')
  const expiresAt = Math.floor(now / 1000) + ttlSeconds
  const q = new URLSearchParams({ m, exp: String(expiresAt), sig: await hmacSha256(secret, canonical(room, m, expiresAt)) })
  return `/party/${room}?${q}`
}

/** Checks an invite as received (room from the path, the rest from the query). Never throws. */
export async function verifyPartyInvite(secret: string, room: string, query: URLSearchParams, now = Date.now()): Promise<InviteCheck> {
  const m = query.get('m') ?? ''
  const exp = query.get('exp') ?? ''
  const sig = query.get('sig') ?? ''
  const media = MEDIA_PATTERN.exec(m)
  if (!PARTY_ROOM_PATTERN.test(room) || !media || !/^\d{1,12}$/.test(exp) || !sig) return { ok: false, reason: 'malformed' }
  const expiresAt = Number(exp)
  if (!timingSafeEqual(sig, await hmacSha256(secret, canonical(room, m, expiresAt)))) return { ok: false, reason: 'bad_signature' }
  if (expiresAt <= Math.floor(now / 1000)) return { ok: false, reason: 'expired' }
  if (expiresAt > Math.floor(now / 1000) + SIGNED_TTL_S.partyInvite + CLOCK_SKEW_S) return { ok: false, reason: 'expiry_too_far' }
  return { ok: true, invite: { room, media: { infoHash: media[1]!, fileIndex: Number(media[2]) }, expiresAt } }
}

export interface PartyMemberIdentity {
  userId: string
  profileId: string
  name: string
  avatar: string
}

/**
 * The WebSocket URL by which one profile joins a party room, signed with the signed-URL scheme:
 * resource `party:<room>:<infohash>.<file>`, label `<avatar>|<name>`. The room verifies it in
 * onBeforeConnect; `partyUrl` is the PartyKit server's base (http(s), turned into ws(s)).
 */
export async function signPartyConnection(secret: string, partyUrl: string, room: string, media: PartyMedia, member: PartyMemberIdentity, ttlSeconds: number, now?: number): Promise<string> {
  const base = new URL(partyUrl)
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:'
  base.pathname = `/parties/main/${room}`
  const name = member.name.replace(/[\r\n|]+/g, ' ').slice(0, 64)
  return signUrl({
    secret,
    method: 'GET',
    url: base.toString(),
    subject: { userId: member.userId, profileId: member.profileId, resource: partyResource(room, media), label: `${member.avatar}|${name}` },
    ttlSeconds,
    now,
  })
}
