/**
 * The live state of one watch party and the rules that change it, free of PartyKit so that it
 * can be tested with a fake clock. The room (watch-room.ts) feeds it joins, leaves and parsed
 * client messages, and carries out what it asks for through `RoomIO`.
 *
 * Rules (after Jellyfin SyncPlay and Syncplay):
 * - Play and seek are scheduled at a server time slightly in the future — the larger of twice
 *   the slowest member's round trip and a floor — so that every member starts the same frame.
 * - A member who buffers moves the party to `waiting` (everyone holds the same frame) until all
 *   are ready; after `waitTimeoutMs` the party goes on and excuses the slow member until it
 *   reports ready once, so one slow connection cannot stall everyone forever.
 * - Controls are the host's or everyone's (the host chooses). The host's role survives a
 *   reconnect within `hostGraceMs`; after that it passes to the member who joined earliest.
 * - Chat: at most MAX_CHAT_CHARS characters; a token bucket per member (`chatBurst` messages,
 *   one more every `chatRefillMs`) for chat and reactions together.
 * - Every message kind: a token bucket per member (`messageBurst`, one more every
 *   `messageRefillMs`); past it a member's messages are answered `rate_limited` and dropped.
 * - Buffering: a member who starts buffering more than `maxStallsPerMinute` times a minute is
 *   flapping. Its changes no longer go out to everyone at once (the periodic member refresh
 *   carries them), and while the host holds the controls it is no longer waited for: the host's
 *   "controls: host" also decides that one member cannot hold the room at will.
 */
import { BIDI_CONTROLS } from '@bittorrented/common'
import { MAX_CHAT_CHARS, positionAt, type ChatEntry, type ClientMessage, type ErrorMessage, type MemberView, type PartyMediaRef, type PlaybackState, type ServerMessage } from './protocol.ts'

export interface RoomTimings {
  /** Least time between a play/seek command and the moment everyone starts. */
  leadFloorMs: number
  leadMaxMs: number
  /** How long a buffering member may hold the party in `waiting`. */
  waitTimeoutMs: number
  /** Buffering reported this soon after a scheduled start is loading, not stalling. */
  startGraceMs: number
  /** How long a disconnected member (and the host role) is kept for a reconnect. */
  hostGraceMs: number
  chatBurst: number
  chatRefillMs: number
  /** How often members' positions are sent round even when nothing else changed. */
  membersRefreshMs: number
  messageBurst: number
  messageRefillMs: number
  maxStallsPerMinute: number
}

export const DEFAULT_TIMINGS: RoomTimings = {
  leadFloorMs: 150,
  leadMaxMs: 2000,
  waitTimeoutMs: 10_000,
  startGraceMs: 1500,
  hostGraceMs: 5000,
  chatBurst: 5,
  chatRefillMs: 2000,
  membersRefreshMs: 5000,
  messageBurst: 40,
  messageRefillMs: 100,
  maxStallsPerMinute: 6,
}

export type TimerHandle = unknown

export interface RoomIO {
  now(): number
  broadcast(message: ServerMessage): void
  setTimer(fn: () => void, ms: number): TimerHandle
  clearTimer(handle: TimerHandle): void
  /** Called after playback or chat changed, to keep them across a restart of the room. */
  persist?(snapshot: PartySnapshot): void
}

export interface PartySnapshot {
  playback: PlaybackState
  chat: ChatEntry[]
}

export interface JoiningMember {
  id: string
  userId: string
  name: string
  avatar: string
  media: PartyMediaRef
}

interface Member {
  id: string
  userId: string
  name: string
  avatar: string
  joinedAt: number
  connections: number
  buffering: boolean
  /** Let through by a wait timeout; cleared when the member reports ready. */
  excused: boolean
  positionS: number | null
  rttMs: number
  /** Chat and reactions. */
  chat: TokenBucket
  /** Every message kind. */
  messages: TokenBucket
  /** When this member last started buffering (the last minute's). */
  stalls: number[]
  leaveTimer: TimerHandle | null
}

const CHAT_HISTORY = 100

interface TokenBucket {
  tokens: number
  checkedAt: number
}

