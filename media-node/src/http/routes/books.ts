import { SIGNED_TTL_S } from '@bittorrented/common'
import type { Hono } from 'hono'
import { z } from 'zod'
import type { TorrentEngine } from '../../adapters/torrent-engine.ts'
import { listComicPages, readComicPage, type ChunkReader } from '../../books/comic-archive.ts'
import { AppError } from '../../errors.ts'
import { signedFileTarget, signedPathFor, type SignedEnv } from '../require-signature.ts'

const PAGE_URL_TTL_S = SIGNED_TTL_S.media

/**
 * Comic books page by page. `GET /v1/comic/:infoHash/:fileIndex/pages`: the pages in reading
 * order, each with its own URL signed for the same person (relative, like HLS segments).
 * `GET /v1/comic/:infoHash/:fileIndex/page/:n`: one page's image, read out of the CBZ through
 * byte ranges of the torrent.
 */
export function mountBookRoutes(app: Hono<SignedEnv>, deps: { engine: TorrentEngine; signingKey: string; selfUrl: string }): void {
  const archive = async (infoHash: string, fileIndex: number) => {
    const file = await deps.engine.file(infoHash, fileIndex)
    if (!/\.cbz$/i.test(file.name)) throw new AppError('unplayable_media', 'Only CBZ comic books can be read page by page.')
    const chunks: ChunkReader = (start, end) => deps.engine.read(infoHash, fileIndex, start, end)
    return { chunks, size: file.length }
  }

  app.get('/v1/comic/:infoHash/:fileIndex/pages', async (c) => {
    const subject = c.get('subject')
    const { infoHash, fileIndex } = signedFileTarget(c, subject)
    const { chunks, size } = await archive(infoHash, fileIndex)
    const pages = await listComicPages(chunks, size)
    const withUrls = await Promise.all(
      pages.map(async (p) => ({
        index: p.index,
        name: p.name,
        url: await signedPathFor(deps.signingKey, deps.selfUrl, `/v1/comic/${infoHash}/${fileIndex}/page/${p.index}`, subject, PAGE_URL_TTL_S),
      })),
    )
    return c.json({ pages: withUrls }, 200, { 'Cache-Control': 'private, max-age=300' })
  })

  app.get('/v1/comic/:infoHash/:fileIndex/page/:n', async (c) => {
    const { infoHash, fileIndex } = signedFileTarget(c, c.get('subject'))
    const n = z.coerce.number().int().min(0).max(100_000).safeParse(c.req.param('n'))
    if (!n.success) throw new AppError('invalid_input', 'The page is a whole number.')
    const { chunks, size } = await archive(infoHash, fileIndex)
    const page = await readComicPage(chunks, size, n.data)
    return c.body(page.bytes, 200, { 'Content-Type': page.contentType, 'Cache-Control': 'private, max-age=86400', 'X-Content-Type-Options': 'nosniff' })
  })
}
