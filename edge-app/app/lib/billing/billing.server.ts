/**
 * Plans and payments (account level; see supabase migration create_plans_and_billing):
 *
 * - what the account owner sees: the plans, the account's entitlement (trial, active, in grace,
 *   expired), its payments;
 * - checkout: our payment row first (the owner's insert; the database sets the amount from the
 *   plan), then CoinPayPortal's create with our row's idempotency key, then the provider's answer
 *   recorded by the billing service;
 * - what the provider says — a verified webhook (both payload shapes) or a poll of a payment
 *   still open — goes through private.record_webhook / private.apply_payment_status, which move
 *   a payment forward only and activate a plan once, in the same transaction.
 */
import { verifyCoinpayWebhook } from '@bittorrented/common'
import { z } from 'zod'
import type { RequestDb } from '../db.server.ts'
import type { BillingConfig } from '../env.server.ts'
import { AppError } from '../errors.ts'
import type { Person } from '../person.ts'
import { CoinpayClient, type ProviderPayment } from './coinpay-client.ts'

export interface Plan {
  id: string
  name: string
  maxProfiles: number
  priceUsd: number
  periodDays: number
  maxStreams: number
  allowsMembers: boolean
}

export interface Entitlement {
  planId: string
  planName: string
  kind: 'trial' | 'paid'
  endsAt: string
  /** active: within its end; grace: past its end, still working for 7 days; expired: Free's limits apply. */
  state: 'active' | 'grace' | 'expired'
  graceEndsAt: string
}

export interface Payment {
  id: string
  /** CoinPayPortal's id of it (its status page is public by this id). */
  providerId: string | null
  planId: string
  periods: number
  amountUsd: number
  coin: string
  status: string
  providerStatus: string | null
  cryptoAmount: string | null
  paymentAddress: string | null
  expiresAt: string | null
  txHash: string | null
  paid: boolean
  activatedAt: string | null
  coversUntil: string | null
  problem: string | null
  createdAt: string
}

/** Coins offered at checkout (those CoinPayPortal knows; the business's own list narrows it when the provider answers). */
export const COINS = ['USDC_POL', 'USDC_SOL', 'USDT', 'BTC', 'ETH', 'SOL', 'POL', 'LTC', 'DOGE'] as const
const OPEN = new Set(['creating', 'pending', 'confirmed', 'forwarding', 'forwarding_failed'])

const PAYMENT_COLUMNS = `id, provider_payment_id as "providerId", plan_id as "planId", periods, amount_usd::float8 as "amountUsd", coin, status, provider_status as "providerStatus",
  crypto_amount as "cryptoAmount", payment_address as "paymentAddress", expires_at as "expiresAt", tx_hash as "txHash", paid,
  activated_at as "activatedAt", covers_until as "coversUntil", problem, created_at as "createdAt"`

export function client(config: BillingConfig): CoinpayClient {
  return new CoinpayClient({ apiUrl: config.apiUrl, apiKey: config.apiKey })
}

export function listPlans(db: RequestDb, person: Person): Promise<Plan[]> {
  return db.asPerson(person, async (tx) => {
    const { rows } = await tx.query<Plan>(
      `select id, name, max_profiles as "maxProfiles", price_usd::float8 as "priceUsd", period_days as "periodDays", max_streams as "maxStreams", allows_members as "allowsMembers"
         from public.plans order by position`,
    )
    return rows
  })
}

/** The owner's view of the account's billing; null for anyone else (a member, a kids profile). */
export async function accountBilling(db: RequestDb, person: Person): Promise<{ accountId: string; entitlement: Entitlement | null; payments: Payment[]; profiles: number } | null> {
  return db.asPerson(person, async (tx) => {
    if ((await tx.query<{ kids: boolean }>('select private.selected_profile_is_kids() as kids')).rows[0]!.kids) return null
    const account = (await tx.query<{ id: string }>('select id from public.accounts where owner_id = $1', [person.userId])).rows[0]?.id
    if (!account) return null
    const ent = (
      await tx.query<Entitlement>(
        `select e.plan_id as "planId", pl.name as "planName", e.kind, e.ends_at as "endsAt", e.ends_at + private.billing_grace() as "graceEndsAt",
                case when e.ends_at > now() then 'active' when e.ends_at + private.billing_grace() > now() then 'grace' else 'expired' end as state
           from public.account_entitlements e join public.plans pl on pl.id = e.plan_id where e.account_id = $1`,
        [account],
      )
    ).rows[0]
    const payments = (await tx.query<Payment>(`select ${PAYMENT_COLUMNS} from public.billing_payments where account_id = $1 order by created_at desc limit 50`, [account])).rows
    const profiles = (await tx.query<{ n: number }>('select count(*)::int as n from public.profiles where account_id = $1', [account])).rows[0]!.n
    return { accountId: account, entitlement: ent ?? null, payments, profiles }
  })
}