/** Takes one token if there is one: at most `burst`, one more every `refillMs`. */
function takeToken(bucket: TokenBucket, burst: number, refillMs: number, now: number): boolean {
  const refill = Math.floor((now - bucket.checkedAt) / refillMs)
  if (refill > 0) {
    bucket.tokens = Math.min(burst, bucket.tokens + refill)
    bucket.checkedAt += refill * refillMs
  }
  if (bucket.tokens === 0) return false
  bucket.tokens--
  return true
}

export class PartyState {
  private playback: PlaybackState
  private chat: ChatEntry[]
  private readonly members = new Map<string, Member>()
  private nextChatId: number
  private waitTimer: TimerHandle | null = null
  private startCheckTimer: TimerHandle | null = null
  private refreshTimer: TimerHandle | null = null
  private membersDirty = false

  constructor(
    readonly room: string,
    private readonly io: RoomIO,
    private readonly timings: RoomTimings = DEFAULT_TIMINGS,
    snapshot?: PartySnapshot,
  ) {
    this.playback = snapshot?.playback ?? { seq: 0, media: null, phase: 'paused', positionS: 0, serverTime: io.now(), controls: 'host', hostId: null, by: null, reason: 'start' }
    if (snapshot) {
      // Members are gone after a restart: a playing party holds where it was until someone is back.
      this.playback = { ...this.playback, phase: 'paused', positionS: positionAt(snapshot.playback, io.now()), serverTime: io.now(), hostId: null }
    }
    this.chat = snapshot?.chat ?? []
    this.nextChatId = (this.chat.at(-1)?.id ?? 0) + 1
  }

  /** A connection of `m` opened. Returns the welcome for that connection, or why it is refused. */
  join(m: JoiningMember): ServerMessage {
    const media = this.playback.media
    if (media && (media.infoHash !== m.media.infoHash || media.fileIndex !== m.media.fileIndex)) {
      return { type: 'error', code: 'not_allowed', message: 'This party is watching something else.' }
    }
    const now = this.io.now()
    let member = this.members.get(m.id)
    if (member) {
      member.connections++
      if (member.leaveTimer !== null) this.io.clearTimer(member.leaveTimer)
      member.leaveTimer = null
    } else {
      member = {
        ...m,
        joinedAt: now,
        connections: 1,
        buffering: false,
        excused: false,
        positionS: null,
        rttMs: 0,
        chat: { tokens: this.timings.chatBurst, checkedAt: now },
        messages: { tokens: this.timings.messageBurst, checkedAt: now },
        stalls: [],
        leaveTimer: null,
      }
      this.members.set(m.id, member)
    }
    if (!media || this.playback.hostId === null) {
      this.update({ media: media ?? m.media, hostId: this.playback.hostId ?? m.id, reason: media ? 'host' : 'start', by: m.name })
    }
    this.broadcastMembers()
    this.ensureRefresh()
    return { type: 'welcome', room: this.room, you: m.id, serverTime: now, playback: this.playback, members: this.memberViews(), chat: this.chat }
  }

  /** A connection of member `id` closed. */
  leave(id: string): void {
    const member = this.members.get(id)
    if (!member) return
    member.connections = Math.max(0, member.connections - 1)
    if (member.connections > 0) return
    this.broadcastMembers()
    member.leaveTimer = this.io.setTimer(() => this.forget(id), this.timings.hostGraceMs)
    this.reconcile()
  }

