/**
 * HLS passed on through the node (Live TV's channels, radio's HLS stations): an upstream
 * playlist goes to the browser with every URI rewritten to `<base>/<id>/r/<token>`, signed for
 * the same person, where the token names the upstream URL (and its headers) in memory only; a
 * token's URL is fetched in turn — a playlist rewritten again, anything else passed through.
 */
import { Readable } from 'node:stream'
import { SIGNED_TTL_S, type SignedSubject } from '@bittorrented/common'
import type { Context } from 'hono'
import { AppError } from '../errors.ts'
import { fetchUpstream, type Fetched, type ProxyLimits, rewritePlaylist, UpstreamTokens } from '../iptv/live-proxy.ts'
import { signedPathFor } from './require-signature.ts'

const HLS = 'application/vnd.apple.mpegurl'
const TOKEN = /^[A-Za-z0-9_-]{22}$/

export function hlsRelay(opts: { signingKey: string; selfUrl: string; base: string; limits: ProxyLimits; what: string; expired: string }) {
  const tokens = new UpstreamTokens()
  const rewritten = (id: number, text: string, from: string, headers: Record<string, string>, subject: SignedSubject): Promise<string> =>
    rewritePlaylist(text, from, (uri) => signedPathFor(opts.signingKey, opts.selfUrl, `${opts.base}/${id}/r/${tokens.remember(id, { url: uri, headers })}`, subject, SIGNED_TTL_S.media))

  /** A playlist fetched upstream, as the browser gets it. */
  const playlist = async (c: Context, id: number, fetched: Extract<Fetched, { kind: 'playlist' }>, headers: Record<string, string>, subject: SignedSubject) =>
    c.body(await rewritten(id, fetched.text, fetched.finalUrl, headers, subject), 200, { 'Content-Type': HLS, 'Cache-Control': 'no-store' })

  /** `GET <base>/<id>/r/<token>`: what a rewritten URI names. */
  const relay = async (c: Context, id: number, token: string, subject: SignedSubject) => {
    const target = TOKEN.test(token) ? tokens.recall(id, token) : null
    if (!target) throw new AppError('not_found', opts.expired)
    const fetched = await fetchUpstream(target, opts.limits, opts.what)
    if (fetched.kind === 'playlist') return playlist(c, id, fetched, target.headers, subject)
    return c.body(Readable.toWeb(fetched.body) as ReadableStream<Uint8Array>, 200, { 'Content-Type': fetched.contentType, 'Cache-Control': 'private, max-age=60' })
  }

  return { playlist, relay }
}
