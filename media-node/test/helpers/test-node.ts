import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import type { Logger } from 'pino'
import { freePort } from '@bittorrented/scripts/free-port'
import type { TorrentEngine } from '../../src/adapters/torrent-engine.ts'
import { createApp } from '../../src/http/app.ts'
import { HlsJobs } from '../../src/transcode/hls-jobs.ts'
import type { JobRunner } from '../../src/transcode/job-runner.ts'
import { startSeeder, type Seeder } from './seeder.ts'
import { createTestEngine } from './test-engine.ts'

export interface TestNode {
  seeder: Seeder
  engine: TorrentEngine
  hls: HlsJobs
  /** `http://127.0.0.1:<port>` of the node. */
  base: string
  stop(): Promise<void>
}

/**
 * A real media node with its playback routes on 127.0.0.1, streaming from a real loopback
 * seeder of `files` (one torrent named `name`); work files under `work` (not removed by stop).
 */
/** The edge app's origin as the test nodes are told it: its pages' players may fetch cross-origin. */
export const TEST_EDGE_ORIGIN = 'http://edge.test'

export async function startTestNode(opts: {
  name: string
  files: Record<string, Uint8Array>
  work: string
  signingKey: string
  runner: JobRunner
  hlsCacheBytes: number
  log: Logger
}): Promise<TestNode> {
  const seeder = await startSeeder(opts.name, opts.files)
  const engine = createTestEngine({ cacheDir: join(opts.work, 'cache'), staticPeers: [seeder.peer], readAheadBytes: 1 << 20, log: opts.log })
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const hls = new HlsJobs({ dir: join(opts.work, 'hls'), runner: opts.runner, log: opts.log, maxHeight: 720, idleMs: 60_000, maxCacheBytes: opts.hlsCacheBytes })
  const app = createApp({
    withDb: async () => Promise.reject(new Error('unused')),
    signingKey: opts.signingKey,
    log: opts.log,
    engine,
    playback: { selfUrl: base, hls },
    corsOrigins: [TEST_EDGE_ORIGIN],
  })
  const server: ServerType = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
  return {
    seeder,
    engine,
    hls,
    base,
    async stop() {
      server.close()
      await hls.destroy()
      await engine.destroy()
      await seeder.stop()
    },
  }
}
