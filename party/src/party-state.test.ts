// The party's rules on a fake clock: scheduling, waiting for buffering members, the timeout,
// controls, the host role, chat limits. The same class runs in the PartyKit room.
import { describe, expect, test } from 'vitest'
import { DEFAULT_TIMINGS, PartyState, type RoomIO } from './party-state.ts'
import { positionAt, type PlaybackState, type ServerMessage } from './protocol.ts'

const media = { infoHash: 'ab'.repeat(20), fileIndex: 0 }

function fakeRoom(timings = DEFAULT_TIMINGS) {
  let now = 1_000_000
  let timers: Array<{ at: number; fn: () => void; id: number }> = []
  let nextId = 1
  const sent: ServerMessage[] = []
  const io: RoomIO = {
    now: () => now,
    broadcast: (m) => sent.push(m),
    setTimer: (fn, ms) => {
      const id = nextId++
      timers.push({ at: now + ms, fn, id })
      return id
    },
    clearTimer: (id) => {
      timers = timers.filter((t) => t.id !== id)
    },
  }
  const state = new PartyState('room-aaaaaaaaaaaa', io, timings)
  const advance = (ms: number) => {
    const until = now + ms
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      timers = timers.filter((t) => t !== due)
      now = due.at
      due.fn()
    }
    now = until
  }
  const join = (id: string) => state.join({ id, userId: `user-${id}`, name: id, avatar: 'avatar-1', media })
  const playback = (): PlaybackState => state.state.playback
  return { state, io, sent, advance, join, playback, now: () => now }
}

