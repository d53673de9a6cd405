import { describe, expect, test } from 'vitest'
import { ClockSync } from './clock-sync.ts'
import { correctDrift, DEFAULT_DRIFT_POLICY } from './drift-correction.ts'

describe('clock sync', () => {
  test('the offset comes from the exchange with the lowest round trip', () => {
    const clock = new ClockSync()
    // Client clock 2 s behind the server. A slow, lopsided exchange first, then a quick one.
    clock.add(1000, 3400, 1500) // 500 ms round trip, answer delayed on the way back
    clock.add(2000, 4010, 2020) // 20 ms round trip
    expect(clock.best).toEqual({ rttMs: 20, offsetMs: 2000 })
    expect(clock.serverNow(5000)).toBe(7000)
    expect(clock.toLocal(7000)).toBe(5000)
  })

  test('only the last few samples count, so a changed network is followed', () => {
    const clock = new ClockSync(2)
    clock.add(0, 100, 10)
    clock.add(100, 300, 150)
    clock.add(200, 400, 260)
    expect(clock.sampleCount).toBe(2)
    expect(clock.best.rttMs).toBe(50)
  })
})

describe('drift correction', () => {
  test('small gaps are left alone; larger ones nudge the rate the right way; huge ones seek', () => {
    expect(correctDrift(20, 10, false)).toEqual({ kind: 'rate', rate: 1 })
    const ahead = correctDrift(120, 10, false)
    const behind = correctDrift(-120, 10, false)
    expect(ahead.kind === 'rate' && ahead.rate < 1 && ahead.rate >= 1 - DEFAULT_DRIFT_POLICY.maxRateDelta).toBe(true)
    expect(behind.kind === 'rate' && behind.rate > 1 && behind.rate <= 1 + DEFAULT_DRIFT_POLICY.maxRateDelta).toBe(true)
    expect(correctDrift(5000, 42, false)).toEqual({ kind: 'seek', positionS: 42 })
  })

  test('once correcting, it keeps on until close, then stops (no flapping at the threshold)', () => {
    expect(correctDrift(25, 10, true).kind === 'rate' && (correctDrift(25, 10, true) as { rate: number }).rate).toBeLessThan(1)
    expect(correctDrift(5, 10, true)).toEqual({ kind: 'rate', rate: 1 })
  })
})

describe('the round trip the start delay is planned with', () => {
  test('follows a connection that turned slow within three exchanges, while the offset keeps the best sample', () => {
    const clock = new ClockSync(8)
    let t = 0
    for (let i = 0; i < 5; i++, t += 10_000) clock.add(t, t + 1000 + 10, t + 20)
    expect(clock.recentRttMs).toBe(20)
    for (let i = 0; i < 3; i++, t += 10_000) clock.add(t, t + 1000 + 150, t + 300)
    expect(clock.best.rttMs).toBe(20)
    expect(clock.recentRttMs).toBe(300)
    // One slow exchange among fast ones is noise, not a slow connection.
    clock.add(t, t + 1010, t + 20)
    clock.add(t + 10_000, t + 11_010, t + 10_020)
    expect(clock.recentRttMs).toBe(20)
  })
})
