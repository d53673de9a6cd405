/**
 * Checkout, webhooks and reconciliation as the edge app runs them, against the loopback
 * CoinPayPortal (media-node/src/demo/coinpay-fixture.ts) and a real database: a payment created
 * with its idempotency key, paid, announced by signed webhooks and activated once; a payment
 * whose webhooks are lost found by reconciliation; every bad delivery refused or recorded
 * without effect; a provider that is down or answers HTML.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { signCoinpayWebhook } from '@bittorrented/common'
import { seed, seedFile } from '@bittorrented/db'
import { connect, createMigratedDatabase, testTarget, type TestDatabase } from '@bittorrented/db/test-helpers'
import { FIXTURE_COINPAY_KEY, startCoinpayFixture, type CoinpayFixture } from '@bittorrented/media-node/coinpay-fixture'
import { handleWebhook, reconcileOpenPayments, refreshPayment, startCheckout } from '../app/lib/billing/billing.server.ts'
import { CoinpayClient } from '../app/lib/billing/coinpay-client.ts'
import { RequestDb } from '../app/lib/db.server.ts'
import type { BillingConfig } from '../app/lib/env.server.ts'

const DEMO = '00000000-0000-4000-8000-000000000001'
const NEIGHBOR = '00000000-0000-4000-8000-000000000002'
const SECRET = `whsecret_${'5e'.repeat(32)}`

let db: TestDatabase
let client: pg.Client
let requestDb: RequestDb
let fixture: CoinpayFixture
let config: BillingConfig
/** Webhooks the fixture sends land here and go through handleWebhook, as the route does. */
let hook: Server
const effects: string[] = []

beforeAll(async () => {
  db = await createMigratedDatabase()
  client = await connect(db.url)
  await seed(client, seedFile)
  requestDb = new RequestDb(db.url)
  hook = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (d: Buffer) => parts.push(d))
    req.on('end', () => {
      void handleWebhook(requestDb, config, (req.headers['x-coinpay-signature'] as string) ?? null, new Uint8Array(Buffer.concat(parts))).then((o) => {
        if (o.status === 200) effects.push(o.effect)
        res.writeHead(o.status).end()
      })
    })
  })
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r))
  // Every second payment's webhooks are lost.
  fixture = await startCoinpayFixture({ port: 0, webhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, webhookSecret: SECRET, forwardAfterS: 0.2, loseEvery: 2 })
  config = { apiUrl: `${fixture.url}/api`, apiKey: FIXTURE_COINPAY_KEY, webhookSecret: SECRET, demoWalletUrl: null }
}, 60_000)
afterAll(async () => {
  await fixture?.stop()
  hook?.close()
  await requestDb?.close()
  await client?.end()
  await db?.drop()
})

const payment = async (id: string) =>
  (await client.query('select status, paid, activated_at is not null as active, provider_payment_id as provider, crypto_amount from public.billing_payments where id = $1', [id])).rows[0]

