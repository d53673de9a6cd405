import { capabilitiesFromQuery, isFileIndex, isInfoHash } from '@bittorrented/common'
import type { LoaderFunctionArgs } from '@remix-run/cloudflare'
import { findTorrent } from '../lib/catalog.server.ts'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { mediaNode } from '../lib/media-node.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }

/**
 * GET /api/playback/:infoHash/:fileIndex?c=…&v=…&a=… — asks the media node how this browser
 * should receive the file (direct, remux, transcode) and passes its answer on.
 */
export function loader({ params, request, context }: LoaderFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const infoHash = (params.infoHash ?? '').toLowerCase()
    const fileIndex = Number(params.fileIndex)
    if (!isInfoHash(infoHash) || !isFileIndex(fileIndex)) throw new AppError('invalid_input', 'No such file.')
    const query = new URL(request.url).searchParams
    const caps = capabilitiesFromQuery((name) => query.get(name))
    if (!caps) throw new AppError('invalid_input', 'Capabilities are comma-separated known container and codec names.')
    // The same catalog and rating check as the watch page: nothing is signed for a title this
    // profile may not see, or for a hash the catalog does not hold.
    const found = await findTorrent(context.db, ctx, infoHash)
    if (!found?.files.some((f) => f.index === fileIndex)) throw new AppError('not_found', 'There is no such file.')
    const node = mediaNode(context.config, ctx)
    const answer = await node.playback(infoHash, fileIndex, caps)
    // Text tracks inside the file, each with a URL signed for this person.
    const subtitles = await Promise.all(answer.subtitles.map(async (t) => ({ ...t, url: await node.subtitleUrl(infoHash, fileIndex, t.index) })))
    return Response.json({ ...answer, subtitles }, { headers: { 'Cache-Control': 'private, max-age=300' } })
  })
}
