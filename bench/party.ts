/**
 * bench:party — 300 members in one watch party on the real PartyKit dev server (workerd) on
 * loopback, every member the real PartyClient around a simulated player.
 *
 * 1. Fan-out: a member changes the state (pause/seek, alternately) 40 times; for each change,
 *    the time from the command leaving the sender to the new state reaching each of the 300.
 * 2. Drift after convergence: 300 members with clocks off by up to ±2 s, 10–300 ms of network
 *    round trip and players running up to 1 % fast or slow; after play and 8 s to settle, how far
 *    each player is from where the party is, sampled every 500 ms for 10 s.
 * Baseline: the same 300 members acting on each state when it arrives, with no clock sync and no
 * drift correction (a plain WebSocket relay, as the seed's watch party does), measured as the
 * distance from the median member (it has no schedule). Jellyfin SyncPlay's tolerance is 500 ms.
 *
 * Options: --members N (default 300).
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import type { ServerMessage } from '@bittorrented/party/protocol'
import { newPartyRoomId, SimulatedPlayer, simulatedMember, startPartyServer, type SimulatedMember, until } from '@bittorrented/party/test-helpers'
import { latencyStats } from './lib/latency-stats.ts'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const MEMBERS = arg('members', 300)
const CHANGES = 40
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A deterministic spread of network and clock conditions (no randomness between runs). */
function conditions(i: number) {
  const f = (k: number) => ((i * k) % 1000) / 1000
  return { clockOffsetMs: Math.round((f(617) * 2 - 1) * 2000), latencyMs: Math.round(10 + f(389) * 290), rateError: (f(241) * 2 - 1) * 0.01 }
}

async function joinAll(server: Awaited<ReturnType<typeof startPartyServer>>, room: string, make: (i: number, url: string) => SimulatedMember): Promise<SimulatedMember[]> {
  const members: SimulatedMember[] = []
  for (let i = 0; i < MEMBERS; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, MEMBERS - i) }, async (_, k) => {
        const m = make(i + k, await server.memberUrl(room, { id: `m${i + k}` }))
        await m.opened
        return m
      }),
    )
    members.push(...batch)
  }
  return members
}

/** The baseline member: applies each state on arrival, no clock sync, no correction. */
function naiveMember(url: string, latencyMs: number, rateError: number): SimulatedMember {
  const player = new SimulatedPlayer(rateError)
  const ws = new WebSocket(url)
  let playback: Extract<ServerMessage, { type: 'playback' }>['playback'] | null = null
  let resolveOpen!: () => void
  const opened = new Promise<void>((r) => (resolveOpen = r))
  ws.on('message', (data) =>
    setTimeout(() => {
      const m = JSON.parse(String(data)) as ServerMessage
      if (m.type === 'welcome') resolveOpen()
      const p = m.type === 'playback' ? m.playback : m.type === 'welcome' ? m.playback : null
      if (!p) return
      playback = p
      player.seek(p.positionS)
      if (p.phase === 'playing') player.play()
      else player.pause()
    }, latencyMs / 2),
  )
  return {
    client: {
      get playback() {
        return playback
      },
    } as unknown as SimulatedMember['client'],
    player,
    opened,
    driftMs: () => {
      if (!playback) return Number.NaN
      const expected = playback.phase === 'playing' && Date.now() > playback.serverTime ? playback.positionS + (Date.now() - playback.serverTime) / 1000 : playback.positionS
      return (player.position() - expected) * 1000
    },
    close: () => ws.close(),
  }
}

/**
 * Two measures, sampled every 500 ms for 10 s after 8 s to settle: how far each player is from
 * the party's schedule, and how far it is from the median member (what people notice: "you're
 * ahead of me"). A relay without schedule has no schedule to compare with, only the second.
 */
async function driftPhase(members: SimulatedMember[], start: () => void): Promise<{ schedule: number[]; spread: number[] }> {
  start()
  await until(() => members.every((m) => m.client.playback?.phase === 'playing' && !m.player.paused()), 20_000, 'everyone playing')
  await sleep(8000)
  const schedule: number[] = []
  const spread: number[] = []
  for (let s = 0; s < 20; s++) {
    const positions = members.map((m) => m.player.position())
    const median = [...positions].sort((a, b) => a - b)[Math.floor(positions.length / 2)]!
    for (const [i, m] of members.entries()) {
      schedule.push(Math.abs(m.driftMs()))
      spread.push(Math.abs(positions[i]! - median) * 1000)
    }
    await sleep(500)
  }
  return { schedule, spread }
}

