/**
 * Fetching a URL someone typed (an IPTV playlist, an XMLTV guide, a provider's API, a logo, a
 * podcast feed) without letting it reach what it should not: the node's own network.
 *
 * - The address is checked where the connection is made: Node's `lookup` hook gives every
 *   address DNS answered, and a loopback, private, link-local (cloud metadata), CGNAT,
 *   multicast or otherwise reserved one refuses the connection. A name that resolved to a
 *   public address a moment ago and to 127.0.0.1 now (DNS rebinding) is refused at connect time.
 *   An address written as a literal is checked the same way before connecting.
 * - Redirects are followed by hand (at most 5), each new URL checked again from the start.
 * - Only http and https, and no user name or password inside the URL.
 * - Size and time: the body is cut off past `maxBytes` (after gzip/deflate decoding, so a gzip
 *   bomb stops at the limit), the whole exchange past `timeoutMs`, and a server that sends
 *   nothing for `idleMs` (slow-loris) is dropped.
 * - `allow` names exact `host:port` pairs that may be private (the loopback fixture services
 *   `npm start` runs); nothing else is.
 *
 * Written here rather than taken from a package: the maintained SSRF agents (e.g.
 * `ssrf-req-filter`) check the address but not redirects, sizes or stalls, and we need all four
 * at once on a streamed body.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'
import { PassThrough, type Readable } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import ipaddr from 'ipaddr.js'
import { AppError } from '../errors.ts'

export interface SafeFetchOptions {
  /** The most bytes of body (decoded) read; past it the fetch fails with a clear message. */
  maxBytes: number
  /** The whole exchange, redirects and body included; Infinity for a live stream (then only `idleMs` bounds it). */
  timeoutMs: number
  /** The longest silence from the server while the body flows. */
  idleMs?: number
  maxRedirects?: number
  /** `host:port` pairs that may be on a private network (the loopback fixture services). */
  allow?: ReadonlySet<string>
  headers?: Record<string, string>
  /** What the fetch is for, in the person's words: "the playlist", "the guide". */
  what?: string
}

export interface SafeResponse {
  /** The URL that answered, after redirects. */
  url: string
  /** The status of each redirect followed, in order (a feed that answered 301 has moved). */
  redirects: number[]
  status: number
  headers: IncomingMessage['headers']
  /** The body, decoded (gzip, deflate, br), ending with an error past the size or time limits. */
  body: Readable
}

const DEFAULT_IDLE_MS = 15_000
const DEFAULT_REDIRECTS = 5

/** Why an address may not be fetched, or null when it is a public unicast address. */
export function refusedRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an address'
  let ip = ipaddr.parse(address)
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address()
  const range = ip.range()
  return range === 'unicast' ? null : range
}

const NAMES: Record<string, string> = {
  loopback: 'this machine',
  private: 'a private network',
  linkLocal: 'a link-local address (where cloud metadata services live)',
  uniqueLocal: 'a private network',
  carrierGradeNat: 'a carrier-grade NAT range',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
  reserved: 'a reserved range',
}

function refusal(what: string, host: string, address: string, range: string): AppError {
  return new AppError('invalid_input', `${what} is on ${NAMES[range] ?? `a ${range} range`} (${host} is ${address}); the node does not fetch from there.`)
}

/** Node's lookup, refusing (at connect time) every address outside public unicast unless allowed. */
function guardedLookup(what: string, allowed: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0)
      const list = addresses
      // Every address DNS gave: the connection may be made to any of them (happy eyeballs).
      for (const a of list) {
        const range = refusedRange(a.address)
        if (range && !allowed) return callback(refusal(what, hostname, a.address, range) as unknown as NodeJS.ErrnoException, '', 0)
      }
      const first = list[0]
      if (!first) return callback(new Error(`${hostname} has no address`) as NodeJS.ErrnoException, '', 0)
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list)
      callback(null, first.address, first.family)
    })
  }
}

function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80')
}

