import type { MiddlewareHandler } from 'hono'
import { z } from 'zod'
import { grantsFile, SIGNED_TTL_S, type SignedSubject, signUrl, verifySignedUrl } from '@bittorrented/common'
import { AppError } from '../errors.ts'
import { parseInfoHash } from '../streaming/torrent-id.ts'

export type SignedEnv = { Variables: { subject: SignedSubject } }

/**
 * Refuses any request whose URL is not signed by the edge app for this method and path, or
 * whose signature has expired. The verified subject (user, profile, resource) is passed on.
 */
export function requireSignature(secret: string, now: () => number = Date.now, profileIsLive?: (profileId: string) => Promise<boolean>): MiddlewareHandler<SignedEnv> {
  return async (c, next) => {
    const verify = (method: string) => verifySignedUrl({ secret, method, url: c.req.url, maxTtlSeconds: SIGNED_TTL_S.media, now: now() })
    let check = await verify(c.req.method)
    // HEAD is GET without a body: a URL signed for GET is good for HEAD on the same path.
    if (!check.ok && c.req.method === 'HEAD') check = await verify('GET')
    if (!check.ok) throw new AppError('not_allowed', `signed URL refused: ${check.reason}`)
    if (check.subject.profileId && profileIsLive && !(await profileIsLive(check.subject.profileId))) throw new AppError('not_allowed', 'signed URL refused: its profile no longer exists')
    c.set('subject', check.subject)
    await next()
  }
}

/**
 * The torrent file a request's `:infoHash/:fileIndex` names, once the signed subject is checked
 * to grant it (the whole torrent, or this file): a URL signed for one thing is never a grant for
 * another.
 */
export function signedFileTarget(c: { req: { param(name: string): string } }, subject: SignedSubject): { infoHash: string; fileIndex: number } {
  const infoHash = parseInfoHash(c.req.param('infoHash'))
  const fileIndex = z.coerce.number().int().min(0).safeParse(c.req.param('fileIndex'))
  if (!fileIndex.success) throw new AppError('invalid_input', 'The file index is a whole number.')
  if (!grantsFile(subject.resource, infoHash, fileIndex.data)) throw new AppError('not_allowed', 'This URL was signed for something else.')
  return { infoHash, fileIndex: fileIndex.data }
}

/**
 * A path on this node (`/v1/…?…&sig=…`) signed for the same person as the request that lists it
 * (HLS segments, comic pages): relative, so the client resolves it against wherever it reached
 * the list.
 */
export async function signedPathFor(secret: string, selfUrl: string, path: string, subject: SignedSubject, ttlSeconds: number): Promise<string> {
  const url = await signUrl({ secret, method: 'GET', url: `${selfUrl}${path}`, subject, ttlSeconds })
  return url.slice(url.indexOf('/v1/'))
}
