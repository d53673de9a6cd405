// The watch-party room on the real PartyKit dev server (workerd) on loopback, with members that
// run the real PartyClient over `ws` — with injected clock offsets, latencies and drifting players.
import { signUrl } from '@bittorrented/common'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import type { ServerMessage } from '../src/protocol.ts'
import { newPartyRoomId, startPartyServer, TEST_SIGNING_KEY, type PartyServer } from './helpers/party-server.ts'
import { simulatedMember, type SimulatedMember } from './helpers/simulated-member.ts'
import { until } from './helpers/until.ts'

const WAIT_TIMEOUT_MS = 2000
const HOST_GRACE_MS = 1000
let server: PartyServer

beforeAll(async () => {
  server = await startPartyServer({ PARTY_WAIT_TIMEOUT_MS: String(WAIT_TIMEOUT_MS), PARTY_HOST_GRACE_MS: String(HOST_GRACE_MS) })
}, 120_000)

afterAll(async () => {
  await server?.stop()
})

/** The HTTP status a refused WebSocket upgrade got (or 101 when it opened). */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.on('open', () => {
      resolve(101)
      ws.close()
    })
    ws.on('error', (e) => reject(e))
  })
}

/** A raw socket with a queue of what the room sent it. */
async function rawMember(room: string, id: string) {
  const ws = new WebSocket(await server.memberUrl(room, { id }))
  const inbox: ServerMessage[] = []
  ws.on('message', (d) => inbox.push(JSON.parse(String(d)) as ServerMessage))
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const next = async (type: ServerMessage['type']) => {
    await until(() => inbox.some((m) => m.type === type), 5000, type)
    return inbox.splice(
      inbox.findIndex((m) => m.type === type),
      1,
    )[0]!
  }
  return { ws, inbox, next }
}

async function members(room: string, specs: Array<{ id: string; clockOffsetMs?: number; latencyMs?: number; rateError?: number }>): Promise<SimulatedMember[]> {
  const out: SimulatedMember[] = []
  for (const s of specs) {
    const m = simulatedMember({ url: await server.memberUrl(room, { id: s.id }), ...s })
    await m.opened
    out.push(m)
  }
  // Clock sync done: five pings answered.
  await until(() => out.every((m) => m.client.clock.sampleCount >= 5), 10_000, 'clock sync')
  return out
}

const maxDrift = (ms: SimulatedMember[]) => Math.max(...ms.map((m) => Math.abs(m.driftMs())))

