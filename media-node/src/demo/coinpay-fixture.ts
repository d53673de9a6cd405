/**
 * A loopback CoinPayPortal for `npm start` and the tests, speaking what its code really sends
 * (../shared/EXTERNAL-APIS.md §1):
 *
 * - `POST /api/payments/create` (Bearer `cp_test_`/`cp_live_` key, `Idempotency-Key` replays
 *   the same payment with `idempotent_replay: true`, a 15-minute window, `{success:false,error}`
 *   refusals), `GET /api/payments/:id` (public, no `data` wrapper), `GET /api/supported-coins`,
 *   `GET /api/rates?from=BTC&to=USD`;
 * - a wallet page, `GET /wallet/:id`, where a person "pays" a pending payment; then the payment
 *   is `confirmed` and, a few seconds later, `forwarded`, each announced by a webhook signed the
 *   real way (`X-CoinPay-Signature: t=…,v1=…` over `t.body`, nested `{id,type,data,created_at,
 *   business_id}` payload, 3 attempts re-signed with a fresh `t`), except that one payment in five
 *   gets no webhook at all (the cron path's lost delivery), so reconciliation must find it;
 * - expiry: a pending payment past its window reads `expired` (and says so by webhook).
 *
 * Nothing here is used by the product; it stands in for the payment provider.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { COINPAY_SIGNATURE_HEADER, signCoinpayWebhook } from '@bittorrented/common'

export const FIXTURE_COINPAY_KEY = 'cp_test_DemoLoopbackKey0000000000000000'
export const FIXTURE_BUSINESS_ID = '3b0c1f5e-0000-4000-8000-00000000b1e5'

const RATES_USD: Record<string, number> = { BTC: 60_000, ETH: 3_000, SOL: 150, POL: 0.5, LTC: 80, DOGE: 0.15, USDT: 1, USDC_POL: 1, USDC_SOL: 1 }
const FEE_USD: Record<string, number> = { BTC: 2, ETH: 1, SOL: 0.01, POL: 0.01, LTC: 0.05, DOGE: 0.5, USDT: 1, USDC_POL: 0.01, USDC_SOL: 0.01 }
const WINDOW_MS = 15 * 60_000

export interface FixturePayment {
  id: string
  amount: number
  blockchain: string
  crypto_amount: string
  payment_address: string
  status: 'pending' | 'confirmed' | 'forwarding' | 'forwarded' | 'expired'
  created_at: string
  expires_at: string
  tx_hash: string | null
  forward_tx_hash: string | null
  confirmations: number
  metadata: Record<string, unknown>
  /** The fifth, tenth… payment: its webhooks are never sent. */
  lost: boolean
}

export interface CoinpayFixture {
  url: string
  server: Server
  payments: Map<string, FixturePayment>
  /** Webhook deliveries made: [event type, payment id, HTTP status of the answer or 0]. */
  deliveries: Array<[string, string, number]>
  /** Pays a pending payment as the wallet page does (tests). */
  pay(id: string): Promise<void>
  stop(): Promise<void>
}