/** One request, no redirects followed; the connection's address is checked by the lookup. */
function requestOnce(url: URL, opts: SafeFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const what = opts.what ?? 'That address'
  const allowed = opts.allow?.has(`${url.hostname.replace(/^\[|\]$/g, '')}:${portOf(url)}`) ?? false
  const literal = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(literal)) {
    const range = refusedRange(literal)
    if (range && !allowed) return Promise.reject(refusal(what, literal, literal, range))
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: 'GET',
      headers: { 'accept-encoding': 'gzip, deflate, br', 'user-agent': 'BitTorrented/0.1', ...opts.headers },
      lookup: guardedLookup(what, allowed),
      signal,
      timeout: opts.idleMs ?? DEFAULT_IDLE_MS,
    })
    req.once('timeout', () => req.destroy(new AppError('upstream_unavailable', `${what} stopped answering.`)))
    req.once('response', resolve)
    req.once('error', (err) => reject(err instanceof AppError ? err : new AppError('upstream_unavailable', `${what} could not be reached: ${err.message}`, { cause: err })))
    req.end()
  })
}

function decoded(res: IncomingMessage): Readable {
  switch (String(res.headers['content-encoding'] ?? '').toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return res.pipe(createGunzip())
    case 'deflate':
      return res.pipe(createInflate())
    case 'br':
      return res.pipe(createBrotliDecompress())
    default:
      return res
  }
}

/** Fetches `input` within the limits; any status comes back (the caller decides what a 401 means). */
export async function safeFetch(input: string, opts: SafeFetchOptions): Promise<SafeResponse> {
  const what = opts.what ?? 'That address'
  const controller = new AbortController()
  const deadline = Number.isFinite(opts.timeoutMs)
    ? setTimeout(() => controller.abort(new AppError('upstream_unavailable', `${what} took longer than ${Math.round(opts.timeoutMs / 1000)} s.`)), opts.timeoutMs)
    : undefined
  deadline?.unref()
  const fail = (err: unknown): never => {
    clearTimeout(deadline)
    throw controller.signal.aborted && controller.signal.reason instanceof AppError ? controller.signal.reason : err
  }
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return fail(new AppError('invalid_input', `${what} is not a URL.`))
  }
  let res: IncomingMessage | null = null
  const redirects: number[] = []
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(new AppError('invalid_input', `${what} must be an http or https URL.`))
    if (url.username || url.password) return fail(new AppError('invalid_input', `${what} may not carry a user name or password in the URL.`))
    res = await requestOnce(url, opts, controller.signal).catch(fail)
    const location = res.headers.location
    if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location) {
      res.resume()
      redirects.push(res.statusCode)
      if (hop >= (opts.maxRedirects ?? DEFAULT_REDIRECTS)) return fail(new AppError('upstream_unavailable', `${what} redirected more than ${opts.maxRedirects ?? DEFAULT_REDIRECTS} times.`))
      try {
        url = new URL(location, url)
      } catch {
        return fail(new AppError('upstream_unavailable', `${what} redirected to something that is not a URL.`))
      }
      continue
    }
    break
  }
  const source = decoded(res)
  const body = new PassThrough()
  let bytes = 0
  let stopped = false
  // The first reason wins: destroying the response makes it report "aborted" too.
  const stop = (err: Error) => {
    if (stopped) return
    stopped = true
    clearTimeout(deadline)
    body.destroy(err)
    res.destroy()
    source.destroy()
  }
  controller.signal.addEventListener('abort', () => stop(controller.signal.reason as Error), { once: true })
  res.socket?.setTimeout(opts.idleMs ?? DEFAULT_IDLE_MS, () => stop(new AppError('upstream_unavailable', `${what} stopped sending.`)))
  source.on('data', (chunk: Buffer) => {
    bytes += chunk.length
    if (bytes > opts.maxBytes) return stop(new AppError('invalid_input', `${what} is larger than ${Math.round(opts.maxBytes / 1024 / 1024)} MB; the node reads no more of it.`))
    if (!body.write(chunk)) source.pause()
  })
  body.on('drain', () => source.resume())
  source.once('end', () => {
    clearTimeout(deadline)
    body.end()
  })
  source.once('error', (err) => stop(new AppError('upstream_unavailable', `${what} could not be read: ${err.message}`, { cause: err })))
  res.once('aborted', () => stop(new AppError('upstream_unavailable', `${what} ended the connection early.`)))
  return { url: url.toString(), redirects, status: res.statusCode ?? 0, headers: res.headers, body }
}

/** The whole body as bytes (for small binaries: logos). */
export async function readBytes(body: Readable): Promise<Uint8Array> {
  const parts: Buffer[] = []
  for await (const chunk of body) parts.push(chunk as Buffer)
  return new Uint8Array(Buffer.concat(parts))
}

/** The whole body as text (for answers small enough to hold: API JSON, short playlists). */
export async function readText(body: Readable): Promise<string> {
  return new TextDecoder('utf-8').decode(await readBytes(body))
}