describe('watch party on partykit dev', () => {
  test('/healthz answers outside any room', async () => {
    const res = await fetch(`${server.url}/healthz`)
    expect(await res.json()).toEqual({ service: 'party', status: 'ok' })
  })

  test('joining needs a URL signed for this room and a profile: tampered, expired, profile-less and other-room links are refused', async () => {
    const room = newPartyRoomId()
    const good = await server.memberUrl(room, { id: 'ann' })
    expect(await upgradeStatus(good)).toBe(101)
    const tampered = new URL(good)
    tampered.searchParams.set('l', 'avatar-1|The host')
    expect(await upgradeStatus(tampered.toString())).toBe(403)
    const unsigned = new URL(good)
    unsigned.search = ''
    expect(await upgradeStatus(unsigned.toString())).toBe(403)
    expect(await upgradeStatus(await server.memberUrl(room, { id: 'ann' }, { now: Date.now() - 3_600_000, ttlSeconds: 60 }))).toBe(410)
    const noProfile = await signUrl({
      secret: TEST_SIGNING_KEY,
      method: 'GET',
      url: good.split('?')[0]!,
      subject: { userId: 'user-x', resource: new URL(good).searchParams.get('r')!, label: 'avatar-1|x' },
      ttlSeconds: 60,
    })
    expect(await upgradeStatus(noProfile)).toBe(403)
    const otherRoom = new URL(await server.memberUrl(newPartyRoomId(), { id: 'ann' }))
    otherRoom.pathname = `/parties/main/${room}`
    expect(await upgradeStatus(otherRoom.toString())).toBe(403)
  })

  test('malformed, unknown and oversized messages get an error reply and the connection stays usable', async () => {
    const { ws, next } = await rawMember(newPartyRoomId(), 'ann')
    expect(await next('welcome')).toMatchObject({ type: 'welcome', you: 'ann' })
    ws.send('not json')
    expect(await next('error')).toMatchObject({ code: 'invalid_message' })
    ws.send(JSON.stringify({ type: 'takeover' }))
    expect(await next('error')).toMatchObject({ code: 'invalid_message' })
    ws.send(JSON.stringify({ type: 'seek', positionS: -5 }))
    expect(await next('error')).toMatchObject({ code: 'invalid_message' })
    ws.send('x'.repeat(10_000))
    expect(await next('error')).toMatchObject({ code: 'message_too_large' })
    ws.send(JSON.stringify({ type: 'ping', clientTime: 1 }))
    expect(await next('pong')).toMatchObject({ clientTime: 1 })
    ws.close()
  })

  test('members with clocks off by up to ±2 s and 10–300 ms latency start together and stay within 100 ms; pause and seek reach all', async () => {
    const room = newPartyRoomId()
    const group = await members(room, [
      { id: 'host', clockOffsetMs: 0, latencyMs: 10 },
      { id: 'm1', clockOffsetMs: 2000, latencyMs: 300, rateError: 0.01 },
      { id: 'm2', clockOffsetMs: -2000, latencyMs: 150, rateError: -0.01 },
      { id: 'm3', clockOffsetMs: 1234, latencyMs: 60, rateError: 0.004 },
      { id: 'm4', clockOffsetMs: -777, latencyMs: 220, rateError: -0.006 },
    ])
    const [host, , m2] = group as [SimulatedMember, SimulatedMember, SimulatedMember]
    // Each member's estimate of the server clock is within a few ms, whatever its own clock says.
    for (const m of group) expect(Math.abs(m.client.serverNow() - Date.now())).toBeLessThan(30)

    host.client.play()
    await until(() => group.every((m) => m.client.playback?.phase === 'playing' && !m.player.paused()), 5000, 'all playing')
    // Let the rate errors build up and the correction work, then watch for two seconds.
    await new Promise((r) => setTimeout(r, 3000))
    for (let i = 0; i < 10; i++) {
      expect(maxDrift(group)).toBeLessThan(100)
      await new Promise((r) => setTimeout(r, 200))
    }
    // The drifting players are held by their rate, not by seeking.
    expect(group.some((m) => m.client.rate !== 1) || maxDrift(group) < 40).toBe(true)

    // Pause from a member (the host opens controls first): everyone stops at the same frame.
    host.client.setControls('everyone')
    await until(() => m2.client.playback?.controls === 'everyone', 5000, 'controls opened')
    m2.client.pause()
    await until(() => group.every((m) => m.client.playback?.phase === 'paused' && m.player.paused()), 5000, 'all paused')
    const stoppedAt = host.client.playback!.positionS
    for (const m of group) expect(Math.abs(m.player.position() - stoppedAt)).toBeLessThan(0.1)

    // Seek while paused, then play: all at the new place, in sync.
    host.client.seek(600)
    await until(() => group.every((m) => Math.abs(m.player.position() - 600) < 0.01), 5000, 'all at 600 s')
    host.client.play()
    await until(() => group.every((m) => !m.player.paused()), 5000, 'all playing again')
    await new Promise((r) => setTimeout(r, 1000))
    expect(maxDrift(group)).toBeLessThan(100)
    expect(host.player.position()).toBeGreaterThan(600.5)
    group.forEach((m) => m.close())
  }, 60_000)

  test('a buffering member moves the party to waiting, everyone holds, and all resume when it is ready', async () => {
    const group = await members(newPartyRoomId(), [{ id: 'host' }, { id: 'slow', latencyMs: 100 }, { id: 'third', latencyMs: 40 }])
    const [host, slow] = group as [SimulatedMember, SimulatedMember]
    host.client.play()
    await until(() => group.every((m) => !m.player.paused()), 5000, 'all playing')
    await new Promise((r) => setTimeout(r, 1800)) // past the start grace
    slow.player.setBuffering(true)
    await until(() => group.every((m) => m.client.playback?.phase === 'waiting'), 5000, 'waiting')
    expect(host.client.playback).toMatchObject({ reason: 'waiting', by: 'slow' })
    await until(() => group.filter((m) => m !== slow).every((m) => m.player.paused()), 2000, 'others hold')
    const held = host.player.position()
    await new Promise((r) => setTimeout(r, 500))
    expect(host.player.position()).toBe(held)
    slow.player.setBuffering(false)
    await until(() => group.every((m) => m.client.playback?.phase === 'playing' && !m.player.paused()), 5000, 'resumed')
    expect(host.client.playback?.reason).toBe('resume')
    await new Promise((r) => setTimeout(r, 500))
    expect(maxDrift(group)).toBeLessThan(100)
    group.forEach((m) => m.close())
  }, 30_000)

  test('a member who stays stuck holds the party only until the timeout', async () => {
    const group = await members(newPartyRoomId(), [{ id: 'host' }, { id: 'stuck' }])
    const [host, stuck] = group as [SimulatedMember, SimulatedMember]
    host.client.play()
    await until(() => group.every((m) => !m.player.paused()), 5000, 'all playing')
    await new Promise((r) => setTimeout(r, 1800))
    stuck.player.setBuffering(true)
    await until(() => host.client.playback?.phase === 'waiting', 5000, 'waiting')
    const waitingSince = Date.now()
    await until(() => host.client.playback?.phase === 'playing', WAIT_TIMEOUT_MS + 3000, 'timeout resume')
    expect(host.client.playback?.reason).toBe('timeout')
    expect(Date.now() - waitingSince).toBeGreaterThanOrEqual(WAIT_TIMEOUT_MS - 300)
    await until(() => !host.player.paused(), 3000, 'host plays on')
    group.forEach((m) => m.close())
  }, 30_000)

  test('only the host controls by default; when the host leaves the role passes on; a reconnect restores state', async () => {
    const room = newPartyRoomId()
    const group = await members(room, [{ id: 'host' }, { id: 'guest' }, { id: 'late' }])
    const [host, guest] = group as [SimulatedMember, SimulatedMember, SimulatedMember]
    guest.client.play()
    await until(() => guest.client.lastError?.code === 'not_allowed', 5000, 'refusal')
    expect(host.client.playback?.phase).toBe('paused')
    host.client.seek(42)
    host.client.play()
    await until(() => group.every((m) => !m.player.paused()), 5000, 'all playing')

    host.close()
    await until(() => guest.client.playback?.hostId === 'guest', HOST_GRACE_MS + 5000, 'host passed on')
    expect(guest.client.isHost).toBe(true)

    // The host comes back: welcomed into the party as it is now (playing, past 42 s), as a member.
    const back = simulatedMember({ url: await server.memberUrl(room, { id: 'host' }) })
    await back.opened
    await until(() => !back.player.paused() && back.player.position() > 42, 5000, 'back in sync')
    expect(back.client.playback?.hostId).toBe('guest')
    expect(back.client.members.map((m) => m.id).sort()).toEqual(['guest', 'host', 'late'])
    group.forEach((m) => m.close())
    back.close()
  }, 30_000)

  test('a guest’s own pause (a key, the end of the film) is no request: no alert, back in step; a refusal clears with the next state (issue #24)', async () => {
    const room = newPartyRoomId()
    const group = await members(room, [{ id: 'host' }, { id: 'guest' }])
    const [host, guest] = group as [SimulatedMember, SimulatedMember]
    host.client.play()
    await until(() => group.every((m) => !m.player.paused()), 5000, 'all playing')
    // The guest's player pauses by itself (K, Space, the player's button): the party plays on, and so does the guest.
    guest.player.pause()
    guest.client.onPlayerEvent('pause')
    await until(() => !guest.player.paused(), 2000, 'guest back in step')
    await new Promise((r) => setTimeout(r, 300))
    expect(guest.client.lastError).toBeNull()
    expect(host.client.playback?.phase).toBe('playing')
    // An explicit refused command shows its refusal until the party's state next changes.
    guest.client.pause()
    await until(() => guest.client.lastError?.code === 'not_allowed', 5000, 'refusal')
    host.client.pause()
    await until(() => guest.client.playback?.phase === 'paused', 5000, 'paused')
    expect(guest.client.lastError).toBeNull()
    group.forEach((m) => m.close())
  }, 30_000)

  test('chat reaches everyone in order; a flood is rate-limited; reactions are checked against the list', async () => {
    const room = newPartyRoomId()
    const a = await rawMember(room, 'ann')
    const b = await rawMember(room, 'bob')
    await a.next('welcome')
    await b.next('welcome')
    a.ws.send(JSON.stringify({ type: 'chat', text: '<img src=x onerror=alert(1)> popcorn?' }))
    expect(await b.next('chat')).toMatchObject({ entry: { name: 'ann', text: '<img src=x onerror=alert(1)> popcorn?' } })
    for (let i = 0; i < 20; i++) a.ws.send(JSON.stringify({ type: 'chat', text: `spam ${i}` }))
    await until(() => a.inbox.filter((m) => m.type === 'error').length > 0, 5000, 'rate limit')
    expect(a.inbox.find((m) => m.type === 'error')).toMatchObject({ code: 'rate_limited' })
    await new Promise((r) => setTimeout(r, 300))
    const got = b.inbox.filter((m) => m.type === 'chat')
    expect(got.length).toBeLessThanOrEqual(4) // a burst of 5, one already spent
    b.ws.send(JSON.stringify({ type: 'react', emoji: '🍿' }))
    expect(await a.next('reaction')).toMatchObject({ name: 'bob', emoji: '🍿' })
    b.ws.send(JSON.stringify({ type: 'react', emoji: '💣' }))
    expect(await b.next('error')).toMatchObject({ code: 'invalid_message' })
    a.ws.close()
    b.ws.close()
  })
})
