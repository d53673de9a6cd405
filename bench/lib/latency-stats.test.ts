import { expect, test } from 'vitest'
import { latencyStats } from './latency-stats.ts'

test('percentiles use the nearest-rank method', () => {
  const samples = Array.from({ length: 100 }, (_, i) => i + 1)
  expect(latencyStats(samples)).toEqual({ count: 100, p50: 50, p90: 90, p95: 95, p99: 99, max: 100, mean: 50.5 })
  expect(latencyStats([7])).toMatchObject({ p50: 7, p99: 7, max: 7 })
})