describe(`billing with the loopback CoinPayPortal (${testTarget()})`, () => {
  test('checkout → paid → webhooks → active, once; the provider saw our idempotency key', async () => {
    const id = await startCheckout(requestDb, { userId: DEMO }, config, { planId: 'family', periods: 1, coin: 'USDC_POL' })
    const row = await payment(id)
    expect(row).toMatchObject({ status: 'pending', paid: false, active: false, crypto_amount: '10.00' })
    const key = (await client.query('select idempotency_key from public.billing_payments where id = $1', [id])).rows[0].idempotency_key
    expect(fixture.payments.get(row.provider)!.metadata.idempotency_key).toBe(key)
    await fixture.pay(row.provider)
    await expect.poll(async () => (await payment(id)).status, { timeout: 10_000 }).toBe('forwarded')
    expect(effects).toEqual(['activated', 'applied'])
    expect(await payment(id)).toMatchObject({ paid: true, active: true })
    // The same create again (a retry with the same key) is the same payment at the provider.
    const again = await new CoinpayClient({ apiUrl: config.apiUrl, apiKey: config.apiKey }).createPayment({
      amountUsd: 9.99,
      blockchain: 'USDC_POL',
      description: 'x',
      metadata: {},
      idempotencyKey: key,
    })
    expect(again.id).toBe(row.provider)
  })

  test('a payment whose webhooks are lost is activated by reconciliation (and by the checkout page asking)', async () => {
    const id = await startCheckout(requestDb, { userId: DEMO }, config, { planId: 'family', periods: 1, coin: 'SOL' })
    const { provider } = await payment(id)
    expect(fixture.payments.get(provider)!.lost).toBe(true)
    await fixture.pay(provider)
    await new Promise((r) => setTimeout(r, 500))
    expect((await payment(id)).active).toBe(false)
    expect(await reconcileOpenPayments(requestDb, config)).toMatchObject({ asked: 1, changed: 1, failed: 0 })
    expect(await payment(id)).toMatchObject({ status: 'forwarded', paid: true, active: true })
    // Nothing open is left to ask.
    expect((await reconcileOpenPayments(requestDb, config)).asked).toBe(0)
  })

  test('bad deliveries: no, empty, malformed, stale or wrong signatures are 401; a signed body that is not an event is 400; replays and unknown payments change nothing', async () => {
    const body = JSON.stringify({ id: 'evt_x_1', type: 'payment.confirmed', data: { payment_id: 'nobody', status: 'confirmed' }, created_at: new Date().toISOString(), business_id: 'b' })
    const bytes = new TextEncoder().encode(body)
    const t = Math.floor(Date.now() / 1000)
    const outcomes = async (header: string | null, raw: Uint8Array = bytes) => handleWebhook(requestDb, config, header, raw)
    expect(await outcomes(null)).toEqual({ status: 401, message: 'signature missing' })
    expect(await outcomes('')).toEqual({ status: 401, message: 'signature missing' })
    expect(await outcomes('t=abc,v1=def')).toEqual({ status: 401, message: 'signature malformed' })
    expect(await outcomes(await signCoinpayWebhook(SECRET, body, t - 600))).toEqual({ status: 401, message: 'signature stale' })
    expect(await outcomes(await signCoinpayWebhook(SECRET, body, t + 600))).toEqual({ status: 401, message: 'signature stale' })
    expect(await outcomes(await signCoinpayWebhook('whsecret_wrong', body, t))).toEqual({ status: 401, message: 'signature mismatch' })
    expect(await outcomes(await signCoinpayWebhook(SECRET, body, t), new TextEncoder().encode(body.replace('nobody', 'somebody')))).toEqual({ status: 401, message: 'signature mismatch' })
    expect(await outcomes(await signCoinpayWebhook(SECRET, 'not json', t), new TextEncoder().encode('not json'))).toEqual({ status: 400, message: 'not JSON' })
    expect(await outcomes(await signCoinpayWebhook(SECRET, '{"hello":1}', t), new TextEncoder().encode('{"hello":1}'))).toEqual({ status: 400, message: 'not a payment event' })
    expect(await outcomes(await signCoinpayWebhook(SECRET, body, t))).toEqual({ status: 200, effect: 'unknown payment' })
    expect(await outcomes(await signCoinpayWebhook(SECRET, body, t + 1))).toEqual({ status: 200, effect: 'duplicate' })
    // A test event, or an event of another kind, is acknowledged and does nothing.
    const test = JSON.stringify({ id: 'evt_test_1', type: 'test.webhook', data: {}, created_at: new Date().toISOString(), business_id: 'b' })
    expect(await outcomes(await signCoinpayWebhook(SECRET, test, t), new TextEncoder().encode(test))).toEqual({ status: 200, effect: 'no payment' })
  })

  test('a payment of another account is not anyone else’s to read; a kids profile cannot start one', async () => {
    const id = (await client.query(`select id from public.billing_payments order by created_at limit 1`)).rows[0].id
    expect(await refreshPayment(requestDb, { userId: NEIGHBOR }, config, id)).toBeNull()
    await expect(startCheckout(requestDb, { userId: DEMO, profileId: '00000000-0000-4000-9000-000000000013' }, config, { planId: 'family', periods: 1, coin: 'BTC' })).rejects.toThrow(
      /grown-up profile/,
    )
  })

  test('a provider that is down, or answers HTML, gives a clear error and creates nothing', async () => {
    const html = createServer((_req, res) => res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html><body>Bad gateway</body></html>'))
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', r))
    const broken = { ...config, apiUrl: `http://127.0.0.1:${(html.address() as AddressInfo).port}/api` }
    await expect(startCheckout(requestDb, { userId: DEMO }, broken, { planId: 'family', periods: 1, coin: 'BTC' })).rejects.toThrow(/something other than its API \(HTTP 502\)/)
    html.close()
    const down = { ...config, apiUrl: 'http://127.0.0.1:9/api' }
    await expect(startCheckout(requestDb, { userId: DEMO }, down, { planId: 'family', periods: 1, coin: 'BTC' })).rejects.toThrow(/did not answer/)
    const failed = (await client.query(`select status, problem from public.billing_payments where status = 'failed' order by created_at`)).rows
    expect(failed).toHaveLength(2)
    expect(failed.every((f) => f.problem)).toBe(true)
  }, 30_000)

  test('the provider refuses a wrong API key in words', async () => {
    const wrong = new CoinpayClient({ apiUrl: config.apiUrl, apiKey: 'cp_test_WrongKey000000000000', attempts: 1 })
    await expect(wrong.createPayment({ amountUsd: 1, blockchain: 'BTC', description: 'x', metadata: {}, idempotencyKey: crypto.randomUUID() })).rejects.toThrow(/refused our API key.*: Invalid token/)
  })
})
