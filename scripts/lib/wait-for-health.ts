/** Polls `url` until it answers 2xx, or throws after `timeoutMs` with the last answer seen. */
export async function waitForHealth(url: string, timeoutMs: number, isStopped: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    if (isStopped()) throw new Error(`stopped while waiting for ${url}`)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      if (res.ok) return
      last = `${res.status} ${(await res.text()).slice(0, 200)}`
    } catch (err) {
      last = err instanceof Error ? err.message : String(err)
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`${url} did not become healthy within ${Math.round(timeoutMs / 1000)} s (last: ${last})`)
}
