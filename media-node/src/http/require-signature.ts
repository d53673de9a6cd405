import type { MiddlewareHandler } from 'hono'
import { verifySignedUrl, type SignedSubject } from '@bittorrented/common'
import { AppError } from '../errors.ts'

export type SignedEnv = { Variables: { subject: SignedSubject } }

/**
 * Refuses any request whose URL is not signed by the edge app for this method and path, or
 * whose signature has expired. The verified subject (user, profile, resource) is passed on.
 */
export function requireSignature(secret: string, now: () => number = Date.now): MiddlewareHandler<SignedEnv> {
  return async (c, next) => {
    const check = await verifySignedUrl({ secret, method: c.req.method, url: c.req.url, now: now() })
    if (!check.ok) throw new AppError('not_allowed', `signed URL refused: ${check.reason}`)
    c.set('subject', check.subject)
    await next()
  }
}
