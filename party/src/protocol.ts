import { z } from 'zod'

/** Largest message a client may send; anything longer is refused unread. */
export const MAX_MESSAGE_BYTES = 4096

/** Messages a client may send. The watch-party commands join this union as they are built. */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  /** Clock sync: the client's send time in ms; answered with the server's time. */
  z.object({ type: z.literal('ping'), clientTime: z.number().finite() }),
])
export type ClientMessage = z.infer<typeof ClientMessageSchema>

export type ServerMessage =
  | { type: 'welcome'; room: string; members: number; serverTime: number }
  | { type: 'pong'; clientTime: number; serverTime: number }
  | { type: 'error'; code: 'invalid_message' | 'message_too_large'; message: string }

/** Parses one raw message; never throws. */
export function parseClientMessage(raw: string | ArrayBuffer | ArrayBufferView): ClientMessage | Extract<ServerMessage, { type: 'error' }> {
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
