/**
 * Our one client of CoinPayPortal (../shared/EXTERNAL-APIS.md §1: its own code, not its docs or
 * SDK constants): create a payment (Bearer API key, an Idempotency-Key so a retried create
 * returns the same payment), read one (public), the coins the business takes, rates. Each call
 * has a timeout; network failures, 429 and 5xx are retried with backoff (a create only with its
 * idempotency key, so a retry cannot make a second payment). Refusals `{success:false,error}`
 * become our AppError with a sentence a person understands; an answer that is not the JSON we
 * expect (an HTML error page) is "unavailable", never parsed into a payment.
 */
import { z } from 'zod'
import { AppError } from '../errors.ts'

export interface CoinpayConfig {
  apiUrl: string
  apiKey: string
  timeoutMs?: number
  /** Attempts per call (default 3). */
  attempts?: number
}

/** The six statuses of the provider's database, and any other string it may send. */
export const ProviderPaymentSchema = z
  .object({
    id: z.string().min(1).max(100),
    status: z.string().max(40),
    blockchain: z.string().max(20).nullish(),
    crypto_amount: z
      .union([z.string(), z.number()])
      .nullish()
      .transform((v) => (v === null || v === undefined ? null : String(v))),
    crypto_currency: z.string().max(20).nullish(),
    payment_address: z.string().max(200).nullish(),
    expires_at: z.string().nullish(),
    tx_hash: z.string().max(200).nullish(),
    amount: z.union([z.number(), z.string()]).nullish(),
  })
  .passthrough()
export type ProviderPayment = z.infer<typeof ProviderPaymentSchema>

const PaymentAnswer = z.object({ success: z.literal(true), payment: ProviderPaymentSchema })
const Refusal = z.object({ success: z.literal(false), error: z.string() })

const MESSAGES: Record<number, string> = {
  400: 'The payment provider refused the request',
  401: 'The payment provider refused our API key; the server’s billing settings need fixing',
  403: 'The payment provider refused our API key’s permissions',
  404: 'The payment provider does not know that payment',
  429: 'The payment provider is busy; try again in a minute',
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export class CoinpayClient {
  constructor(private readonly config: CoinpayConfig) {
    if (!/^cp_(live|test)_[A-Za-z0-9]{8,}$/.test(config.apiKey)) throw new Error('COINPAY_API_KEY must be a cp_live_… or cp_test_… key')
  }

  private async request(path: string, init: { method: 'GET' | 'POST'; body?: unknown; idempotencyKey?: string; auth: boolean }): Promise<unknown> {
    const attempts = this.config.attempts ?? 3
    let last: AppError = new AppError('unavailable', 'The payment provider did not answer.')
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(250 * 4 ** (attempt - 2))
      let res: Response
      try {
        res = await fetch(`${this.config.apiUrl.replace(/\/$/, '')}${path}`, {
          method: init.method,
          signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
          headers: {
            Accept: 'application/json',
            ...(init.auth ? { Authorization: `Bearer ${this.config.apiKey}` } : {}),
            ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...(init.idempotencyKey ? { 'Idempotency-Key': init.idempotencyKey } : {}),
          },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        })
      } catch {
        last = new AppError('unavailable', 'The payment provider did not answer in time; try again in a moment.')
        continue
      }
      const text = await res.text()
      let body: unknown = null
      try {
        body = JSON.parse(text)
      } catch {
        last = new AppError('unavailable', `The payment provider answered with something other than its API (HTTP ${res.status}); try again in a moment.`)
        if (res.status >= 500 || res.status === 429) continue
        throw last
      }
      if (res.ok) return body
      const refusal = Refusal.safeParse(body)
      const why = `${MESSAGES[res.status] ?? `The payment provider answered HTTP ${res.status}`}${refusal.success ? `: ${refusal.data.error}` : ''}.`
      last = new AppError(res.status === 404 ? 'not_found' : res.status >= 500 || res.status === 429 ? 'unavailable' : 'invalid_input', why)
      if (res.status >= 500 || res.status === 429) continue
      throw last
    }
    throw last
  }

  /** A payment of `amountUsd` in `blockchain`, at most once per `idempotencyKey`. */
  async createPayment(p: { amountUsd: number; blockchain: string; description: string; metadata: Record<string, string>; idempotencyKey: string }): Promise<ProviderPayment> {
    const body = await this.request('/payments/create', {
      method: 'POST',
      auth: true,
      idempotencyKey: p.idempotencyKey,
      body: { amount: p.amountUsd, blockchain: p.blockchain, description: p.description, metadata: p.metadata },
    })
    const parsed = PaymentAnswer.safeParse(body)
    if (!parsed.success) throw new AppError('unavailable', 'The payment provider’s answer could not be read.')
    return parsed.data.payment
  }

  async getPayment(id: string): Promise<ProviderPayment> {
    const parsed = PaymentAnswer.safeParse(await this.request(`/payments/${encodeURIComponent(id)}`, { method: 'GET', auth: false }))
    if (!parsed.success) throw new AppError('unavailable', 'The payment provider’s answer could not be read.')
    return parsed.data.payment
  }

  /** The chains the business has wallets for, upper-case. */
  async supportedCoins(): Promise<string[]> {
    const body = (await this.request('/supported-coins', { method: 'GET', auth: true })) as { coins?: Array<{ blockchain?: string; symbol?: string } | string> }
    return (body.coins ?? [])
      .map((c) => (typeof c === 'string' ? c : (c.blockchain ?? c.symbol ?? '')))
      .map((c) => c.toUpperCase())
      .filter((c) => /^[A-Z][A-Z0-9_]{1,15}$/.test(c))
  }
}
