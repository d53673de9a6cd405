/**
 * One PartyKit room per watch party. The edge app signs each member's connection URL with the
 * platform's signed-URL scheme (user, profile, `party:<room>:<infohash>.<file>`, and the member's
 * `avatar|name` as label); `onBeforeConnect` checks it before any socket opens. The rules of the
 * party live in PartyState; this class only wires PartyKit's connections and storage to it.
 */
import type * as Party from 'partykit/server'
import { PARTY_ROOM_PATTERN, parsePartyResource, SIGNED_TTL_S, verifySignedUrl } from '@bittorrented/common'
import { DEFAULT_TIMINGS, PartyState, type PartySnapshot, type RoomTimings } from './party-state.ts'
import { parseClientMessage, type ServerMessage } from './protocol.ts'

/** Header that carries the verified member from onBeforeConnect to onConnect. */
const MEMBER_HEADER = 'x-bt-party-member'
const LABEL_PATTERN = /^([a-z0-9-]{1,32})\|(.{1,64})$/s

interface VerifiedMember {
  id: string
  userId: string
  name: string
  avatar: string
  media: { infoHash: string; fileIndex: number }
}

function refuse(status: number, error: string, message: string): Response {
  return Response.json({ error, message }, { status })
}

function send(conn: Party.Connection, message: ServerMessage): void {
  conn.send(JSON.stringify(message))
}

/** Room timings, shortened by env for tests (PARTY_WAIT_TIMEOUT_MS and friends). */
function timingsFrom(env: Record<string, unknown>): RoomTimings {
  const num = (name: string, fallback: number) => {
    const v = Number(env[name])
    return Number.isFinite(v) && v > 0 ? v : fallback
  }
  return {
    ...DEFAULT_TIMINGS,
    waitTimeoutMs: num('PARTY_WAIT_TIMEOUT_MS', DEFAULT_TIMINGS.waitTimeoutMs),
    hostGraceMs: num('PARTY_HOST_GRACE_MS', DEFAULT_TIMINGS.hostGraceMs),
    chatRefillMs: num('PARTY_CHAT_REFILL_MS', DEFAULT_TIMINGS.chatRefillMs),
  }
}

export default class WatchRoom implements Party.Server {
  private party!: PartyState
  private readonly memberOf = new Map<string, string>()

  constructor(readonly room: Party.Room) {}

  /** Requests outside any room: only the health probe. */
  static onFetch(req: Party.Request): Response {
    if (new URL(req.url).pathname === '/healthz') {
      return Response.json({ service: 'party', status: 'ok' })
    }
    return refuse(404, 'not_found', 'No such route.')
  }

  /** Every socket must come with a URL the edge app signed for this room and a profile. */
  static async onBeforeConnect(req: Party.Request, lobby: Party.Lobby): Promise<Party.Request | Response> {
    // The party-connection key (derived from the edge app's root key): all this server can sign.
    const secret = lobby.env.PARTY_SIGNING_KEY
    if (typeof secret !== 'string' || secret.length < 32) return refuse(500, 'misconfigured', 'The party server has no signing key.')
    if (!PARTY_ROOM_PATTERN.test(lobby.id)) return refuse(404, 'not_found', 'No such party.')
    const check = await verifySignedUrl({ secret, method: 'GET', url: req.url, maxTtlSeconds: SIGNED_TTL_S.partyConnection })
    if (!check.ok) {
      const message = check.reason === 'expired' ? 'This party link has expired; open the invite again.' : 'This party link is not valid.'
      return refuse(check.reason === 'expired' ? 410 : 403, check.reason, message)
    }
    const { subject } = check
    const resource = parsePartyResource(subject.resource)
    const label = LABEL_PATTERN.exec(subject.label ?? '')
    if (!resource || resource.room !== lobby.id) return refuse(403, 'wrong_room', 'This link is for another party.')
    if (!subject.profileId) return refuse(403, 'no_profile', 'Pick a profile before joining a party.')
    if (!label) return refuse(403, 'malformed', 'This party link is not valid.')
    const member: VerifiedMember = {
      id: subject.profileId,
      userId: subject.userId,
      avatar: label[1]!,
      name: label[2]!,
      media: resource.media,
    }
    // Incoming headers are immutable on workerd: copy them, replacing any copy of the member
    // header the client sent, so only this function ever writes it.
    const headers: Record<string, string> = {}
    req.headers.forEach((value, key) => {
      headers[key] = value
    })
    headers[MEMBER_HEADER] = JSON.stringify(member)
    return new Request(req.url, { method: req.method, headers }) as unknown as Party.Request
  }

  async onStart(): Promise<void> {
    const snapshot = await this.room.storage.get<PartySnapshot>('snapshot')
    const room = this.room
    this.party = new PartyState(
      room.id,
      {
        now: () => Date.now(),
        broadcast: (message) => room.broadcast(JSON.stringify(message)),
        setTimer: (fn, ms) => setTimeout(fn, ms),
        clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
        persist: (s) => void room.storage.put('snapshot', s),
      },
      timingsFrom(room.env),
      snapshot,
    )
  }

  onConnect(conn: Party.Connection, ctx: Party.ConnectionContext): void {
    const raw = ctx.request.headers.get(MEMBER_HEADER)
    if (!raw) {
      conn.close(4003, 'not signed')
      return
    }
    const member = JSON.parse(raw) as VerifiedMember
    const welcome = this.party.join(member)
    send(conn, welcome)
    if (welcome.type === 'error') {
      conn.close(4003, welcome.message)
      return
    }
    this.memberOf.set(conn.id, member.id)
  }

  onMessage(raw: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection): void {
    const memberId = this.memberOf.get(sender.id)
    if (!memberId) return
    const message = parseClientMessage(raw)
    const reply = message.type === 'error' ? message : this.party.handle(memberId, message)
    if (reply) send(sender, reply)
  }

  onClose(conn: Party.Connection): void {
    const memberId = this.memberOf.get(conn.id)
    this.memberOf.delete(conn.id)
    if (memberId) this.party.leave(memberId)
  }

  onError(conn: Party.Connection): void {
    this.onClose(conn)
  }
}
