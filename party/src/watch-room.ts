/**
 * One PartyKit room per watch party. For now it answers clock-sync pings and refuses bad
 * messages; playback state, members, chat and signed invites arrive with the watch-party issue.
 */
import type * as Party from 'partykit/server'
import { parseClientMessage, type ServerMessage } from './protocol.ts'

function send(conn: Party.Connection, message: ServerMessage): void {
  conn.send(JSON.stringify(message))
}

export default class WatchRoom implements Party.Server {
  constructor(readonly room: Party.Room) {}

  /** Requests outside any room: only the health probe. */
  static onFetch(req: Party.Request): Response {
    if (new URL(req.url).pathname === '/healthz') {
      return Response.json({ service: 'party', status: 'ok' })
    }
    return Response.json({ error: 'not_found', message: 'No such route.' }, { status: 404 })
  }

  onConnect(conn: Party.Connection): void {
    send(conn, { type: 'welcome', room: this.room.id, members: [...this.room.getConnections()].length, serverTime: Date.now() })
  }

  onMessage(raw: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection): void {
    const message = parseClientMessage(raw)
    if (message.type === 'error') {
      send(sender, message)
      return
    }
    switch (message.type) {
      case 'ping':
        send(sender, { type: 'pong', clientTime: message.clientTime, serverTime: Date.now() })
        return
    }
  }
}
