/**
 * Plans and payments as the database enforces them: the amount comes from the plan, only the
 * owner starts and reads payments, a status only moves forward, a paid payment activates the
 * plan exactly once (prepaying extends the end), a wrong amount or coin is recorded and not
 * activated, webhook deliveries count once by event id and by (payment, type), and the profile
 * limit follows the entitlement (past its end and grace: Free's one profile for new ones).
 */
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { seed } from '../src/seed.ts'
import { seedFile } from '../src/paths.ts'
import { asPerson, sqlStateOf } from './helpers/as-person.ts'
import { connect, createMigratedDatabase, testTarget, type TestDatabase } from './helpers/test-database.ts'

const DEMO = '00000000-0000-4000-8000-000000000001'
const NEIGHBOR = '00000000-0000-4000-8000-000000000002'
const MIA = '00000000-0000-4000-9000-000000000013'

let db: TestDatabase
let client: pg.Client
let account: string

beforeAll(async () => {
  db = await createMigratedDatabase()
  client = await connect(db.url)
  await seed(client, seedFile)
  account = (await client.query<{ id: string }>('select id from public.accounts where owner_id = $1', [DEMO])).rows[0]!.id
})
afterAll(async () => {
  await client?.end()
  await db?.drop()
})

const apply = async (providerId: string, status: string, coin: string | null = 'USDC_POL', amount: string | null = null) =>
  (await client.query<{ e: string }>('select private.apply_payment_status($1, $2, $3, $4, null, $5) as e', [providerId, status, coin, amount, `0xtx-${status}`])).rows[0]!.e
const webhook = async (eventId: string, type: string, providerId: string | null, status: string) =>
  (await client.query<{ e: string }>('select private.record_webhook($1, $2, $3, $4, $5, null, null, null) as e', [eventId, type, providerId, status, 'USDC_POL'])).rows[0]!.e
const entitlement = async () =>
  (
    await client.query<{ plan_id: string; kind: string; days: number }>(
      `select plan_id, kind, round(extract(epoch from ends_at - now()) / 86400)::int as days from public.account_entitlements where account_id = $1`,
      [account],
    )
  ).rows[0]

/** A payment as the billing service has it once the provider answered the create (the owner's own insert is tested below). */
async function startPayment(plan: string, periods: number, providerId: string, cryptoAmount = '9.99'): Promise<string> {
  const { rows } = await client.query<{ id: string }>(`insert into public.billing_payments (account_id, plan_id, periods, coin) values ($1, $2, $3, 'USDC_POL') returning id`, [account, plan, periods])
  await client.query(`update public.billing_payments set provider_payment_id = $2, status = 'pending', crypto_amount = $3 where id = $1`, [rows[0]!.id, providerId, cryptoAmount])
  return rows[0]!.id
}