/** What the owner should be reminded of on the home page: a plan ending within 7 days, in its grace period, or ended (null otherwise, and for anyone but the owner). */
export function renewalReminder(db: RequestDb, person: Person): Promise<{ state: Entitlement['state']; kind: Entitlement['kind']; planName: string; endsAt: string; graceEndsAt: string } | null> {
  return db.asPerson(person, async (tx) => {
    const { rows } = await tx.query<{ state: Entitlement['state']; kind: Entitlement['kind']; planName: string; endsAt: string; graceEndsAt: string }>(
      `select case when e.ends_at > now() then 'active' when e.ends_at + private.billing_grace() > now() then 'grace' else 'expired' end as state,
              e.kind, pl.name as "planName", e.ends_at as "endsAt", e.ends_at + private.billing_grace() as "graceEndsAt"
         from public.account_entitlements e join public.accounts a on a.id = e.account_id join public.plans pl on pl.id = e.plan_id
        where a.owner_id = $1 and e.ends_at < now() + interval '7 days'`,
      [person.userId],
    )
    return rows[0] ?? null
  })
}

export async function findPayment(db: RequestDb, person: Person, paymentId: string): Promise<Payment | null> {
  if (!z.string().uuid().safeParse(paymentId).success) return null
  return db.asPerson(person, async (tx) => (await tx.query<Payment>(`select ${PAYMENT_COLUMNS} from public.billing_payments where id = $1`, [paymentId])).rows[0] ?? null)
}

export const CheckoutSchema = z.object({
  planId: z.enum(['individual', 'family'], { message: 'Choose a plan.' }),
  periods: z.coerce.number().int().min(1, 'Choose how many months.').max(24, 'At most 24 months at once.'),
  coin: z.enum(COINS, { message: 'Choose a coin.' }),
})

/** Starts a checkout: our row, then the provider's payment (the same idempotency key on every retry). */
export async function startCheckout(db: RequestDb, person: Person, config: BillingConfig, choice: z.infer<typeof CheckoutSchema>): Promise<string> {
  const row = await db.asPerson(person, async (tx) => {
    const account = (await tx.query<{ id: string }>('select id from public.accounts where owner_id = $1', [person.userId])).rows[0]?.id
    if (!account) throw new AppError('not_allowed', 'Only the account owner can buy a plan.')
    try {
      return (
        await tx.query<{ id: string; amount: number; key: string }>(
          `insert into public.billing_payments (account_id, plan_id, periods, coin) values ($1, $2, $3, $4) returning id, amount_usd::float8 as amount, idempotency_key as key`,
          [account, choice.planId, choice.periods, choice.coin],
        )
      ).rows[0]!
    } catch (err) {
      if ((err as { code?: string }).code === '42501') throw new AppError('not_allowed', 'Only the account owner, from a grown-up profile, can buy a plan.')
      throw err
    }
  })
  let payment: ProviderPayment
  try {
    payment = await client(config).createPayment({
      amountUsd: row.amount,
      blockchain: choice.coin,
      description: `BitTorrented ${choice.planId} plan, ${choice.periods} × 30 days`,
      metadata: { bittorrented_payment: row.id },
      idempotencyKey: row.key,
    })
  } catch (err) {
    await db.asBillingService((tx) =>
      tx.query(`update public.billing_payments set status = 'failed', problem = $2, updated_at = now() where id = $1`, [
        row.id,
        err instanceof AppError ? err.message.slice(0, 300) : 'The payment could not be created.',
      ]),
    )
    throw err
  }
  await db.asBillingService((tx) =>
    tx.query(
      `update public.billing_payments set provider_payment_id = $2, status = 'pending', provider_status = $3, crypto_amount = $4, crypto_currency = $5, payment_address = $6,
              expires_at = $7, updated_at = now() where id = $1`,
      [row.id, payment.id, payment.status, payment.crypto_amount, payment.crypto_currency ?? choice.coin, payment.payment_address, payment.expires_at ? new Date(payment.expires_at) : null],
    ),
  )
  // A create answered with another status than pending (an instant card payment, a replay): apply it.
  if (payment.status !== 'pending') await applyProvider(db, payment)
  return row.id
}

