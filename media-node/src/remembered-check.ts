/**
 * A yes/no question asked of the database, its answers remembered for a while (a "yes" and a "no"
 * each for their own time) so a film's range requests cost no query each. At most `max` answers
 * are kept; past that the memory starts over.
 */
export function rememberedCheck(ask: (key: string) => Promise<boolean>, opts: { yesMs: number; noMs: number; max?: number; now?: () => number }): (key: string) => Promise<boolean> {
  const now = opts.now ?? Date.now
  const max = opts.max ?? 10_000
  const remembered = new Map<string, { answer: boolean; until: number }>()
  return async (key) => {
    const hit = remembered.get(key)
    if (hit && hit.until > now()) return hit.answer
    const answer = await ask(key)
    if (remembered.size >= max) remembered.clear()
    remembered.set(key, { answer, until: now() + (answer ? opts.yesMs : opts.noMs) })
    return answer
  }
}
