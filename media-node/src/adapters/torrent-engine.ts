/**
 * WebTorrent behind our own types. Torrents are added deselected (only the info dictionary is
 * fetched, BEP 9); reading a byte range selects and prioritises just its pieces. Bounded: at
 * most `maxActiveTorrents` at once (the least recently used idle one makes room), idle torrents
 * are dropped after `idleEvictMs`, and a torrent whose metadata does not arrive within
 * `metadataDeadlineMs` is given up with `no_peers`.
 */
import { join } from 'node:path'
import type { Logger } from 'pino'
import WebTorrent from 'webtorrent'
import { AppError } from '../errors.ts'
import { contentTypeOf, mediaKindOf, type MediaKind } from '../streaming/media-type.ts'
import type { PieceCache } from '../streaming/piece-cache.ts'

export interface TorrentEngineOptions {
  /** Where every piece is kept: a bounded LRU on disk. */
  cache: PieceCache
  dht: boolean
  trackers: boolean
  lsd: boolean
  /** Peers to ask for every torrent, `host:port` (the demo swarm, tests). */
  staticPeers: string[]
  maxConnsPerTorrent: number
  maxActiveTorrents: number
  metadataDeadlineMs: number
  idleEvictMs: number
  /** Bytes selected ahead of what a stream has sent, at most (two windows, growing to this size). */
  readAheadBytes: number
  log: Logger
  /**
   * Whether this node may join the swarm of a torrent it does not hold yet (the node's main
   * passes "the catalog knows it"): a signed URL for a random hash must not make the node look
   * for it on the public DHT. Unset: any (tests with their own swarms).
   */
  admit?: (infoHash: string) => Promise<boolean>
  /** Where incoming peer connections are accepted (TCP and uTP); unset: every interface. */
  listenHost?: string
}

export interface TorrentFileInfo {
  index: number
  path: string
  name: string
  length: number
  contentType: string
  kind: MediaKind
}

export interface TorrentInfo {
  infoHash: string
  name: string
  length: number
  pieceLength: number
  files: TorrentFileInfo[]
}

// webtorrent ships no types; this is the part of its API we use.
interface WtFile {
  name: string
  path: string
  length: number
  offset: number
  [Symbol.asyncIterator](opts: { start: number; end: number }): AsyncIterator<Uint8Array> & { return?: () => unknown }
}
interface WtTorrent {
  infoHash: string
  name: string
  length: number
  pieceLength: number
  files: WtFile[]
  ready: boolean
  metadata: unknown
  numPeers: number
  received: number
  bitfield: { get(index: number): boolean }
  addPeer(peer: string): boolean
  on(event: string, fn: (...args: unknown[]) => void): void
  once(event: string, fn: (...args: unknown[]) => void): void
  removeListener(event: string, fn: (...args: unknown[]) => void): void
  destroy(opts: { destroyStore: boolean }, cb?: (err?: Error) => void): void
  /** webtorrent internals: forget a verified piece so it is fetched again when needed. */
  _markUnverified(index: number): void
  _reservations: Array<unknown[] | null>
  pieces: unknown[]
}
interface WtClient {
  add(id: string, opts: Record<string, unknown>): WtTorrent
  get(id: string): Promise<WtTorrent | null>
  destroy(cb?: (err?: Error) => void): void
  on(event: string, fn: (...args: unknown[]) => void): void
}

/** The first read-ahead window of a stream; the next ones double up to readAheadBytes. */
const FIRST_WINDOW_BYTES = 2 * 1024 * 1024

interface Entry {
  torrent: WtTorrent
  metadata: Promise<void>
  lastUsed: number
  streams: number
}

export class TorrentEngine {
  private readonly client: WtClient
  private readonly entries = new Map<string, Entry>()
  private readonly sweeper: NodeJS.Timeout
  private destroyed = false

  constructor(private readonly opts: TorrentEngineOptions) {
    this.client = new WebTorrent({
      dht: opts.dht,
      tracker: opts.trackers,
      lsd: opts.lsd,
      utPex: opts.dht,
      natUpnp: false,
      natPmp: false,
      webSeeds: true,
      maxConns: opts.maxConnsPerTorrent,
      torrentHost: opts.listenHost,
    }) as unknown as WtClient
    // A failing torrent must not take the node down: it is logged, and its requests fail.
    this.client.on('error', (err) => opts.log.warn({ err }, 'webtorrent error'))
    // A piece the cache gave up must be fetched again if anyone asks for it. webtorrent has no
    // public call for this; _markUnverified is what it runs itself when a piece fails its hash.
    opts.cache.on('evicted', (infoHash, index) => {
      const torrent = this.entries.get(infoHash)?.torrent
      if (!torrent?.pieces || index >= torrent.pieces.length || !torrent.bitfield.get(index)) return
      torrent._markUnverified(index)
      torrent._reservations[index] = []
    })
    this.sweeper = setInterval(() => this.evictIdle(Date.now()), Math.max(250, Math.min(opts.idleEvictMs / 2, 30_000)))
    this.sweeper.unref()
  }

