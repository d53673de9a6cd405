/**
 * The watch-party wire protocol: JSON text messages, one per WebSocket frame. Client messages
 * are validated here (zod) before the room looks at them; server messages are typed only.
 */
import { z } from 'zod'

/** Largest message a client may send; anything longer is refused unread. */
export const MAX_MESSAGE_BYTES = 4096
export const MAX_CHAT_CHARS = 500
/** The reactions a member can send; anything else is refused. */
export const REACTIONS = ['👍', '😂', '😮', '😢', '❤️', '🎉', '🍿'] as const

const position = z
  .number()
  .finite()
  .min(0)
  .max(7 * 24 * 3600)

/** Messages a client may send. */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  /** Clock sync: the client's send time in ms (its own clock); answered with the server's time. */
  z.object({ type: z.literal('ping'), clientTime: z.number().finite() }),
  /** Start playing (from where the party is, or from `positionS`). */
  z.object({ type: z.literal('play'), positionS: position.optional() }),
  /** Pause, at the position the sender sees. */
  z.object({ type: z.literal('pause'), positionS: position.optional() }),
  z.object({ type: z.literal('seek'), positionS: position }),
  /** Sent every second and whenever buffering changes: where this member is, and its round trip. */
  z.object({ type: z.literal('status'), positionS: position.nullable(), buffering: z.boolean(), rttMs: z.number().finite().min(0).max(60_000) }),
  z.object({ type: z.literal('chat'), text: z.string().max(MAX_CHAT_CHARS * 2) }),
  z.object({ type: z.literal('react'), emoji: z.enum(REACTIONS) }),
  /** Host only: who may play, pause and seek. */
  z.object({ type: z.literal('controls'), mode: z.enum(['host', 'everyone']) }),
  /** Host only: hand the host role to another member. */
  z.object({ type: z.literal('host'), memberId: z.string().min(1).max(64) }),
])
export type ClientMessage = z.infer<typeof ClientMessageSchema>

export interface PartyMediaRef {
  infoHash: string
  fileIndex: number
}

export type Phase = 'paused' | 'playing' | 'waiting'

/**
 * What plays and where, as of a server time. While `phase` is `playing`, the position at server
 * time t ≥ serverTime is `positionS + (t − serverTime) / 1000`; before serverTime (a scheduled
 * start) and in the other phases it is `positionS`.
 */
export interface PlaybackState {
  seq: number
  media: PartyMediaRef | null
  phase: Phase
  positionS: number
  serverTime: number
  controls: 'host' | 'everyone'
  hostId: string | null
  /** Who caused this state, and what happened, for the members' activity line. */
  by: string | null
  reason: 'start' | 'play' | 'pause' | 'seek' | 'waiting' | 'resume' | 'timeout' | 'controls' | 'host'
}

export interface MemberView {
  id: string
  name: string
  avatar: string
  host: boolean
  connected: boolean
  buffering: boolean
  positionS: number | null
}

export interface ChatEntry {
  id: number
  memberId: string
  name: string
  text: string
  at: number
}

export type ErrorCode = 'invalid_message' | 'message_too_large' | 'not_allowed' | 'rate_limited'

export type ServerMessage =
  | { type: 'welcome'; room: string; you: string; serverTime: number; playback: PlaybackState; members: MemberView[]; chat: ChatEntry[] }
  | { type: 'pong'; clientTime: number; serverTime: number }
  | { type: 'playback'; playback: PlaybackState }
  | { type: 'members'; members: MemberView[] }
  | { type: 'chat'; entry: ChatEntry }
  | { type: 'reaction'; memberId: string; name: string; emoji: string; at: number }
  | { type: 'error'; code: ErrorCode; message: string }

export type ErrorMessage = Extract<ServerMessage, { type: 'error' }>

/** Parses one raw message; never throws. */
export function parseClientMessage(raw: string | ArrayBuffer | ArrayBufferView): ClientMessage | ErrorMessage {
  if (typeof raw !== 'string') return { type: 'error', code: 'invalid_message', message: 'Messages are JSON text.' }
  if (raw.length > MAX_MESSAGE_BYTES) return { type: 'error', code: 'message_too_large', message: `Messages are at most ${MAX_MESSAGE_BYTES} bytes.` }
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    return { type: 'error', code: 'invalid_message', message: 'Messages are JSON text.' }
  }
  const parsed = ClientMessageSchema.safeParse(json)
  return parsed.success ? parsed.data : { type: 'error', code: 'invalid_message', message: 'Unknown or malformed message.' }
}

/** Where the party is at server time `t` (see PlaybackState). */
export function positionAt(p: Pick<PlaybackState, 'phase' | 'positionS' | 'serverTime'>, t: number): number {
  if (p.phase !== 'playing' || t <= p.serverTime) return p.positionS
  return p.positionS + (t - p.serverTime) / 1000
}