/** What the provider says of one payment, through the database's one door. */
async function applyProvider(db: RequestDb, p: ProviderPayment): Promise<string> {
  return db.asBillingService(
    async (tx) =>
      (
        await tx.query<{ effect: string }>('select private.apply_payment_status($1, $2, $3, $4, null, $5) as effect', [
          p.id,
          p.status,
          p.blockchain ?? p.crypto_currency ?? null,
          p.crypto_amount,
          p.tx_hash ?? null,
        ])
      ).rows[0]!.effect,
  )
}

/** A payment as the owner sees it, asking the provider first when it is still open (the checkout page polls this). */
export async function refreshPayment(db: RequestDb, person: Person, config: BillingConfig | null, paymentId: string): Promise<Payment | null> {
  const mine = await findPayment(db, person, paymentId)
  if (!mine || !config || !OPEN.has(mine.status)) return mine
  const provider = await db.asBillingService(async (tx) => (await tx.query<{ p: string | null }>('select provider_payment_id as p from public.billing_payments where id = $1', [paymentId])).rows[0]?.p)
  if (!provider) return mine
  try {
    await applyProvider(db, await client(config).getPayment(provider))
  } catch {
    // The provider is down: what we know stands; the next poll asks again.
  }
  return findPayment(db, person, paymentId)
}

/** Every payment still open, asked of the provider (the scheduled reconciliation): a lost webhook costs one interval, never the payment. */
export async function reconcileOpenPayments(db: RequestDb, config: BillingConfig): Promise<{ asked: number; changed: number; failed: number }> {
  const open = await db.asBillingService(
    async (tx) =>
      (
        await tx.query<{ p: string }>(
          `select provider_payment_id as p from public.billing_payments
            where provider_payment_id is not null and status in ('pending', 'confirmed', 'forwarding', 'forwarding_failed') and created_at > now() - interval '30 days'
            order by updated_at limit 200`,
        )
      ).rows,
  )
  const tally = { asked: open.length, changed: 0, failed: 0 }
  const c = client(config)
  for (const { p } of open) {
    try {
      const effect = await applyProvider(db, await c.getPayment(p))
      if (effect !== 'no change') tally.changed++
    } catch {
      tally.failed++
    }
  }
  return tally
}

const WebhookSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(60),
  data: z
    .object({
      payment_id: z.string().max(100).optional(),
      status: z.string().max(40).optional(),
      blockchain: z.string().max(20).optional(),
      amount_crypto: z.union([z.string(), z.number()]).optional(),
      received_amount: z.union([z.string(), z.number()]).optional(),
      tx_hash: z.string().max(200).nullish(),
    })
    .passthrough(),
})
const STATUS_OF_TYPE: Record<string, string> = { 'payment.confirmed': 'confirmed', 'payment.forwarded': 'forwarded', 'payment.expired': 'expired', 'payment.failed': 'failed' }

export type WebhookOutcome = { status: 200; effect: string } | { status: 400 | 401; message: string }

/**
 * One delivery to POST /api/billing/coinpay/webhook: verified on its raw bytes first (401 when
 * the signature is missing, wrong or stale), then parsed (400 when it is not an event), then
 * recorded — 200 whatever its effect (a duplicate, an unknown payment), so the provider stops
 * retrying what we have.
 */
export async function handleWebhook(db: RequestDb, config: BillingConfig, header: string | null, raw: Uint8Array): Promise<WebhookOutcome> {
  const verdict = await verifyCoinpayWebhook({ header, body: raw, secret: config.webhookSecret })
  if (!verdict.ok) return { status: 401, message: `signature ${verdict.reason}` }
  let event: z.infer<typeof WebhookSchema>
  try {
    const parsed = WebhookSchema.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)))
    if (!parsed.success) return { status: 400, message: 'not a payment event' }
    event = parsed.data
  } catch {
    return { status: 400, message: 'not JSON' }
  }
  const status = event.data.status ?? STATUS_OF_TYPE[event.type] ?? null
  const paymentId = event.type.startsWith('payment.') ? (event.data.payment_id ?? null) : null
  const str = (v: string | number | undefined) => (v === undefined ? null : String(v))
  const effect = await db.asBillingService(
    async (tx) =>
      (
        await tx.query<{ effect: string }>('select private.record_webhook($1, $2, $3, $4, $5, $6, $7, $8) as effect', [
          event.id,
          event.type,
          paymentId,
          status,
          event.data.blockchain ?? null,
          str(event.data.amount_crypto),
          str(event.data.received_amount),
          event.data.tx_hash ?? null,
        ])
      ).rows[0]!.effect,
  )
  return { status: 200, effect }
}
