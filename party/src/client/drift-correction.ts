/**
 * Drift correction after Syncplay: small gaps are closed by playing a little faster or slower,
 * which nobody notices; only large ones by seeking, which everybody does.
 */
export interface DriftPolicy {
  /** Start nudging the rate when further than this from the party (ms). */
  correctAboveMs: number
  /** Stop nudging once this close again (ms); the gap between the two keeps it from flapping. */
  settleBelowMs: number
  /** Seek instead when further than this (ms). */
  seekAboveMs: number
  /** How far the rate may move from 1 (0.05 = 0.95…1.05). */
  maxRateDelta: number
}

export const DEFAULT_DRIFT_POLICY: DriftPolicy = { correctAboveMs: 40, settleBelowMs: 10, seekAboveMs: 1000, maxRateDelta: 0.05 }

export type DriftAction = { kind: 'rate'; rate: number } | { kind: 'seek'; positionS: number }

/**
 * `driftMs` is the player's position minus the party's (positive: ahead). `correcting` says
 * whether the rate is being nudged now. The rate is proportional to the gap (it closes a 100 ms
 * gap in about a second and a half) within the policy's bounds.
 */
export function correctDrift(driftMs: number, targetS: number, correcting: boolean, policy: DriftPolicy = DEFAULT_DRIFT_POLICY): DriftAction {
  const gap = Math.abs(driftMs)
  if (gap > policy.seekAboveMs) return { kind: 'seek', positionS: targetS }
  if (gap < policy.settleBelowMs || (!correcting && gap < policy.correctAboveMs)) return { kind: 'rate', rate: 1 }
  const delta = Math.min(policy.maxRateDelta, Math.max(0.01, gap / 1500))
  return { kind: 'rate', rate: driftMs > 0 ? 1 - delta : 1 + delta }
}
