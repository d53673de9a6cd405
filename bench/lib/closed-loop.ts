/**
 * A closed-loop load: `clients` workers, each sending its next operation as soon as the
 * previous one answered, for a warm-up (not recorded) and then `seconds` (recorded).
 * Bounded in time, so it always stops by itself.
 */
export interface LoopResult {
  samples: Record<string, number[]>
  errors: number
  throughput: number
}

export async function closedLoop(
  clients: number,
  seconds: number,
  op: (client: number, round: number) => Promise<{ kind: string; ok: boolean }>,
  warmupSeconds = 2,
): Promise<LoopResult> {
  const samples: Record<string, number[]> = {}
  let errors = 0
  let recorded = 0
  const start = performance.now()
  const measureFrom = start + warmupSeconds * 1000
  const end = measureFrom + seconds * 1000
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let round = 0; performance.now() < end; round++) {
        const t0 = performance.now()
        const { kind, ok } = await op(client, round)
        const t1 = performance.now()
        if (t0 < measureFrom) continue
        if (!ok) errors++
        ;(samples[kind] ??= []).push(t1 - t0)
        recorded++
      }
    }),
  )
  return { samples, errors, throughput: Math.round(recorded / ((performance.now() - measureFrom) / 1000)) }
}

/**
 * A paced load: `clients` workers, each starting an operation every `intervalMs` (a person
 * clicking, not a flood), so the figures show latency at a given load rather than at saturation.
 * An operation that overruns its slot delays that client's next one (no pile-up).
 */
export async function pacedLoop(
  clients: number,
  seconds: number,
  intervalMs: number,
  op: (client: number, round: number) => Promise<{ kind: string; ok: boolean }>,
  warmupSeconds = 2,
): Promise<LoopResult> {
  const samples: Record<string, number[]> = {}
  let errors = 0
  let recorded = 0
  const start = performance.now()
  const measureFrom = start + warmupSeconds * 1000
  const end = measureFrom + seconds * 1000
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      // Spread the clients over one interval so they do not fire in lockstep.
      let next = start + (client * intervalMs) / clients
      for (let round = 0; next < end; round++) {
        const wait = next - performance.now()
        if (wait > 0) await new Promise((r) => setTimeout(r, wait))
        const t0 = performance.now()
        const { kind, ok } = await op(client, round)
        const t1 = performance.now()
        next = Math.max(next + intervalMs, t1)
        if (t0 < measureFrom) continue
        if (!ok) errors++
        ;(samples[kind] ??= []).push(t1 - t0)
        recorded++
      }
    }),
  )
  return { samples, errors, throughput: Math.round(recorded / ((performance.now() - measureFrom) / 1000)) }
}
