/**
 * The member's side of a watch party, shared by the web app (around an HTMLMediaElement), the
 * tests and the benchmark (around simulated players): it syncs its clock with the room, applies
 * the room's playback state to a player at the scheduled server time, corrects drift, reports
 * where the player is, and turns the person's own play/pause/seek into commands.
 *
 * The room is the authority: a command changes the local player only when the room's new state
 * comes back, so every member (the sender too) starts the same frame at the same time.
 */
import { positionAt, type ChatEntry, type REACTIONS, type ClientMessage, type MemberView, type PlaybackState, type ServerMessage } from '../protocol.ts'
import { ClockSync } from './clock-sync.ts'
import { correctDrift, DEFAULT_DRIFT_POLICY, type DriftPolicy } from './drift-correction.ts'

/** What the client needs of a player (seconds). */
export interface PartyPlayer {
  position(): number
  paused(): boolean
  /** Wants to play but has not the data to. */
  buffering(): boolean
  /** Reached the end of the media (its own pause there is not a request to pause the party). */
  ended?(): boolean
  play(): void
  pause(): void
  seek(positionS: number): void
  setRate(rate: number): void
}

/** The part of a WebSocket the client uses: the browser's and `ws`'s both fit. */
export interface SocketLike {
  send(data: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'open' | 'close' | 'error', fn: () => void): void
  addEventListener(type: 'message', fn: (ev: { data: unknown }) => void): void
}

export interface PartyClientOptions {
  url: string
  player: PartyPlayer
  connect?: (url: string) => SocketLike
  /** The local clock (ms); tests give each simulated member its own, offset one. */
  now?: () => number
  onChange?: (client: PartyClient) => void
  onMessage?: (message: ServerMessage) => void
  tickMs?: number
  statusEveryMs?: number
  initialPings?: number
  pingEveryMs?: number
  drift?: DriftPolicy
  reconnect?: boolean
}

export type Reaction = (typeof REACTIONS)[number]

export type ConnectionState = 'connecting' | 'open' | 'closed'

const SEEK_TOLERANCE_S = 0.5

export class PartyClient {
  readonly clock = new ClockSync()
  playback: PlaybackState | null = null
  members: MemberView[] = []
  chat: ChatEntry[] = []
  you: string | null = null
  connection: ConnectionState = 'connecting'
  lastError: { code: string; message: string } | null = null
  /** Rate the drift correction set; 1 when in sync. */
  rate = 1

  private socket: SocketLike | null = null
  private readonly now: () => number
  private readonly pings = new Set<number>()
  private tickTimer: ReturnType<typeof setInterval> | null = null
  private startTimer: ReturnType<typeof setTimeout> | null = null
  private pingTimer: ReturnType<typeof setInterval> | null = null
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null
  private lastStatusAt = 0
  private lastBuffering = false
  private correcting = false
  private ownSeekTo: number | null = null
  private closed = false
  private attempts = 0

  constructor(private readonly opts: PartyClientOptions) {
    this.now = opts.now ?? (() => Date.now())
    this.open()
  }

  // ——— what the person does ———

  play(): void {
    // From where the party is: the room's position is the truth (a seek just sent is already in it).
    this.send({ type: 'play' })
  }

  pause(): void {
    this.send({ type: 'pause', positionS: this.opts.player.position() })
  }

  seek(positionS: number): void {
    this.send({ type: 'seek', positionS: Math.max(0, positionS) })
  }

  say(text: string): void {
    this.send({ type: 'chat', text })
  }

  react(emoji: Reaction): void {
    this.send({ type: 'react', emoji })
  }

  setControls(mode: 'host' | 'everyone'): void {
    this.send({ type: 'controls', mode })
  }

  makeHost(memberId: string): void {
    this.send({ type: 'host', memberId })
  }

  /**
   * The player's own controls were used (a native play/pause/seek event). Events the client
   * caused itself match the party's state and are ignored; the rest become commands, and if the
   * room refuses them the next state puts the player back.
   */
  onPlayerEvent(kind: 'play' | 'pause' | 'seeked'): void {
    const p = this.playback
    if (!p || this.connection !== 'open') return
    const player = this.opts.player
    if (kind === 'seeked') {
      const at = player.position()
      if (this.ownSeekTo !== null && Math.abs(at - this.ownSeekTo) < SEEK_TOLERANCE_S) {
        this.ownSeekTo = null
        return
      }
      if (Math.abs(at - this.target()) > 1) this.seek(at)
      return
    }
    const wantsPlaying = p.phase === 'playing'
    // A guest's own play or pause (a key, the player's button, the end of the film) is no request
    // the room would refuse: the player is put back where the party is, without an error.
    if (!this.canControl) {
      if (!player.ended?.()) this.apply()
      return
    }
    if (kind === 'play' && !wantsPlaying && !this.startTimer) this.play()
    else if (kind === 'pause' && wantsPlaying && !player.ended?.() && this.serverNow() >= p.serverTime) this.pause()
  }

  get canControl(): boolean {
    const p = this.playback
    return !!p && (p.controls === 'everyone' || p.hostId === this.you)
  }

  get isHost(): boolean {
    return !!this.playback && this.playback.hostId === this.you
  }

  /** The round trip the party's start delay is planned with: how slow the connection is now. */
  get rttMs(): number {
    return this.clock.recentRttMs
  }

  serverNow(): number {
    return this.clock.serverNow(this.now())
  }

  /** Where the party is now (s). */
  target(): number {
    return this.playback ? positionAt(this.playback, this.serverNow()) : 0
  }

  close(): void {
    this.closed = true
    this.stopTimers()
    this.socket?.close(1000, 'left')
    this.connection = 'closed'
    this.changed()
  }

