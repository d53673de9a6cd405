/** Load shapes for benchmarks. Both are bounded in time, so they always stop by themselves. */
export interface LoopResult {
  samples: Record<string, number[]>
  errors: number
  throughput: number
}

type Operation = (client: number, round: number) => Promise<{ kind: string; ok: boolean }>

/**
 * A paced load: `clients` workers, each starting an operation every `intervalMs` (a person
 * clicking, not a flood), after a warm-up that is not recorded. An operation that overruns its
 * slot delays that client's next one (no pile-up).
 */
export async function pacedLoop(clients: number, seconds: number, intervalMs: number, op: Operation, warmupSeconds = 2): Promise<LoopResult> {
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

/** A closed loop: each worker sends its next operation as soon as the previous one answered. */
export function closedLoop(clients: number, seconds: number, op: Operation, warmupSeconds = 2): Promise<LoopResult> {
  return pacedLoop(clients, seconds, 0, op, warmupSeconds)
}
