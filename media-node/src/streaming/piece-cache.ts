/**
 * The node's disk cache of torrent pieces, one file per piece under
 * `<dir>/<infoHash>/<index>.piece`, with one byte cap over all torrents.
 *
 * Why our own chunk store instead of WebTorrent's fs-chunk-store: that one writes the torrent's
 * files under their own (peer-supplied) paths and never gives space back, so neither the cap
 * nor "nothing outside the cache directory" could be guaranteed. Here file names are only
 * info hashes and piece numbers, and before a piece is written the least recently used pieces
 * are deleted until it fits. Pieces at the start of each file ("heads", the first `headBytes`)
 * go last, so a title played recently starts from disk the next time.
 */
import { INFO_HASH_PATTERN } from '@bittorrented/common'
import { EventEmitter } from 'node:events'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

interface Entry {
  key: string
  infoHash: string
  index: number
  size: number
  head: boolean
  /** Reads in flight: such a piece is never deleted under them. */
  readers: number
}

const INFO_HASH_DIR = INFO_HASH_PATTERN
const PIECE_FILE = /^(\d{1,9})\.piece$/

export interface PieceCacheEvents {
  evicted: [infoHash: string, index: number]
}

export class PieceCache extends EventEmitter<PieceCacheEvents> {
  /** LRU order: first = least recently used. */
  private readonly entries = new Map<string, Entry>()
  private total = 0
  /** Writes and evictions run one at a time, so two puts can never both take the last room. */
  private writes: Promise<unknown> = Promise.resolve()

  constructor(
    readonly dir: string,
    readonly capBytes: number,
    readonly headBytes: number,
  ) {
    super()
  }

  get totalBytes(): number {
    return this.total
  }

  /** Picks up what earlier runs left on disk, oldest first. */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const found: Array<Entry & { mtime: number }> = []
    for (const name of await readdir(this.dir)) {
      if (!INFO_HASH_DIR.test(name)) continue
      for (const file of await readdir(join(this.dir, name))) {
        const m = PIECE_FILE.exec(file)
        if (!m) continue
        const s = await stat(join(this.dir, name, file))
        found.push({ key: `${name}/${m[1]}`, infoHash: name, index: Number(m[1]), size: s.size, head: false, readers: 0, mtime: s.mtimeMs })
      }
    }
    found.sort((a, b) => a.mtime - b.mtime)
    for (const { mtime: _, ...e } of found) {
      this.entries.set(e.key, e)
      this.total += e.size
    }
    await this.makeRoom(0)
  }

  /** The only file name the cache ever writes: `<40 hex>/<integer>.piece` under its directory. */
  private path(infoHash: string, index: number): string {
    if (!INFO_HASH_DIR.test(infoHash) || !Number.isSafeInteger(index) || index < 0) throw new Error(`not a piece: ${infoHash}/${index}`)
    return join(this.dir, infoHash, `${index}.piece`)
  }

  private touch(e: Entry): void {
    this.entries.delete(e.key)
    this.entries.set(e.key, e)
  }

  put(infoHash: string, index: number, data: Uint8Array, head: boolean): Promise<void> {
    const run = this.writes.then(() => this.putNow(infoHash, index, data, head))
    this.writes = run.catch(() => {})
    return run
  }

  private async putNow(infoHash: string, index: number, data: Uint8Array, head: boolean): Promise<void> {
    const key = `${infoHash}/${index}`
    const old = this.entries.get(key)
    if (old) {
      this.entries.delete(key)
      this.total -= old.size
    }
    if (data.length > this.capBytes) throw new Error(`a piece of ${data.length} bytes is larger than the whole cache (${this.capBytes} bytes)`)
    await this.makeRoom(data.length)
    const target = this.path(infoHash, index)
    await mkdir(join(this.dir, infoHash), { recursive: true })
    const partial = `${target}.${process.pid}.partial`
    await writeFile(partial, data)
    await rename(partial, target)
    const entry: Entry = { key, infoHash, index, size: data.length, head, readers: 0 }
    this.entries.set(key, entry)
    this.total += data.length
  }

  /** The piece's bytes, or null when it is not (or no longer) cached. */
  async get(infoHash: string, index: number): Promise<Buffer | null> {
    const e = this.entries.get(`${infoHash}/${index}`)
    if (!e) return null
    e.readers++
    try {
      const data = await readFile(this.path(infoHash, index))
      this.touch(e)
      return data
    } catch {
      return null
    } finally {
      e.readers--
    }
  }

  /** Deletes least recently used pieces — the rest first, file heads last — until `incoming` fits. */
  private async makeRoom(incoming: number): Promise<void> {
    for (const heads of [false, true]) {
      for (const e of [...this.entries.values()]) {
        if (this.total + incoming <= this.capBytes) return
        if (e.head !== heads || e.readers > 0) continue
        this.entries.delete(e.key)
        this.total -= e.size
        await rm(this.path(e.infoHash, e.index), { force: true })
        this.emit('evicted', e.infoHash, e.index)
      }
    }
    if (this.total + incoming > this.capBytes) throw new Error('the cache is full of pieces being read')
  }

  /** Chunk-store class for WebTorrent (abstract-chunk-store interface) over this cache. */
  storeClass() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const cache = this
    return class PieceCacheStore {
      readonly chunkLength: number
      private readonly infoHash: string
      private readonly heads: Set<number>

      constructor(chunkLength: number, opts: { torrent: { infoHash: string }; files: Array<{ offset: number; length: number }> }) {
        this.chunkLength = chunkLength
        this.infoHash = opts.torrent.infoHash
        this.heads = new Set()
        for (const f of opts.files) {
          if (f.length === 0) continue
          const last = Math.floor((f.offset + Math.min(f.length, cache.headBytes) - 1) / chunkLength)
          for (let i = Math.floor(f.offset / chunkLength); i <= last; i++) this.heads.add(i)
        }
      }

      put(index: number, buf: Uint8Array, cb: (err?: Error | null) => void = () => {}): void {
        cache.put(this.infoHash, index, buf, this.heads.has(index)).then(() => cb(null), cb)
      }

      get(index: number, opts: { offset?: number; length?: number } | null | ((err: Error | null, buf?: Buffer) => void), cb?: (err: Error | null, buf?: Buffer) => void): void {
        if (typeof opts === 'function') [cb, opts] = [opts, null]
        const done = cb!
        cache.get(this.infoHash, index).then((data) => {
          if (!data) return done(new Error('Chunk not found'))
          const offset = opts?.offset ?? 0
          done(null, data.subarray(offset, opts?.length === undefined ? undefined : offset + opts.length))
        }, done)
      }

      close(cb: (err?: Error | null) => void = () => {}): void {
        cb(null)
      }

      // Pieces outlive the torrent on purpose: they are the cache. The LRU frees the space.
      destroy(cb: (err?: Error | null) => void = () => {}): void {
        cb(null)
      }
    }
  }
}
