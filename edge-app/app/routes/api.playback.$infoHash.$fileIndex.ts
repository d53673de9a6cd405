import type { LoaderFunctionArgs } from '@remix-run/cloudflare'
import { signUrl } from '@bittorrented/common'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
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
    if (!/^[0-9a-f]{40}$/.test(infoHash) || !Number.isInteger(fileIndex) || fileIndex < 0) throw new AppError('invalid_input', 'No such file.')
    const signed = await signUrl({
      secret: context.config.signingKey,
      method: 'GET',
      url: new URL(`/v1/playback/${infoHash}/${fileIndex}`, context.config.mediaNodeUrl).toString(),
      subject: { userId: ctx.userId, profileId: ctx.profileId, resource: `torrent:${infoHash}/${fileIndex}` },
      ttlSeconds: 60,
    })
    const caps = new URL(request.url).searchParams
    const url = new URL(signed)
    for (const k of ['c', 'v', 'a']) url.searchParams.set(k, caps.get(k) ?? '')
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) })
    return new Response(res.body, { status: res.status, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'private, max-age=300' } })
  })
}
