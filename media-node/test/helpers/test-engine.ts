import pino from 'pino'
import { TorrentEngine, type TorrentEngineOptions } from '../../src/adapters/torrent-engine.ts'
import { PieceCache } from '../../src/streaming/piece-cache.ts'

export type TestEngineOptions = Partial<TorrentEngineOptions> & { cacheDir: string }

/**
 * A real engine for tests: public peer sources off, a 1 GiB cache under `cacheDir` (1 MiB file
 * heads), generous deadlines; anything can be overridden, the cache itself included.
 */
export function createTestEngine({ cacheDir, ...overrides }: TestEngineOptions): TorrentEngine {
  return new TorrentEngine({
    cache: new PieceCache(cacheDir, 1 << 30, 1 << 20),
    dht: false,
    trackers: false,
    lsd: false,
    staticPeers: [],
    maxConnsPerTorrent: 10,
    maxActiveTorrents: 5,
    metadataDeadlineMs: 10_000,
    idleEvictMs: 60_000,
    readAheadBytes: 2 << 20,
    log: pino({ level: 'silent' }),
    ...overrides,
  })
}