describe(`plans and billing on ${testTarget()}`, () => {
  test('a new account starts on a 30-day Family trial; plans carry prices and periods', async () => {
    expect(await entitlement()).toEqual({ plan_id: 'family', kind: 'trial', days: 30 })
    const plans = (await client.query('select id, price_usd::float8 as price, period_days, max_profiles from public.plans order by position')).rows
    expect(plans).toEqual([
      { id: 'free', price: 0, period_days: 30, max_profiles: 1 },
      { id: 'individual', price: 4.99, period_days: 30, max_profiles: 2 },
      { id: 'family', price: 9.99, period_days: 30, max_profiles: 10 },
    ])
  })

  test('the amount comes from the plan, not the caller; Free cannot be bought; only the owner starts and reads payments', async () => {
    await asPerson(client, { sub: DEMO }, async () => {
      const { rows } = await client.query(`insert into public.billing_payments (account_id, plan_id, periods, coin) values ($1, 'family', 3, 'BTC') returning amount_usd::float8 as amount, status`, [
        account,
      ])
      expect(rows[0]).toEqual({ amount: 29.97, status: 'creating' })
      expect(await sqlStateOf(client, () => client.query(`insert into public.billing_payments (account_id, plan_id, coin, amount_usd) values ($1, 'family', 'BTC', 0.01)`, [account]))).toBe('42501')
    })
    await asPerson(client, { sub: DEMO }, async () => {
      expect(await sqlStateOf(client, () => client.query(`insert into public.billing_payments (account_id, plan_id, coin) values ($1, 'free', 'BTC')`, [account]))).toBe('23514')
    })
    await asPerson(client, { sub: NEIGHBOR }, async () => {
      expect(await sqlStateOf(client, () => client.query(`insert into public.billing_payments (account_id, plan_id, coin) values ($1, 'family', 'BTC')`, [account]))).toBe('42501')
    })
    await asPerson(client, { sub: DEMO, profile_id: MIA }, async () => {
      expect((await client.query('select 1 from public.account_entitlements')).rowCount).toBe(0)
      expect(await sqlStateOf(client, () => client.query(`insert into public.billing_payments (account_id, plan_id, coin) values ($1, 'family', 'BTC')`, [account]))).toBe('42501')
    })
    await asPerson(client, { sub: DEMO }, async () => {
      expect(await sqlStateOf(client, () => client.query(`update public.billing_payments set status = 'confirmed'`))).toBe('42501')
    })
  })

  test('a paid payment activates once, events out of order cannot move it back, and prepaying extends the end', async () => {
    await startPayment('family', 1, 'pay-1')
    expect(await apply('pay-1', 'confirmed')).toBe('activated')
    // Paid during the 30-day trial: the month starts when the trial ends.
    expect(await entitlement()).toEqual({ plan_id: 'family', kind: 'paid', days: 60 })
    expect(await apply('pay-1', 'confirmed')).toBe('no change')
    expect(await apply('pay-1', 'forwarded')).toBe('applied')
    expect(await apply('pay-1', 'pending')).toBe('no change')
    expect(await apply('pay-1', 'expired')).toBe('no change')
    expect((await client.query(`select status, paid, activated_at is not null as activated from public.billing_payments where provider_payment_id = 'pay-1'`)).rows[0]).toEqual({
      status: 'forwarded',
      paid: true,
      activated: true,
    })
    expect(await entitlement()).toEqual({ plan_id: 'family', kind: 'paid', days: 60 })
    // Two more periods prepaid: from the current end, not from today.
    await startPayment('family', 2, 'pay-2', '19.98')
    expect(await apply('pay-2', 'forwarded')).toBe('activated')
    expect(await entitlement()).toEqual({ plan_id: 'family', kind: 'paid', days: 120 })
  })

  test('a wrong amount or coin is recorded, not activated; an unknown status is kept without effect; an unknown payment changes nothing', async () => {
    await startPayment('family', 1, 'pay-3', '9.99')
    expect(await apply('pay-3', 'confirmed', 'USDC_POL', '5.00')).toBe('paid with a problem')
    await startPayment('family', 1, 'pay-4', '9.99')
    expect(await apply('pay-4', 'confirmed', 'BTC', '9.99')).toBe('paid with a problem')
    expect((await client.query(`select provider_payment_id as id, paid, activated_at, problem from public.billing_payments where provider_payment_id in ('pay-3', 'pay-4') order by 1`)).rows).toEqual([
      { id: 'pay-3', paid: true, activated_at: null, problem: '5.00 USDC_POL paid, 9.99 asked' },
      { id: 'pay-4', paid: true, activated_at: null, problem: 'paid in BTC, not USDC_POL as asked' },
    ])
    expect(await entitlement()).toEqual({ plan_id: 'family', kind: 'paid', days: 120 })
    await startPayment('family', 1, 'pay-5')
    expect(await apply('pay-5', 'refund_requested')).toBe('unknown status kept')
    expect((await client.query(`select status, provider_status from public.billing_payments where provider_payment_id = 'pay-5'`)).rows[0]).toEqual({
      status: 'pending',
      provider_status: 'refund_requested',
    })
    expect(await apply('nobody', 'confirmed')).toBe('unknown payment')
  })

  test('webhook deliveries: once by event id (a re-signed retry), once by payment and type (another path), and an expired payment paid after all still activates', async () => {
    await startPayment('individual', 1, 'pay-6', '4.99')
    expect(await webhook('evt_pay-6_1', 'payment.expired', 'pay-6', 'expired')).toBe('applied')
    expect(await webhook('evt_pay-6_2', 'payment.confirmed', 'pay-6', 'confirmed')).toBe('activated')
    expect(await webhook('evt_pay-6_2', 'payment.confirmed', 'pay-6', 'confirmed')).toBe('duplicate')
    expect(await webhook('cron_pay-6', 'payment.confirmed', 'pay-6', 'confirmed')).toBe('duplicate')
    expect(await webhook('evt_none', 'payment.confirmed', 'nobody', 'confirmed')).toBe('unknown payment')
    // Confirmed and forwarded within one second share the provider's event id: both count.
    await startPayment('individual', 1, 'pay-7', '4.99')
    expect(await webhook('evt_pay-7_1', 'payment.confirmed', 'pay-7', 'confirmed')).toBe('activated')
    expect(await webhook('evt_pay-7_1', 'payment.forwarded', 'pay-7', 'forwarded')).toBe('applied')
    expect((await client.query(`select count(*)::int as n from public.billing_payments where provider_payment_id = 'pay-6' and activated_at is not null`)).rows[0].n).toBe(1)
    // Switching from 120 days of Family to Individual credits the Family days at their value (×2) before the new month; then one more month.
    expect(await entitlement()).toEqual({ plan_id: 'individual', kind: 'paid', days: 120 * 2 + 30 + 30 })
  })

  test('two payments of one account activated at the same moment both count (the entitlement is locked)', async () => {
    const other = await connect(db.url)
    try {
      await startPayment('individual', 1, 'pay-c1', '4.99')
      await startPayment('individual', 1, 'pay-c2', '4.99')
      const before = (await entitlement())!.days
      await Promise.all(
        [
          [client, 'pay-c1'],
          [other, 'pay-c2'],
        ].map(([c, id]) => (c as pg.Client).query(`select private.apply_payment_status($1, 'confirmed', null, null, null, null)`, [id])),
      )
      expect((await entitlement())!.days).toBe(before + 60)
    } finally {
      await other.end()
    }
  })

  test('the profile limit follows the entitlement: past its end and grace, new profiles stop at Free’s one; nothing is removed', async () => {
    await client.query(`update public.account_entitlements set ends_at = now() - interval '8 days' where account_id = $1`, [account])
    const before = (await client.query('select count(*)::int as n from public.profiles where account_id = $1', [account])).rows[0].n
    expect(before).toBeGreaterThan(1)
    const refused = await client.query(`insert into public.profiles (account_id, name) values ($1, 'One Too Many')`, [account]).then(
      () => null,
      (err: { code?: string; message?: string }) => [err.code, err.message],
    )
    expect(refused).toEqual(['23514', 'profile limit reached: the Free plan allows 1 profiles'])
    expect((await client.query('select count(*)::int as n from public.profiles where account_id = $1', [account])).rows[0].n).toBe(before)
    // Within the grace period, the plan still holds.
    await client.query(`update public.account_entitlements set plan_id = 'family', ends_at = now() - interval '6 days' where account_id = $1`, [account])
    await client.query(`insert into public.profiles (account_id, name) values ($1, 'In Grace')`, [account])
  })
})
