/**
 * The media node's Prometheus metrics, on one registry per app (tests make several apps).
 * Counts only — no info hashes, users or profiles in labels.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface StreamMetrics {
  registry: Registry
  timeToFirstByte: Histogram
  bytesServed: Counter
  streamsStarted: Counter<'cache'>
}

export function createMetrics(sources: { activeTorrents: () => number; peers: () => number; transcodeQueue?: () => number; transcodeJobs?: () => number }, withProcessMetrics = false): StreamMetrics {
  const registry = new Registry()
  if (withProcessMetrics) collectDefaultMetrics({ register: registry })
  new Gauge({
    name: 'bt_active_torrents',
    help: 'Torrents the node holds open',
    registers: [registry],
    collect() {
      this.set(sources.activeTorrents())
    },
  })
  new Gauge({
    name: 'bt_peers',
    help: 'Peers connected over all torrents',
    registers: [registry],
    collect() {
      this.set(sources.peers())
    },
  })
  new Gauge({
    name: 'bt_transcode_queue_depth',
    help: 'Conversions waiting for an FFmpeg slot',
    registers: [registry],
    collect() {
      this.set(sources.transcodeQueue?.() ?? 0)
    },
  })
  new Gauge({
    name: 'bt_transcode_jobs',
    help: 'FFmpeg jobs running',
    registers: [registry],
    collect() {
      this.set(sources.transcodeJobs?.() ?? 0)
    },
  })
  return {
    registry,
    timeToFirstByte: new Histogram({
      name: 'bt_stream_time_to_first_byte_seconds',
      help: 'From a stream request to its first byte of file data',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.5, 3, 6, 12],
      registers: [registry],
    }),
    bytesServed: new Counter({ name: 'bt_stream_bytes_served_total', help: 'File bytes sent to players', registers: [registry] }),
    streamsStarted: new Counter({
      name: 'bt_streams_total',
      help: 'Stream requests by whether their first piece was already in the cache (hit) or had to come from peers (miss)',
      labelNames: ['cache'],
      registers: [registry],
    }),
  }
}
