/**
 * Simulated watch-party members for the tests and `bench:party`: the real PartyClient around a
 * player that plays on a virtual timeline, with its own clock offset, network latency and a
 * playback-rate error (real players drift), over a real WebSocket (`ws`) to the room.
 */
import WebSocket from 'ws'
import { PartyClient, type PartyClientOptions, type PartyPlayer, type SocketLike } from '../../src/client/index.ts'

export interface SimulatedMemberOptions {
  url: string
  /** This member's clock minus the true clock (ms). */
  clockOffsetMs?: number
  /** Round trip added to the network (ms), half each way. */
  latencyMs?: number
  /** The player runs this much fast (+) or slow (−): 0.01 = 1 %. */
  rateError?: number
  client?: Partial<PartyClientOptions>
}

/** A player whose position advances with the (true) clock while it plays and is not buffering. */
export class SimulatedPlayer implements PartyPlayer {
  private base = 0
  private baseAt = Date.now()
  private playing = false
  private stalled = false
  rate = 1

  constructor(private readonly rateError = 0) {}

  position(): number {
    if (!this.playing || this.stalled) return this.base
    return this.base + ((Date.now() - this.baseAt) / 1000) * this.rate * (1 + this.rateError)
  }
  paused(): boolean {
    return !this.playing
  }
  buffering(): boolean {
    return this.stalled
  }
  play(): void {
    this.rebase()
    this.playing = true
  }
  pause(): void {
    this.rebase()
    this.playing = false
  }
  seek(positionS: number): void {
    this.base = positionS
    this.baseAt = Date.now()
  }
  setRate(rate: number): void {
    this.rebase()
    this.rate = rate
  }
  setBuffering(stalled: boolean): void {
    this.rebase()
    this.stalled = stalled
  }
  private rebase(): void {
    this.base = this.position()
    this.baseAt = Date.now()
  }
}

/** A `ws` socket whose messages each way are held back by half the latency. */
function delayedSocket(url: string, latencyMs: number): SocketLike {
  const ws = new WebSocket(url)
  const half = latencyMs / 2
  const later = (fn: () => void) => (half > 0 ? setTimeout(fn, half) : fn())
  return {
    send: (data) =>
      later(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send(data)
      }),
    close: (code, reason) => ws.close(code, reason),
    addEventListener: (type: 'open' | 'close' | 'error' | 'message', fn: (ev: { data: unknown }) => void) => {
      if (type === 'message') ws.on('message', (data, isBinary) => later(() => fn({ data: isBinary ? data : String(data) })))
      else ws.on(type, () => (fn as () => void)())
    },
  } as SocketLike
}

export interface SimulatedMember {
  client: PartyClient
  player: SimulatedPlayer
  /** Player position minus where the party is, both at the true present (ms). */
  driftMs(): number
  opened: Promise<void>
  close(): void
}

export function simulatedMember(opts: SimulatedMemberOptions): SimulatedMember {
  const player = new SimulatedPlayer(opts.rateError ?? 0)
  const offset = opts.clockOffsetMs ?? 0
  let resolveOpen!: () => void
  let rejectOpen!: (e: Error) => void
  const opened = new Promise<void>((resolve, reject) => {
    resolveOpen = resolve
    rejectOpen = reject
  })
  const client = new PartyClient({
    url: opts.url,
    player,
    now: () => Date.now() + offset,
    connect: (url) => {
      const socket = delayedSocket(url, opts.latencyMs ?? 0)
      socket.addEventListener('error', () => rejectOpen(new Error('connection refused')))
      return socket
    },
    reconnect: false,
    ...opts.client,
    onMessage: (m) => {
      if (m.type === 'welcome') resolveOpen()
      opts.client?.onMessage?.(m)
    },
  })
  return {
    client,
    player,
    opened,
    driftMs: () => {
      const p = client.playback
      if (!p) return Number.NaN
      const expected = p.phase === 'playing' && Date.now() > p.serverTime ? p.positionS + (Date.now() - p.serverTime) / 1000 : p.positionS
      return (player.position() - expected) * 1000
    },
    close: () => client.close(),
  }
}