  // ——— connection ———

  private open(): void {
    const connect = this.opts.connect ?? ((url: string) => new WebSocket(url) as unknown as SocketLike)
    this.connection = 'connecting'
    const socket = connect(this.opts.url)
    this.socket = socket
    socket.addEventListener('open', () => {
      this.connection = 'open'
      this.attempts = 0
      const initial = this.opts.initialPings ?? 5
      for (let i = 0; i < initial; i++) setTimeout(() => this.ping(), i * 60)
      this.pingTimer = setInterval(() => this.ping(), this.opts.pingEveryMs ?? 10_000)
      this.tickTimer = setInterval(() => this.tick(), this.opts.tickMs ?? 250)
      this.changed()
    })
    socket.addEventListener('message', (ev) => {
      if (typeof ev.data !== 'string') return
      let message: ServerMessage
      try {
        message = JSON.parse(ev.data) as ServerMessage
      } catch {
        return
      }
      this.receive(message)
    })
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return
      this.stopTimers()
      this.connection = 'closed'
      this.changed()
      if (!this.closed && this.opts.reconnect !== false) {
        const delay = Math.min(8000, 500 * 2 ** this.attempts++)
        this.reconnectTimer = setTimeout(() => this.open(), delay)
      }
    })
  }

  private stopTimers(): void {
    for (const t of [this.tickTimer, this.pingTimer]) if (t) clearInterval(t)
    for (const t of [this.startTimer, this.reconnectTimer]) if (t) clearTimeout(t)
    this.tickTimer = this.pingTimer = this.startTimer = this.reconnectTimer = null
  }

  private send(message: ClientMessage): void {
    if (this.connection === 'open') this.socket?.send(JSON.stringify(message))
  }

  private ping(): void {
    // The pong echoes the send time, which is all the client needs to match it.
    const sentAt = this.now()
    this.pings.add(sentAt)
    if (this.pings.size > 32) this.pings.delete(this.pings.values().next().value!)
    this.send({ type: 'ping', clientTime: sentAt })
  }

  private receive(message: ServerMessage): void {
    this.opts.onMessage?.(message)
    switch (message.type) {
      case 'welcome':
        this.you = message.you
        this.members = message.members
        this.chat = message.chat
        this.playback = null
        this.setPlayback(message.playback)
        break
      case 'pong': {
        const sentAt = message.clientTime
        if (!this.pings.delete(sentAt)) return
        const first = !this.clock.synced
        this.clock.add(sentAt, message.serverTime, this.now())
        if (first) this.apply()
        break
      }
      case 'playback':
        // A refusal is about the state it was refused in: the next state clears it.
        this.lastError = null
        this.setPlayback(message.playback)
        break
      case 'members':
        this.members = message.members
        break
      case 'chat':
        this.chat = [...this.chat, message.entry].slice(-100)
        break
      case 'reaction':
        break
      case 'error':
        this.lastError = { code: message.code, message: message.message }
        break
    }
    this.changed()
  }

  private setPlayback(p: PlaybackState): void {
    if (this.playback && p.seq <= this.playback.seq) return
    this.playback = p
    if (this.clock.synced) this.apply()
  }

  // ——— keeping the player with the party ———

  /** Puts the player where the party's state says, now or at the scheduled start. */
  private apply(): void {
    const p = this.playback
    if (!p) return
    const player = this.opts.player
    if (this.startTimer) clearTimeout(this.startTimer)
    this.startTimer = null
    this.setRate(1)
    if (p.phase !== 'playing') {
      if (!player.paused()) player.pause()
      // Everyone holds the same frame: a paused player is moved even for a small gap.
      this.seekIfOff(p.positionS, 0.04)
      return
    }
    const wait = this.clock.toLocal(p.serverTime) - this.now()
    if (wait > 0) {
      if (!player.paused()) player.pause()
      this.seekIfOff(p.positionS, 0.05)
      this.startTimer = setTimeout(() => {
        this.startTimer = null
        this.seekIfOff(this.target(), 0.05)
        player.play()
      }, wait)
      return
    }
    this.seekIfOff(this.target(), SEEK_TOLERANCE_S)
    if (player.paused()) player.play()
  }

  private seekIfOff(positionS: number, toleranceS: number): void {
    const player = this.opts.player
    if (Math.abs(player.position() - positionS) <= toleranceS) return
    this.ownSeekTo = positionS
    player.seek(positionS)
  }

  private setRate(rate: number): void {
    if (rate === this.rate) return
    this.rate = rate
    this.correcting = rate !== 1
    this.opts.player.setRate(rate)
  }

  private tick(): void {
    const p = this.playback
    const player = this.opts.player
    const now = this.now()
    const buffering = player.buffering()
    if (buffering !== this.lastBuffering || now - this.lastStatusAt >= (this.opts.statusEveryMs ?? 1000)) {
      this.lastBuffering = buffering
      this.lastStatusAt = now
      this.send({ type: 'status', positionS: p ? player.position() : null, buffering, rttMs: Math.round(this.rttMs) })
    }
    if (!p || !this.clock.synced || p.phase !== 'playing' || this.startTimer || buffering) return
    if (player.paused()) {
      player.play()
      return
    }
    const target = this.target()
    const action = correctDrift((player.position() - target) * 1000, target, this.correcting, this.opts.drift ?? DEFAULT_DRIFT_POLICY)
    if (action.kind === 'seek') {
      this.setRate(1)
      this.ownSeekTo = action.positionS
      player.seek(action.positionS)
    } else {
      this.setRate(action.rate)
    }
  }

  private changed(): void {
    this.opts.onChange?.(this)
  }
}