  /** One parsed message from member `id`; the return value goes back to the sending connection only. */
  handle(id: string, msg: ClientMessage): ServerMessage | null {
    const member = this.members.get(id)
    if (!member) return { type: 'error', code: 'not_allowed', message: 'Join the party first.' }
    const now = this.io.now()
    if (!takeToken(member.messages, this.timings.messageBurst, this.timings.messageRefillMs, now)) return rateLimited()
    switch (msg.type) {
      case 'ping':
        return { type: 'pong', clientTime: msg.clientTime, serverTime: now }
      case 'status': {
        const changed = member.buffering !== msg.buffering
        member.positionS = msg.positionS
        member.rttMs = msg.rttMs
        member.buffering = msg.buffering
        if (!msg.buffering) member.excused = false
        this.membersDirty = true
        if (changed && msg.buffering) {
          member.stalls = member.stalls.filter((t) => t > now - 60_000)
          member.stalls.push(now)
        }
        const flapping = member.stalls.length > this.timings.maxStallsPerMinute
        // A flapping member is not waited for while the host holds the controls (the host excepted).
        if (flapping && msg.buffering && this.playback.controls === 'host' && this.playback.hostId !== id) member.excused = true
        if (changed) {
          if (!flapping) this.broadcastMembers()
          this.reconcile()
        }
        return null
      }
      case 'play':
      case 'pause':
      case 'seek':
        if (!this.canControl(member)) return notAllowed('Only the host controls playback in this party.')
        this.command(member, msg)
        return null
      case 'controls':
        if (this.playback.hostId !== id) return notAllowed('Only the host chooses who controls playback.')
        this.update({ controls: msg.mode, reason: 'controls', by: member.name })
        return null
      case 'host': {
        const to = this.members.get(msg.memberId)
        if (this.playback.hostId !== id) return notAllowed('Only the host can hand the role on.')
        if (!to || to.connections === 0) return notAllowed('That member is not in the party.')
        this.update({ hostId: to.id, reason: 'host', by: member.name })
        this.broadcastMembers()
        return null
      }
      case 'chat': {
        // Control characters become spaces; text-direction controls (which can make a message read
        // other than it is) are dropped.
        const text = msg.text
          .replace(/[\u0000-\u001f\u007f]+/g, ' ')
          .replace(BIDI_CONTROLS, '')
          .trim()
        if (!text) return { type: 'error', code: 'invalid_message', message: 'Say something first.' }
        if (text.length > MAX_CHAT_CHARS) return { type: 'error', code: 'invalid_message', message: `Messages are at most ${MAX_CHAT_CHARS} characters.` }
        if (!takeToken(member.chat, this.timings.chatBurst, this.timings.chatRefillMs, now)) return rateLimited()
        const entry: ChatEntry = { id: this.nextChatId++, memberId: id, name: member.name, text, at: now }
        this.chat.push(entry)
        if (this.chat.length > CHAT_HISTORY) this.chat.splice(0, this.chat.length - CHAT_HISTORY)
        this.io.broadcast({ type: 'chat', entry })
        this.io.persist?.({ playback: this.playback, chat: this.chat })
        return null
      }
      case 'react':
        if (!takeToken(member.chat, this.timings.chatBurst, this.timings.chatRefillMs, now)) return rateLimited()
        this.io.broadcast({ type: 'reaction', memberId: id, name: member.name, emoji: msg.emoji, at: now })
        return null
    }
  }

  /** Stops the room's timers (the room is going away). */
  close(): void {
    for (const t of [this.waitTimer, this.startCheckTimer, this.refreshTimer]) if (t !== null) this.io.clearTimer(t)
    for (const m of this.members.values()) if (m.leaveTimer !== null) this.io.clearTimer(m.leaveTimer)
  }

  get state(): { playback: PlaybackState; members: MemberView[] } {
    return { playback: this.playback, members: this.memberViews() }
  }

  private canControl(m: Member): boolean {
    return this.playback.controls === 'everyone' || this.playback.hostId === m.id
  }

  private leadMs(): number {
    let worst = 0
    for (const m of this.members.values()) if (m.connections > 0) worst = Math.max(worst, m.rttMs)
    return Math.min(this.timings.leadMaxMs, Math.max(this.timings.leadFloorMs, 2 * worst))
  }

