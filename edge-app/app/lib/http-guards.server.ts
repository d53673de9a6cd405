/**
 * What every request passes before any route runs, and what every answer carries:
 *   - a state-changing request (anything but GET/HEAD/OPTIONS) must come from our own origin
 *     (`Origin`, or `Sec-Fetch-Site: same-origin` where a browser sends no Origin): another
 *     port or subdomain of the same site is another origin and may not write (CSRF);
 *   - a body is at most MAX_BODY_BYTES, refused by its declared length before it is read;
 *   - a URL with a NUL or other C0 control character is a 400, not a database error;
 *   - pages get CSP (scripts only from us, with the response's nonce), frame-ancestors 'none',
 *     Referrer-Policy, nosniff, and `private, no-store` when nothing else set a cache policy
 *     (pages carry signed media URLs).
 * See docs/security.md.
 */
import { AppError, errorResponse } from './errors.ts'

export const MAX_BODY_BYTES = 64 * 1024
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** C0 controls and DEL; TAB, LF and CR included: none belongs in a path or query we serve. */
const CONTROL = /[\u0000-\u001f\u007f]/

export function isStateChanging(method: string): boolean {
  return STATE_CHANGING.has(method.toUpperCase())
}

/** Whether a state-changing request comes from a page of our own origin. */
export function isSameOriginRequest(request: Request): boolean {
  const self = new URL(request.url).origin
  const origin = request.headers.get('Origin')
  if (origin !== null) return origin === self
  // Browsers send Origin with every POST since 2020; Sec-Fetch-Site is the fallback they also send.
  return request.headers.get('Sec-Fetch-Site') === 'same-origin'
}

function decodedHasControl(raw: string): boolean {
  try {
    return CONTROL.test(decodeURIComponent(raw.replace(/\+/g, ' ')))
  } catch {
    return true // a broken %-escape is as bad
  }
}

/**
 * Server-to-server deliveries that come from no page of ours (no Origin) and prove themselves by
 * a signature over their body instead, checked by their route before anything else.
 */
export const SIGNED_WEBHOOK_PATHS: ReadonlySet<string> = new Set(['/api/billing/coinpay/webhook'])
/** Routes that take a larger body than MAX_BODY_BYTES (an OPML export of thousands of feeds); each reads it bounded itself. */
export const LARGE_BODY_PATHS: ReadonlyMap<string, number> = new Map([
  ['/podcasts/import', 5 * 1024 * 1024],
  // An uploaded IPTV playlist (the database keeps up to 16 MB of it).
  ['/live', 16 * 1024 * 1024],
])

/** The refusal a request gets before routing, or null when it may go on. */
export function refuseBadRequest(request: Request): Response | null {
  const url = new URL(request.url)
  if (decodedHasControl(url.pathname) || decodedHasControl(url.search)) {
    return errorResponse(new AppError('invalid_input', 'The address contains characters that are not allowed.'))
  }
  if (isStateChanging(request.method)) {
    if (!SIGNED_WEBHOOK_PATHS.has(url.pathname) && !isSameOriginRequest(request)) return errorResponse(new AppError('not_allowed', 'This request did not come from this site.'))
    const length = Number(request.headers.get('Content-Length') ?? '0')
    if (!Number.isFinite(length) || length > (LARGE_BODY_PATHS.get(url.pathname) ?? MAX_BODY_BYTES)) return errorResponse(new AppError('payload_too_large', 'That request is too large.'))
  }
  return null
}

/**
 * The body of a request, read up to MAX_BODY_BYTES (a chunked body without a length is counted
 * as it comes) — so no route reads 10 MB to answer 400.
 */
export async function readBodyText(request: Request, maxBytes = MAX_BODY_BYTES): Promise<string> {
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => {})
      throw new AppError('payload_too_large', 'That request is too large.')
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    bytes.set(c, at)
    at += c.byteLength
  }
  return new TextDecoder().decode(bytes)
}

/** Whether any string in a parsed JSON value holds a NUL (PostgreSQL text cannot). */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (Array.isArray(value)) return value.some(holdsNul)
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('\u0000') || holdsNul(v))
  return false
}

/**
 * The JSON body of an API request: `application/json` only (a cross-site form can send
 * text/plain without asking first), bounded, parsed, no NUL anywhere. Errors are 4xx AppErrors.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = (request.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') throw new AppError('unsupported_media_type', 'Send the request as application/json.')
  const text = await readBodyText(request)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new AppError('invalid_input', 'The request body is not valid JSON.')
  }
  if (holdsNul(value)) throw new AppError('invalid_input', 'The request contains characters that are not allowed.')
  return value
}

export interface CspSources {
  mediaNodeUrl: string
  partyUrl: string
}

function originOf(url: string): string {
  return new URL(url).origin
}

function wsOriginOf(url: string): string {
  const u = new URL(url)
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:'
  return u.origin
}

/** The Content-Security-Policy of a page rendered with `nonce`. */
export function contentSecurityPolicy(nonce: string, sources: CspSources): string {
  const media = originOf(sources.mediaNodeUrl)
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${media}`,
    `media-src 'self' blob: ${media}`,
    `connect-src 'self' ${media} ${wsOriginOf(sources.partyUrl)}`,
    "worker-src 'self' blob:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** A fresh nonce for one response's scripts (128 bits, base64). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

/** Adds the security headers to an answer (a copy when its headers are immutable). */
export function withSecurityHeaders(response: Response, nonce: string, sources: CspSources): Response {
  let res = response
  try {
    res.headers.set('X-Content-Type-Options', 'nosniff')
  } catch {
    res = new Response(response.body, response)
    res.headers.set('X-Content-Type-Options', 'nosniff')
  }
  const h = res.headers
  h.set('Referrer-Policy', 'strict-origin-when-cross-origin')
  h.set('X-Frame-Options', 'DENY')
  const type = h.get('Content-Type') ?? ''
  if (type.startsWith('text/html')) {
    h.set('Content-Security-Policy', contentSecurityPolicy(nonce, sources))
    if (!h.has('Cache-Control')) h.set('Cache-Control', 'private, no-store')
  } else {
    h.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'")
    if (!h.has('Cache-Control') && type.startsWith('application/json')) h.set('Cache-Control', 'private, no-store')
  }
  return res
}