const server = await startPartyServer()
try {
  // 1. Fan-out latency, on loopback without added latency.
  const fanRoom = newPartyRoomId()
  const arrivals = new Map<number, number[]>()
  const fan = await joinAll(server, fanRoom, (_i, url) =>
    simulatedMember({
      url,
      client: {
        onMessage: (m) => {
          if (m.type === 'playback') {
            const list = arrivals.get(m.playback.seq) ?? []
            list.push(performance.now())
            arrivals.set(m.playback.seq, list)
          }
        },
      },
    }),
  )
  const host = fan[0]!
  await until(() => fan.every((m) => m.client.clock.sampleCount >= 5), 30_000, 'clock sync')
  const fanout: number[] = []
  for (let c = 0; c < CHANGES; c++) {
    const seq = host.client.playback!.seq + 1
    const sentAt = performance.now()
    if (c % 2 === 0) host.client.seek(60 + c)
    else host.client.pause()
    await until(() => (arrivals.get(seq)?.length ?? 0) >= MEMBERS, 10_000, `state ${seq} everywhere`).catch((err: Error) => {
      const states = fan
        .map((m) => m.client.connection)
        .reduce<Record<string, number>>((acc, st) => {
          acc[st] = (acc[st] ?? 0) + 1
          return acc
        }, {})
      throw new Error(`${err.message}: ${arrivals.get(seq)?.length ?? 0} of ${MEMBERS} got it; connections ${JSON.stringify(states)}; host sees seq ${host.client.playback?.seq}`)
    })
    for (const t of arrivals.get(seq)!) fanout.push(t - sentAt)
    await sleep(150)
  }
  fan.forEach((m) => m.close())
  const f = latencyStats(fanout)

  // 2. Drift after convergence, with clock offsets, latencies and drifting players.
  const synced = await joinAll(server, newPartyRoomId(), (i, url) => simulatedMember({ url, ...conditions(i) }))
  await until(() => synced.every((m) => m.client.clock.sampleCount >= 5), 30_000, 'clock sync')
  const ours = await driftPhase(synced, () => synced[0]!.client.play())
  const drift = latencyStats(ours.schedule)
  const spread = latencyStats(ours.spread)
  const corrected = synced.filter((m) => m.client.rate !== 1).length
  synced.forEach((m) => m.close())

  // Baseline: the same conditions, acting on arrival.
  const naiveRoom = newPartyRoomId()
  const controller = simulatedMember({ url: await server.memberUrl(naiveRoom, { id: 'controller' }) })
  await controller.opened
  const naive = await joinAll(server, naiveRoom, (i, url) => {
    const c = conditions(i)
    return naiveMember(url, c.latencyMs, c.rateError)
  })
  const baseline = latencyStats((await driftPhase(naive, () => controller.client.play())).spread)
  naive.forEach((m) => m.close())
  controller.close()

  console.log(`watch party benchmark: ${MEMBERS} members in one room, partykit dev on loopback, ${os.cpus().length} cores`)
  console.log(`fan-out of a state change (${CHANGES} changes × ${MEMBERS} members): p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms   (goal p99 < 50 ms)`)
  console.log(
    `drift after convergence (clocks ±2 s, RTT 10–300 ms, players ±1 %): p50 ${drift.p50} ms, p99 ${drift.p99} ms, max ${drift.max} ms; ${corrected} members nudging their rate at the end   (goal < 100 ms)`,
  )
  console.log(`distance from the median member: p50 ${spread.p50} ms, p99 ${spread.p99} ms, max ${spread.max} ms`)
  console.log(
    `baseline, acting on arrival without clock sync or correction, distance from the median member: p50 ${baseline.p50} ms, p99 ${baseline.p99} ms, max ${baseline.max} ms   (Jellyfin SyncPlay tolerance: 500 ms)`,
  )
  console.log(
    JSON.stringify({
      members: MEMBERS,
      fanout_p50_ms: f.p50,
      fanout_p99_ms: f.p99,
      fanout_max_ms: f.max,
      drift_p50_ms: drift.p50,
      drift_p99_ms: drift.p99,
      drift_max_ms: drift.max,
      spread_p99_ms: spread.p99,
      baseline_drift_p50_ms: baseline.p50,
      baseline_drift_p99_ms: baseline.p99,
      jellyfin_tolerance_ms: 500,
      goal_fanout_p99_ms: 50,
      goal_drift_ms: 100,
    }),
  )
} finally {
  await server.stop()
}