const decimals = (coin: string) => (coin.startsWith('USD') ? 2 : coin === 'BTC' ? 8 : 6)
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export async function startCoinpayFixture(opts: {
  port: number
  webhookUrl: string
  webhookSecret: string
  apiKey?: string
  now?: () => number
  /** Seconds from confirmed to forwarded (default 3). */
  forwardAfterS?: number
  /** Every n-th payment's webhooks are lost (default 5; 0: none). */
  loseEvery?: number
}): Promise<CoinpayFixture> {
  const now = opts.now ?? Date.now
  const apiKey = opts.apiKey ?? FIXTURE_COINPAY_KEY
  const payments = new Map<string, FixturePayment>()
  const byKey = new Map<string, string>()
  const deliveries: CoinpayFixture['deliveries'] = []
  const timers = new Set<NodeJS.Timeout>()
  let created = 0
  let base = ''

  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(text)) })
    res.end(text)
  }
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      let body = ''
      req.on('data', (d: Buffer) => {
        body += d
        if (body.length > 64 * 1024) req.destroy()
      })
      req.on('end', () => resolve(body))
      req.on('error', reject)
    })

  const publicView = (p: FixturePayment) => ({
    id: p.id,
    amount: p.amount,
    currency: 'USD',
    blockchain: p.blockchain,
    status: p.status,
    crypto_amount: p.crypto_amount,
    crypto_currency: p.blockchain,
    payment_address: p.payment_address,
    confirmations: p.confirmations,
    created_at: p.created_at,
    expires_at: p.expires_at,
    tx_hash: p.tx_hash,
    forward_tx_hash: p.forward_tx_hash,
  })

  /** The main path's webhook: nested payload, signed, 3 attempts (1 s, 2 s apart), each re-signed. */
  const webhook = async (p: FixturePayment, type: string) => {
    if (p.lost) return
    const payload = {
      id: `evt_${p.id}_${Math.floor(now() / 1000)}`,
      type,
      data: {
        payment_id: p.id,
        status: p.status,
        amount: p.amount,
        amount_crypto: p.crypto_amount,
        amount_usd: p.amount,
        currency: p.blockchain.toLowerCase(),
        confirmations: p.confirmations,
        payment_address: p.payment_address,
        tx_hash: type === 'payment.forwarded' ? p.forward_tx_hash : p.tx_hash,
        received_amount: p.crypto_amount,
        confirmed_at: new Date(now()).toISOString(),
        metadata: { ...p.metadata, payment_rail: 'crypto' },
      },
      created_at: new Date(now()).toISOString(),
      business_id: FIXTURE_BUSINESS_ID,
    }
    const body = JSON.stringify(payload)
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 1000 * attempt))
      let status = 0
      try {
        const res = await fetch(opts.webhookUrl, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'CoinPay-Webhook/1.0',
            [COINPAY_SIGNATURE_HEADER]: await signCoinpayWebhook(opts.webhookSecret, body, Math.floor(now() / 1000)),
          },
          body,
          signal: AbortSignal.timeout(30_000),
        })
        status = res.status
        await res.arrayBuffer()
      } catch {}
      deliveries.push([type, p.id, status])
      if (status >= 200 && status < 300) return
    }
  }

  const expireIfDue = (p: FixturePayment) => {
    if (p.status === 'pending' && now() > Date.parse(p.expires_at)) {
      p.status = 'expired'
      void webhook(p, 'payment.expired')
    }
  }

  const pay = async (id: string) => {
    const p = payments.get(id)
    if (!p) throw new Error('no such payment')
    expireIfDue(p)
    if (p.status !== 'pending') return
    p.status = 'confirmed'
    p.confirmations = 3
    p.tx_hash = `0x${createHash('sha256').update(`in:${p.id}`).digest('hex')}`
    void webhook(p, 'payment.confirmed')
    const t = setTimeout(
      () => {
        timers.delete(t)
        p.status = 'forwarded'
        p.forward_tx_hash = `0x${createHash('sha256').update(`out:${p.id}`).digest('hex')}`
        void webhook(p, 'payment.forwarded')
      },
      (opts.forwardAfterS ?? 3) * 1000,
    )
    timers.add(t)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base)
    const path = url.pathname
    let m: RegExpMatchArray | null
    if (path === '/api/payments/create' && req.method === 'POST') {
      const auth = req.headers.authorization ?? ''
      if (!auth) return send(res, 401, { success: false, error: 'Missing authorization header' })
      if (auth !== `Bearer ${apiKey}`) return send(res, 401, { success: false, error: 'Invalid token' })
      let body: { amount?: unknown; amount_usd?: unknown; blockchain?: unknown; currency?: unknown; description?: unknown; metadata?: unknown }
      try {
        body = JSON.parse(await readBody(req))
      } catch {
        return send(res, 400, { success: false, error: 'Invalid JSON body' })
      }
      const key = req.headers['idempotency-key']
      if (typeof key === 'string' && key.length <= 255 && byKey.has(key)) {
        const p = payments.get(byKey.get(key)!)!
        return send(res, 201, { success: true, payment: { ...publicView(p), metadata: p.metadata, amount_usd: p.amount, amount_crypto: p.crypto_amount, idempotent_replay: true } })
      }
      const amount = Number(body.amount ?? body.amount_usd)
      if (!Number.isFinite(amount) || amount <= 0) return send(res, 400, { success: false, error: 'Amount must be greater than 0' })
      if (amount > 1_000_000) return send(res, 400, { success: false, error: 'Amount too large', code: 'AMOUNT_TOO_LARGE' })
      const blockchain = String(body.blockchain ?? body.currency ?? '').toUpperCase()
      if (!RATES_USD[blockchain]) return send(res, 400, { success: false, error: `No wallet configured for ${blockchain || 'that blockchain'}` })
      created++
      const id = randomUUID()
      const cryptoAmount = ((amount + FEE_USD[blockchain]!) / RATES_USD[blockchain]!).toFixed(decimals(blockchain))
      const p: FixturePayment = {
        id,
        amount,
        blockchain,
        crypto_amount: cryptoAmount,
        payment_address: `${blockchain.startsWith('BTC') ? 'bc1q' : '0x'}${createHash('sha256').update(id).digest('hex').slice(0, 38)}`,
        status: 'pending',
        created_at: new Date(now()).toISOString(),
        expires_at: new Date(now() + WINDOW_MS).toISOString(),
        tx_hash: null,
        forward_tx_hash: null,
        confirmations: 0,
        metadata: { ...(typeof body.metadata === 'object' && body.metadata ? body.metadata : {}), description: body.description ?? null, idempotency_key: key ?? null, wallet_source: 'fixture' },
        lost: (opts.loseEvery ?? 5) > 0 && created % (opts.loseEvery ?? 5) === 0,
      }
      payments.set(id, p)
      if (typeof key === 'string') byKey.set(key, id)
      return send(res, 201, {
        success: true,
        payment: { ...publicView(p), business_id: FIXTURE_BUSINESS_ID, metadata: p.metadata, amount_usd: p.amount, amount_crypto: p.crypto_amount },
        usage: { current: created, limit: 100, remaining: 100 - created },
      })
    }
    if ((m = path.match(/^\/api\/payments\/([0-9a-f-]{36})$/)) && req.method === 'GET') {
      const p = payments.get(m[1]!)
      if (!p) return send(res, 404, { success: false, error: 'Payment not found' })
      expireIfDue(p)
      return send(res, 200, { success: true, payment: publicView(p) })
    }
    if (path === '/api/supported-coins') return send(res, 200, { success: true, coins: Object.keys(RATES_USD).map((blockchain) => ({ blockchain, name: blockchain })) })
    if (path === '/api/rates') {
      const from = (url.searchParams.get('from') ?? '').toUpperCase()
      if (!RATES_USD[from]) return send(res, 400, { success: false, error: 'Unknown currency' })
      return send(res, 200, { success: true, from, to: 'USD', rate: RATES_USD[from] })
    }
    if ((m = path.match(/^\/wallet\/([0-9a-f-]{36})$/))) {
      const p = payments.get(m[1]!)
      if (!p) return send(res, 404, 'No such payment', 'text/plain')
      expireIfDue(p)
      if (req.method === 'POST') {
        await pay(p.id)
        res.writeHead(303, { Location: `/wallet/${p.id}` })
        return res.end()
      }
      const payable = p.status === 'pending'
      return send(
        res,
        200,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo wallet</title><meta name="viewport" content="width=device-width"></head>
<body style="font-family:sans-serif;max-width:32rem;margin:2rem auto;background:#111;color:#eee">
<h1>Demo wallet</h1><p>This stands in for your crypto wallet; nothing real is paid.</p>
<p>Send <strong>${escapeHtml(p.crypto_amount)} ${escapeHtml(p.blockchain)}</strong> to <code>${escapeHtml(p.payment_address)}</code></p>
<p>Status: <strong id="status">${escapeHtml(p.status)}</strong></p>
${payable ? `<form method="post"><button type="submit" style="font-size:1.2rem;padding:.5rem 1.5rem">Pay ${escapeHtml(p.crypto_amount)} ${escapeHtml(p.blockchain)}</button></form>` : '<p>Nothing to pay. You can close this page.</p>'}
</body></html>`,
        'text/html; charset=utf-8',
      )
    }
    return send(res, 404, { success: false, error: 'Not found' })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, { success: false, error: err.message })
    })
  })
  await new Promise<void>((resolve) => server.listen(opts.port, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    server,
    payments,
    deliveries,
    pay,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t)
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