  private command(member: Member, msg: Extract<ClientMessage, { type: 'play' | 'pause' | 'seek' }>): void {
    const now = this.io.now()
    const here = positionAt(this.playback, now)
    if (msg.type === 'pause') {
      // The sender's own position, as long as it is near the party's: what they saw is where everyone stops.
      const at = msg.positionS !== undefined && Math.abs(msg.positionS - here) < 2 ? msg.positionS : here
      this.clearWait()
      this.update({ phase: 'paused', positionS: at, serverTime: now, reason: 'pause', by: member.name })
      return
    }
    const at = msg.type === 'seek' ? msg.positionS : (msg.positionS ?? here)
    const playing = msg.type === 'play' || this.playback.phase !== 'paused'
    if (!playing) {
      this.update({ positionS: at, serverTime: now, reason: 'seek', by: member.name })
      return
    }
    this.clearWait()
    this.schedule(at, msg.type, member.name)
  }

  /** Everyone starts at `positionS` a lead time from now. */
  private schedule(positionS: number, reason: PlaybackState['reason'], by: string | null): void {
    const now = this.io.now()
    const startAt = now + this.leadMs()
    this.update({ phase: 'playing', positionS, serverTime: startAt, reason, by })
    if (this.startCheckTimer !== null) this.io.clearTimer(this.startCheckTimer)
    this.startCheckTimer = this.io.setTimer(
      () => {
        this.startCheckTimer = null
        this.reconcile()
      },
      startAt - now + this.timings.startGraceMs,
    )
  }

  /** Moves between playing and waiting as members buffer and recover. */
  private reconcile(): void {
    const now = this.io.now()
    const blocking = [...this.members.values()].filter((m) => m.connections > 0 && m.buffering && !m.excused)
    if (this.playback.phase === 'playing' && blocking.length > 0) {
      if (now < this.playback.serverTime + this.timings.startGraceMs) return // still loading for the scheduled start
      this.update({ phase: 'waiting', positionS: positionAt(this.playback, now), serverTime: now, reason: 'waiting', by: blocking[0]!.name })
      this.waitTimer = this.io.setTimer(() => {
        this.waitTimer = null
        for (const m of this.members.values()) if (m.connections > 0 && m.buffering) m.excused = true
        this.schedule(this.playback.positionS, 'timeout', null)
      }, this.timings.waitTimeoutMs)
    } else if (this.playback.phase === 'waiting' && blocking.length === 0) {
      this.clearWait()
      this.schedule(this.playback.positionS, 'resume', null)
    }
  }

  private clearWait(): void {
    if (this.waitTimer !== null) this.io.clearTimer(this.waitTimer)
    this.waitTimer = null
  }

  private forget(id: string): void {
    const member = this.members.get(id)
    if (!member || member.connections > 0) return
    this.members.delete(id)
    if (this.playback.hostId === id) {
      const next = [...this.members.values()].filter((m) => m.connections > 0).sort((a, b) => a.joinedAt - b.joinedAt)[0]
      this.update({ hostId: next?.id ?? null, reason: 'host', by: null })
    }
    this.broadcastMembers()
    this.reconcile()
  }

  private update(patch: Partial<PlaybackState>): void {
    this.playback = { ...this.playback, ...patch, seq: this.playback.seq + 1 }
    this.io.broadcast({ type: 'playback', playback: this.playback })
    this.io.persist?.({ playback: this.playback, chat: this.chat })
  }

  private memberViews(): MemberView[] {
    return [...this.members.values()]
      .sort((a, b) => a.joinedAt - b.joinedAt)
      .map((m) => ({ id: m.id, name: m.name, avatar: m.avatar, host: m.id === this.playback.hostId, connected: m.connections > 0, buffering: m.buffering, positionS: m.positionS }))
  }

  private broadcastMembers(): void {
    this.membersDirty = false
    this.io.broadcast({ type: 'members', members: this.memberViews() })
  }

  private ensureRefresh(): void {
    if (this.refreshTimer !== null) return
    this.refreshTimer = this.io.setTimer(() => {
      this.refreshTimer = null
      if (this.membersDirty) this.broadcastMembers()
      if (this.members.size > 0) this.ensureRefresh()
    }, this.timings.membersRefreshMs)
  }
}

function notAllowed(message: string): ErrorMessage {
  return { type: 'error', code: 'not_allowed', message }
}

function rateLimited(): ErrorMessage {
  return { type: 'error', code: 'rate_limited', message: 'You are sending messages too fast; wait a moment.' }
}
