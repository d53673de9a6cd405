import { fileResource, isFileIndex, isInfoHash, SIGNED_TTL_S } from '@bittorrented/common'
import type { LoaderFunctionArgs } from '@remix-run/cloudflare'
import { findTorrent } from '../lib/catalog.server.ts'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { signedSubtitleUrl, signFor } from '../lib/media-urls.server.ts'
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
    // The same catalog and rating check as the watch page: nothing is signed for a title this
    // profile may not see, or for a hash the catalog does not hold.
    const found = await findTorrent(context.db, ctx, infoHash)
    if (!found || !found.files.some((f) => f.index === fileIndex)) throw new AppError('not_found', 'There is no such file.')
    const signed = await signFor(context.config, ctx, `/v1/playback/${infoHash}/${fileIndex}`, fileResource(infoHash, fileIndex), SIGNED_TTL_S.metadata)
    const caps = new URL(request.url).searchParams
    const url = new URL(signed)
    for (const k of ['c', 'v', 'a']) url.searchParams.set(k, caps.get(k) ?? '')
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) })
    const body = (await res.json()) as { subtitles?: Array<{ index: number; language: string | null; title: string | null; isDefault: boolean }> }
    // Text tracks inside the file, each with a URL signed for this person.
    const subtitles = await Promise.all(
      (body.subtitles ?? []).map(async (t) => ({ ...t, url: await signedSubtitleUrl(context.config, ctx, infoHash, fileIndex, t.index) })),
    )
    return Response.json({ ...body, subtitles }, { status: res.status, headers: { 'Cache-Control': 'private, max-age=300' } })
  })
}
