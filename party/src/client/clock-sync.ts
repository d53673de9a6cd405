/**
 * NTP-like clock sync: each ping records the client's send and receive times and the server's
 * time in between. Assuming the answer took as long as the question, the server clock reads
 * `serverTime` at the client's midpoint; the sample with the lowest round trip is the least
 * distorted by queueing, so the best of the last few samples wins.
 */
export interface ClockSample {
  rttMs: number
  /** serverClock − clientClock, in ms. */
  offsetMs: number
}

export class ClockSync {
  private samples: ClockSample[] = []

  constructor(private readonly keep = 8) {}

  /** Records one exchange; returns the sample. */
  add(clientSentAt: number, serverTime: number, clientReceivedAt: number): ClockSample {
    const rttMs = Math.max(0, clientReceivedAt - clientSentAt)
    const sample = { rttMs, offsetMs: serverTime - (clientSentAt + clientReceivedAt) / 2 }
    this.samples.push(sample)
    if (this.samples.length > this.keep) this.samples.shift()
    return sample
  }

  /** Exchanges kept (at most `keep`). */
  get sampleCount(): number {
    return this.samples.length
  }

  get synced(): boolean {
    return this.samples.length > 0
  }

  /** The sample with the lowest round trip among those kept. */
  get best(): ClockSample {
    let best = this.samples[0] ?? { rttMs: 0, offsetMs: 0 }
    for (const s of this.samples) if (s.rttMs < best.rttMs) best = s
    return best
  }

  /**
   * The round trip now: the median of the last three exchanges. The offset comes from the best
   * sample, but the party's start delay must cover how slow the connection is now — a member
   * whose connection turned slow would otherwise start late for as long as an old fast sample is
   * kept (issue #24).
   */
  get recentRttMs(): number {
    const last = this.samples
      .slice(-3)
      .map((s) => s.rttMs)
      .sort((a, b) => a - b)
    return last.length ? last[Math.floor(last.length / 2)]! : 0
  }

  /** The server's clock, read from the local one. */
  serverNow(localNow: number): number {
    return localNow + this.best.offsetMs
  }

  /** The local clock's reading when the server's reads `serverTime`. */
  toLocal(serverTime: number): number {
    return serverTime - this.best.offsetMs
  }
}