  get activeTorrents(): number {
    return this.entries.size
  }

  get peers(): number {
    let n = 0
    for (const e of this.entries.values()) n += e.torrent.numPeers
    return n
  }

  /** Whether the piece holding byte `offset` of the file is already verified on disk. */
  async isCached(infoHash: string, fileIndex: number, offset: number): Promise<boolean> {
    const t = (await this.open(infoHash)).torrent
    const file = t.files[fileIndex]
    if (!file) return false
    return t.bitfield.get(Math.floor((file.offset + offset) / t.pieceLength))
  }

  /** Bytes received from peers for this torrent since it was added (0 when not active). */
  receivedFromPeers(infoHash: string): number {
    return this.entries.get(infoHash)?.torrent.received ?? 0
  }

  has(infoHash: string): boolean {
    return this.entries.has(infoHash)
  }

  /** The torrent's metadata, fetching only the info dictionary if the node has not seen it. */
  async info(infoHash: string): Promise<TorrentInfo> {
    const t = (await this.open(infoHash)).torrent
    return {
      infoHash: t.infoHash,
      name: t.name,
      length: t.length,
      pieceLength: t.pieceLength,
      files: t.files.map((f, index) => ({ index, path: f.path, name: f.name, length: f.length, contentType: contentTypeOf(f.name), kind: mediaKindOf(f.name) })),
    }
  }

  /** One file of the torrent, or `not_found`. */
  async file(infoHash: string, fileIndex: number): Promise<TorrentFileInfo> {
    const info = await this.info(infoHash)
    const file = info.files[fileIndex]
    if (!file) throw new AppError('not_found', `This torrent has ${info.files.length} files; there is no file ${fileIndex}.`)
    return file
  }

  /**
   * Exactly the bytes start..end (inclusive) of a file, as they arrive. The range is read in
   * windows: the one being sent and the next are selected (the read-ahead), nothing further,
   * so a fast swarm never downloads past what the cache can hold before the player reads it.
   * Windows start small and double up to `readAheadBytes` (2 MiB, 4, 8, 16 …), as TCP's slow
   * start does: the first bytes a player or FFmpeg waits for are not fetched in competition with
   * 30 MB it does not need yet — on the 2-core box that download took the CPU the start needed
   * (a cold 68 MB stream from a loopback seeder: the first 16 MB in 1.0–1.3 s instead of
   * 1.4–1.7 s; bench:transcode: a conversion's first segment 2.0 → 1.9 s, a remux's 1.7 → 1.4 s)
   * — while a stream that goes on gets the deep read-ahead a real swarm needs.
   * A window that ends early (a piece evicted between download and read) is resumed from where
   * it stopped. Returning or abandoning the generator deselects what it selected.
   */
  async *read(infoHash: string, fileIndex: number, start: number, end: number): AsyncGenerator<Uint8Array> {
    const entry = await this.open(infoHash)
    const file = entry.torrent.files[fileIndex]
    if (!file) throw new AppError('not_found', 'No such file in this torrent.')
    const largest = Math.max(entry.torrent.pieceLength, this.opts.readAheadBytes)
    let size = Math.min(largest, Math.max(entry.torrent.pieceLength, FIRST_WINDOW_BYTES))
    /** The next window from `from`: its last byte; each one is twice the last, up to the read-ahead. */
    const windowFrom = (from: number) => {
      const last = Math.min(end, from + size - 1)
      size = Math.min(largest, size * 2)
      return last
    }
    // webtorrent reads `end: 0` as "to the end of the file"; ask for two bytes instead (same piece).
    const open = (from: number, last: number) => file[Symbol.asyncIterator]({ start: from, end: last === 0 && file.length > 1 ? 1 : last })
    /** The window after the one ending at `after`, selected now; null past the range. */
    const following = (after: number) => {
      if (after >= end) return null
      const last = windowFrom(after + 1)
      return { last, iter: open(after + 1, last) }
    }
    entry.streams++
    let pos = start
    let last = windowFrom(start)
    let current = open(start, last)
    let next = following(last)
    let stalls = 0
    try {
      while (pos <= end) {
        const { value, done } = await current.next()
        if (!done && value) {
          // webtorrent reads whole pieces' worth; never send more than was asked for.
          const chunk = value.length > last - pos + 1 ? value.subarray(0, last - pos + 1) : value
          pos += chunk.length
          stalls = 0
          entry.lastUsed = Date.now()
          yield chunk
        }
        if (pos > end) break
        if (done || pos > last) {
          if (pos <= last) {
            // Ended early: resume this window where it stopped.
            if (++stalls > 5) throw new AppError('upstream_unavailable', 'The torrent stopped delivering this part of the file.')
            await current.return?.()
            current = open(pos, last)
            continue
          }
          await current.return?.()
          if (next) {
            current = next.iter
            last = next.last
          } else {
            last = windowFrom(pos)
            current = open(pos, last)
          }
          next = following(last)
        }
      }
    } finally {
      entry.streams--
      entry.lastUsed = Date.now()
      await current.return?.()
      await next?.iter.return?.()
    }
  }