describe('party state', () => {
  test('the first member hosts and sets what plays; a member with another file is refused', () => {
    const r = fakeRoom()
    expect(r.join('ann')).toMatchObject({ type: 'welcome', you: 'ann', playback: { hostId: 'ann', media, phase: 'paused' } })
    expect(r.join('bob')).toMatchObject({ type: 'welcome', you: 'bob', playback: { hostId: 'ann' } })
    expect(r.state.join({ id: 'cy', userId: 'u', name: 'cy', avatar: 'avatar-1', media: { ...media, fileIndex: 1 } })).toMatchObject({ type: 'error', code: 'not_allowed' })
  })

  test('play is scheduled a lead time ahead: twice the slowest round trip, at least the floor', () => {
    const r = fakeRoom()
    r.join('ann')
    r.join('bob')
    r.state.handle('bob', { type: 'status', positionS: 0, buffering: false, rttMs: 240 })
    r.state.handle('ann', { type: 'play' })
    expect(r.playback()).toMatchObject({ phase: 'playing', positionS: 0, serverTime: r.now() + 480, reason: 'play', by: 'ann' })
    r.state.handle('bob', { type: 'status', positionS: 0, buffering: false, rttMs: 10 })
    r.state.handle('ann', { type: 'seek', positionS: 60 })
    expect(r.playback()).toMatchObject({ phase: 'playing', positionS: 60, serverTime: r.now() + DEFAULT_TIMINGS.leadFloorMs })
  })

  test('pause stops everyone at the sender’s position when it is near the party’s, else at the party’s', () => {
    const r = fakeRoom()
    r.join('ann')
    r.state.handle('ann', { type: 'play' })
    r.advance(10_150)
    r.state.handle('ann', { type: 'pause', positionS: 10.2 })
    expect(r.playback()).toMatchObject({ phase: 'paused', positionS: 10.2 })
    r.state.handle('ann', { type: 'play' })
    r.advance(5000)
    r.state.handle('ann', { type: 'pause', positionS: 99 })
    expect(r.playback().positionS).toBeCloseTo(10.2 + 5 - 0.15, 3)
  })

  test('only the host controls unless the host opens controls to everyone', () => {
    const r = fakeRoom()
    r.join('ann')
    r.join('bob')
    expect(r.state.handle('bob', { type: 'play' })).toMatchObject({ type: 'error', code: 'not_allowed' })
    expect(r.state.handle('bob', { type: 'controls', mode: 'everyone' })).toMatchObject({ type: 'error', code: 'not_allowed' })
    expect(r.state.handle('ann', { type: 'controls', mode: 'everyone' })).toBeNull()
    expect(r.state.handle('bob', { type: 'play' })).toBeNull()
    expect(r.playback()).toMatchObject({ phase: 'playing', by: 'bob' })
  })

  test('a buffering member moves the party to waiting at the same frame; all ready → scheduled resume', () => {
    const r = fakeRoom()
    r.join('ann')
    r.join('bob')
    r.state.handle('ann', { type: 'play' })
    r.advance(20_000)
    r.state.handle('bob', { type: 'status', positionS: 19.8, buffering: true, rttMs: 20 })
    const waiting = r.playback()
    expect(waiting).toMatchObject({ phase: 'waiting', reason: 'waiting', by: 'bob' })
    expect(waiting.positionS).toBeCloseTo(20 - 0.15, 3)
    r.advance(2000)
    expect(positionAt(r.playback(), r.now())).toBeCloseTo(waiting.positionS, 3) // held
    r.state.handle('bob', { type: 'status', positionS: 19.85, buffering: false, rttMs: 20 })
    expect(r.playback()).toMatchObject({ phase: 'playing', reason: 'resume', positionS: waiting.positionS, serverTime: r.now() + 150 })
  })

  test('a member who never recovers holds the party only until the timeout, and is excused until ready', () => {
    const r = fakeRoom()
    r.join('ann')
    r.join('bob')
    r.state.handle('ann', { type: 'play' })
    r.advance(5000)
    r.state.handle('bob', { type: 'status', positionS: 4, buffering: true, rttMs: 20 })
    expect(r.playback().phase).toBe('waiting')
    r.advance(DEFAULT_TIMINGS.waitTimeoutMs)
    expect(r.playback()).toMatchObject({ phase: 'playing', reason: 'timeout' })
    r.advance(5000)
    r.state.handle('bob', { type: 'status', positionS: 4, buffering: true, rttMs: 20 })
    expect(r.playback().phase).toBe('playing') // still excused
    r.state.handle('bob', { type: 'status', positionS: 14, buffering: false, rttMs: 20 })
    r.state.handle('bob', { type: 'status', positionS: 14, buffering: true, rttMs: 20 })
    expect(r.playback().phase).toBe('waiting') // ready once, then buffering again: waits again
  })

  test('loading right after a scheduled start is not a stall', () => {
    const r = fakeRoom()
    r.join('ann')
    r.join('bob')
    r.state.handle('ann', { type: 'seek', positionS: 30 })
    r.state.handle('ann', { type: 'play' })
    r.state.handle('bob', { type: 'status', positionS: 30, buffering: true, rttMs: 20 })
    expect(r.playback().phase).toBe('playing')
    r.state.handle('bob', { type: 'status', positionS: 30, buffering: false, rttMs: 20 })
    r.advance(DEFAULT_TIMINGS.startGraceMs + 500)
    expect(r.playback().phase).toBe('playing')
    // Still loading when the grace is over: then the party waits.
    r.state.handle('ann', { type: 'seek', positionS: 90 })
    r.state.handle('bob', { type: 'status', positionS: 30, buffering: true, rttMs: 20 })
    r.advance(150 + DEFAULT_TIMINGS.startGraceMs)
    // The others played on during the grace; everyone holds where they are, and the late one joins there.
    expect(r.playback().phase).toBe('waiting')
    expect(r.playback().positionS).toBeCloseTo(90 + DEFAULT_TIMINGS.startGraceMs / 1000, 3)
  })

  test('the host keeps the role across a quick reconnect; after the grace it passes to the earliest member', () => {
    const r = fakeRoom()
    r.join('ann')
    r.advance(10)
    r.join('bob')
    r.advance(10)
    r.join('cy')
    r.state.leave('ann')
    r.advance(1000)
    expect(r.join('ann')).toMatchObject({ type: 'welcome', playback: { hostId: 'ann' } })
    r.state.leave('ann')
    r.advance(DEFAULT_TIMINGS.hostGraceMs)
    expect(r.playback()).toMatchObject({ hostId: 'bob', reason: 'host' })
    expect(r.state.state.members.map((m) => m.id)).toEqual(['bob', 'cy'])
    expect(r.state.handle('bob', { type: 'host', memberId: 'cy' })).toBeNull()
    expect(r.playback().hostId).toBe('cy')
  })

  test('chat: trimmed, control characters removed, at most 500 characters, rate-limited per member', () => {
    const r = fakeRoom()
    r.join('ann')
    r.join('bob')
    expect(r.state.handle('ann', { type: 'chat', text: '   ' })).toMatchObject({ code: 'invalid_message' })
    expect(r.state.handle('ann', { type: 'chat', text: 'x'.repeat(501) })).toMatchObject({ code: 'invalid_message' })
    r.state.handle('ann', { type: 'chat', text: ' hi\u0007 <b>all</b> ' })
    expect(r.sent.filter((m) => m.type === 'chat').at(-1)).toMatchObject({ entry: { name: 'ann', text: 'hi  <b>all</b>' } })
    const replies = Array.from({ length: 10 }, () => r.state.handle('ann', { type: 'chat', text: 'spam' }))
    expect(replies.filter((x) => x === null)).toHaveLength(DEFAULT_TIMINGS.chatBurst - 1)
    expect(replies.at(-1)).toMatchObject({ type: 'error', code: 'rate_limited' })
    expect(r.state.handle('bob', { type: 'chat', text: 'my turn' })).toBeNull() // per member
    r.advance(DEFAULT_TIMINGS.chatRefillMs)
    expect(r.state.handle('ann', { type: 'chat', text: 'later' })).toBeNull()
  })

  test('a member toggling buffering at will cannot stall a host-controlled party, nor flood everyone', () => {
    const r = fakeRoom()
    r.join('host')
    r.join('troll')
    r.state.handle('host', { type: 'play' })
    r.advance(5000)
    const before = r.sent.length
    for (let i = 0; i < 300; i++) {
      r.state.handle('troll', { type: 'status', positionS: 5, buffering: i % 2 === 0, rttMs: 20 })
      r.advance(200) // 5 messages a second: within the message limit, so only the stall rule acts
    }
    // The first few stalls are waited for and announced; after that the member is flapping.
    expect(r.sent.length - before).toBeLessThan(40)
    r.state.handle('troll', { type: 'status', positionS: 5, buffering: true, rttMs: 20 })
    expect(r.playback().phase).toBe('playing')
    // A member of a party open to everyone is still waited for while not flapping.
    const open = fakeRoom()
    open.join('a')
    open.join('b')
    open.state.handle('a', { type: 'play' })
    open.advance(5000)
    open.state.handle('b', { type: 'status', positionS: 5, buffering: true, rttMs: 20 })
    expect(open.playback().phase).toBe('waiting')
  })

  test('every message kind is rate-limited per member; the limit refills with time', () => {
    const r = fakeRoom()
    r.join('ann')
    const replies = Array.from({ length: 100 }, (_, i) => r.state.handle('ann', { type: 'ping', clientTime: i }))
    const limited = replies.filter((m) => m?.type === 'error' && m.code === 'rate_limited').length
    expect(limited).toBe(100 - DEFAULT_TIMINGS.messageBurst)
    r.advance(DEFAULT_TIMINGS.messageRefillMs * 5)
    expect(r.state.handle('ann', { type: 'ping', clientTime: 1 })).toMatchObject({ type: 'pong' })
  })

  test('chat drops text-direction controls, so a message reads as it is', () => {
    const r = fakeRoom()
    r.join('ann')
    r.state.handle('ann', { type: 'chat', text: 'see \u202Egnp.exe\u202C now' })
    const chat = r.sent.filter((m) => m.type === 'chat').at(-1)
    expect(chat).toMatchObject({ entry: { text: 'see gnp.exe now' } })
  })
})
