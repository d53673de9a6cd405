import { grantsFile, grantsTorrent } from '@bittorrented/common'
import { Readable } from 'node:stream'
import type { Hono } from 'hono'
import { z } from 'zod'
import type { SignedSubject } from '@bittorrented/common'
import type { WithDatabase } from '@bittorrented/common'
import type { TorrentEngine } from '../../adapters/torrent-engine.ts'
import { findAlternatives } from '../../catalog/alternatives.ts'
import { completeFileList } from '../../catalog/complete-file-list.ts'
import type { StreamMetrics } from '../../metrics.ts'
import { AppError } from '../../errors.ts'
import { parseByteRange } from '../../streaming/byte-range.ts'
import { parseInfoHash, parseMagnet } from '../../streaming/torrent-id.ts'
import type { SignedEnv } from '../require-signature.ts'

const FileIndexSchema = z.coerce.number().int().min(0).max(1_000_000)

/** `:infoHash` is a hex or base32 info hash, or a URL-encoded magnet link. */
function infoHashOf(param: string): string {
  return param.startsWith('magnet:') ? parseMagnet(param).infoHash : parseInfoHash(param)
}

/**
 * The signature already covers the path; the subject must also name this torrent (or this
 * file of it), so a URL signed for one thing can never be read as a grant for another.
 */
function requireResource(subject: SignedSubject, infoHash: string, fileIndex?: number): void {
  if (!(fileIndex === undefined ? grantsTorrent(subject.resource, infoHash) : grantsFile(subject.resource, infoHash, fileIndex)))
    throw new AppError('not_allowed', 'This URL was signed for something else.')
}

/** Passes the bytes through, timing the first one and counting them all. */
async function* measured(chunks: AsyncGenerator<Uint8Array>, metrics: StreamMetrics, startedAt: number): AsyncGenerator<Uint8Array> {
  let first = true
  for await (const chunk of chunks) {
    if (first) {
      metrics.timeToFirstByte.observe((performance.now() - startedAt) / 1000)
      first = false
    }
    metrics.bytesServed.inc(chunk.length)
    yield chunk
  }
}

/**
 * A `no_peers` answer carries the catalog's other torrents of the same title, so the person can
 * pick one that is being shared. A catalog that cannot be read leaves the list empty.
 */
async function withAlternatives<T>(withDb: WithDatabase, infoHash: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    if (err instanceof AppError && err.code === 'no_peers') {
      const alternatives = await findAlternatives(withDb, infoHash).catch(() => [])
      throw new AppError('no_peers', err.message, { cause: err, details: { ...err.details, alternatives } })
    }
    throw err
  }
}

export function mountStreamRoutes(app: Hono<SignedEnv>, engine: TorrentEngine, metrics: StreamMetrics, withDb: WithDatabase): void {
  app.on(['GET', 'HEAD'], '/v1/torrents/:infoHash', async (c) => {
    const infoHash = infoHashOf(c.req.param('infoHash'))
    requireResource(c.get('subject'), infoHash)
    const info = await withAlternatives(withDb, infoHash, () => engine.info(infoHash))
    // A torrent its source listed only in part gets its whole file list now that the metadata is here.
    await completeFileList(withDb, info).catch(() => false)
    return c.json(info, 200, { 'Cache-Control': 'private, max-age=60' })
  })

  app.on(['GET', 'HEAD'], '/v1/stream/:infoHash/:fileIndex', async (c) => {
    const startedAt = performance.now()
    const infoHash = infoHashOf(c.req.param('infoHash'))
    const parsedIndex = FileIndexSchema.safeParse(c.req.param('fileIndex'))
    if (!parsedIndex.success) throw new AppError('invalid_input', 'The file index is a whole number.')
    const fileIndex = parsedIndex.data
    requireResource(c.get('subject'), infoHash, fileIndex)
    const file = await withAlternatives(withDb, infoHash, () => engine.file(infoHash, fileIndex))
    const range = parseByteRange(c.req.header('Range'), file.length)
    const headers: Record<string, string> = {
      'Accept-Ranges': 'bytes',
      'Content-Type': file.contentType,
      'Cache-Control': 'private, no-transform',
    }
    if (range.kind === 'unsatisfiable') {
      return c.body(null, 416, { ...headers, 'Content-Range': `bytes */${file.length}` })
    }
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, file.length - 1]
    const status = range.kind === 'partial' ? 206 : 200
    headers['Content-Length'] = String(file.length === 0 ? 0 : end - start + 1)
    if (status === 206) headers['Content-Range'] = `bytes ${start}-${end}/${file.length}`
    if (c.req.method === 'HEAD' || file.length === 0) return c.body(null, status, headers)
    metrics.streamsStarted.inc({ cache: (await engine.isCached(infoHash, fileIndex, start)) ? 'hit' : 'miss' })
    const body = Readable.toWeb(Readable.from(measured(engine.read(infoHash, fileIndex, start, end), metrics, startedAt))) as ReadableStream<Uint8Array>
    return c.body(body, status, headers)
  })
}