  private async open(infoHash: string): Promise<Entry> {
    if (this.destroyed) throw new AppError('upstream_unavailable', 'The media node is shutting down.')
    let entry = this.entries.get(infoHash)
    if (!entry && this.opts.admit && !(await this.opts.admit(infoHash))) {
      throw new AppError('not_found', 'This torrent is not in the catalog.')
    }
    entry ??= this.entries.get(infoHash)
    if (!entry) {
      this.makeRoom()
      entry = this.add(infoHash)
      this.entries.set(infoHash, entry)
    }
    entry.lastUsed = Date.now()
    await entry.metadata
    return entry
  }

  private add(infoHash: string): Entry {
    const torrent = this.client.add(infoHash, {
      // Never used for writing (the store keeps pieces by number), but webtorrent wants a path.
      path: join(this.opts.cache.dir, infoHash),
      store: this.opts.cache.storeClass(),
      deselect: true,
      ...(this.opts.trackers ? {} : { announce: [] }),
    })
    const addPeers = () => this.opts.staticPeers.forEach((p) => torrent.addPeer(p))
    if (torrent.infoHash) addPeers()
    else torrent.once('infoHash', addPeers)
    // 'ready' comes after 'metadata' once the pieces already in the cache are verified, so a
    // replay reads them from disk instead of asking peers again.
    const metadata = new Promise<void>((resolve, reject) => {
      if (torrent.ready) return resolve()
      const timer = setTimeout(() => {
        torrent.removeListener('ready', onMetadata)
        this.drop(infoHash)
        reject(
          new AppError('no_peers', `No peer sent this torrent's metadata within ${Math.round(this.opts.metadataDeadlineMs / 1000)} s.`, {
            details: { infoHash },
          }),
        )
      }, this.opts.metadataDeadlineMs)
      const onMetadata = () => {
        clearTimeout(timer)
        resolve()
      }
      torrent.once('ready', onMetadata)
    })
    metadata.catch(() => {})
    this.opts.log.info({ infoHash }, 'torrent added')
    return { torrent, metadata, lastUsed: Date.now(), streams: 0 }
  }

  /** At the limit, the least recently used torrent without streams makes room; else `busy`. */
  private makeRoom(): void {
    if (this.entries.size < this.opts.maxActiveTorrents) return
    const idle = [...this.entries].filter(([, e]) => e.streams === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0]
    if (!idle) throw new AppError('busy', 'The media node is streaming as many torrents as it may; try again shortly.')
    this.drop(idle[0])
  }

  evictIdle(now: number): string[] {
    const evicted: string[] = []
    for (const [infoHash, e] of this.entries) {
      if (e.streams === 0 && now - e.lastUsed >= this.opts.idleEvictMs) {
        this.drop(infoHash)
        evicted.push(infoHash)
      }
    }
    return evicted
  }

  private drop(infoHash: string): void {
    const entry = this.entries.get(infoHash)
    if (!entry) return
    this.entries.delete(infoHash)
    // Pieces stay on disk: a second play starts from the cache.
    entry.torrent.destroy({ destroyStore: false })
    this.opts.log.info({ infoHash }, 'torrent dropped')
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    clearInterval(this.sweeper)
    this.entries.clear()
    await new Promise<void>((resolve) => this.client.destroy(() => resolve()))
  }
}
