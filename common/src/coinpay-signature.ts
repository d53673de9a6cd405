/**
 * CoinPayPortal's webhook signature (../shared/EXTERNAL-APIS.md §1.4), both ways: the header
 * `X-CoinPay-Signature: t=<unix seconds>,v1=<hex>` where v1 is lower-case hex of
 * HMAC-SHA256(secret, `${t}.` + the raw body bytes). Verification works on the raw bytes before
 * any parse, splits the header as the provider's SDKs do (on `,`, then each part on its first
 * `=`), requires `t` to be whole seconds within 300 s of now (stale and future alike) and `v1`
 * 64 hex characters, and compares in constant time (WebCrypto's HMAC verify). Web platform only:
 * the edge app verifies with it, the loopback fixture signs with it.
 */

export const COINPAY_SIGNATURE_HEADER = 'X-CoinPay-Signature'
export const COINPAY_TOLERANCE_S = 300

export type CoinpayVerdict = { ok: true; t: number } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' }

const enc = new TextEncoder()
/** WebCrypto's key type, named the same way under Node's types and the web platform's. */
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<HmacKey> {
  return crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage])
}

function signedBytes(t: number | string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const head = enc.encode(`${t}.`)
  const out = new Uint8Array(head.length + body.length)
  out.set(head, 0)
  out.set(body, head.length)
  return out
}

const toBytes = (body: Uint8Array | string) => (typeof body === 'string' ? enc.encode(body) : body)

/** The header value for `body` signed at `t` (unix seconds). */
export async function signCoinpayWebhook(secret: string, body: Uint8Array | string, t: number): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), signedBytes(t, toBytes(body))))
  return `t=${t},v1=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

/** Checks a delivery's signature header against its raw body. Never throws for bad input. */
export async function verifyCoinpayWebhook(opts: { header: string | null; body: Uint8Array | string; secret: string; nowMs?: number; toleranceS?: number }): Promise<CoinpayVerdict> {
  const header = opts.header?.trim()
  if (!header) return { ok: false, reason: 'missing' }
  const parts = new Map<string, string>()
  for (const part of header.split(',')) {
    const at = part.indexOf('=')
    if (at <= 0) return { ok: false, reason: 'malformed' }
    parts.set(part.slice(0, at).trim(), part.slice(at + 1).trim())
  }
  const tRaw = parts.get('t')
  const v1 = parts.get('v1')
  if (!tRaw || !/^\d{1,15}$/.test(tRaw) || !v1 || !/^[0-9a-fA-F]{64}$/.test(v1)) return { ok: false, reason: 'malformed' }
  const t = Number(tRaw)
  if (!Number.isSafeInteger(t) || t <= 0) return { ok: false, reason: 'malformed' }
  const now = Math.floor((opts.nowMs ?? Date.now()) / 1000)
  if (Math.abs(now - t) > (opts.toleranceS ?? COINPAY_TOLERANCE_S)) return { ok: false, reason: 'stale' }
  const mac = new Uint8Array(32)
  for (let i = 0; i < 32; i++) mac[i] = Number.parseInt(v1.slice(i * 2, i * 2 + 2), 16)
  const good = await crypto.subtle.verify('HMAC', await hmacKey(opts.secret, 'verify'), mac, signedBytes(tRaw, toBytes(opts.body)))
  return good ? { ok: true, t } : { ok: false, reason: 'mismatch' }
}
