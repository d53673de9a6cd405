/**
 * `npm run bench:billing -- [--deliveries N] [--senders S]`: N webhook deliveries (default
 * 10,000) for N/4 real payments of 100 families — 30 % duplicates (re-signed retries), 10 % sent out of order
 * (forwarded before confirmed), 5 % with a bad signature — from S concurrent senders (default
 * 50) at the edge app's webhook handler (handleWebhook: raw-body HMAC verify, parse, record and
 * apply in one transaction, over pooled connections as Hyperdrive gives the Worker), against the
 * floor: a bare handler that verifies the same HMAC and answers 200, in the same run. Prints
 * p50/p99 of each and their ratio (goal: p99 ≤ 3× the floor), and checks the ledger at the end:
 * every paid payment activated exactly once, nothing else changed. One JSON line; a dated line
 * in RESULTS.md.
 */
import { randomUUID } from 'node:crypto'
import { appendFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { signCoinpayWebhook, verifyCoinpayWebhook } from '@bittorrented/common'
import { repoRoot, seed, seedFile } from '@bittorrented/db'
import { connect, createMigratedDatabase } from '@bittorrented/db/test-helpers'
import { handleWebhook } from '../edge-app/app/lib/billing/billing.server.ts'
import { RequestDb } from '../edge-app/app/lib/db.server.ts'
import { latencyStats } from './lib/latency-stats.ts'

const { values } = parseArgs({ options: { deliveries: { type: 'string', default: '10000' }, senders: { type: 'string', default: '50' } } })
const N = Number(values.deliveries)
const SENDERS = Number(values.senders)
const POOL = 20
const SECRET = `whsecret_${'b3'.repeat(32)}`
process.env.BT_TEST_DB ??= process.env.DATABASE_URL ? 'postgres' : 'pglite'

const db = await createMigratedDatabase()
const client = await connect(db.url)
const pool = Array.from({ length: POOL }, () => new RequestDb(db.url))
let next = 0
const config = { apiUrl: 'http://127.0.0.1:9/api', apiKey: 'cp_test_bench0000000000', webhookSecret: SECRET, demoWalletUrl: null }

const readRaw = (req: IncomingMessage) =>
  new Promise<Uint8Array>((resolve) => {
    const parts: Buffer[] = []
    req.on('data', (d: Buffer) => parts.push(d))
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(parts))))
  })
const serve = (handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
  new Promise<{ url: string; close(): void }>((resolve) => {
    const server = createServer((req, res) => void handler(req, res))
    server.keepAliveTimeout = 60_000
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() }))
  })

try {
  await seed(client, seedFile)
  // 100 families (each signs up, so each has its account and trial); payments spread over them.
  await client.query(`insert into auth.users (id, aud, role, email) select gen_random_uuid(), 'authenticated', 'authenticated', 'bench-' || n || '@example.com' from generate_series(1, 100) n`)
  const accounts = (await client.query<{ id: string }>(`select a.id from public.accounts a join auth.users u on u.id = a.owner_id where u.email like 'bench-%'`)).rows.map((r) => r.id)
  // The payments the deliveries are about, as checkouts leave them: pending at the provider.
  const payments = Array.from({ length: Math.ceil(N / 4) }, () => randomUUID())
  await client.query(
    `insert into public.billing_payments (account_id, plan_id, periods, coin) select ($1::uuid[])[1 + n % array_length($1::uuid[], 1)], 'family', 1, 'USDC_POL' from generate_series(1, $2) n`,
    [accounts, payments.length],
  )
  await client.query(
    `with numbered as (select id, row_number() over (order by id) as n from public.billing_payments)
     update public.billing_payments b set provider_payment_id = ($1::text[])[numbered.n], status = 'pending', crypto_amount = '10.00'
       from numbered where numbered.id = b.id`,
    [payments],
  )
  const endsBefore = async () =>
    (await client.query<{ ends: number }>(`select sum(extract(epoch from ends_at))::float8 as ends from public.account_entitlements where account_id = any($1::uuid[])`, [accounts])).rows[0]!.ends
  const before = await endsBefore()

  // The deliveries: confirmed then forwarded per payment; 10 % of payments forwarded first; 30 % of all re-sent; 5 % forged.
  type Delivery = { body: string; bad: boolean }
  const events: Delivery[] = []
  const t0 = Math.floor(Date.now() / 1000)
  payments.forEach((p, i) => {
    const ev = (type: string, status: string, s: number) => ({
      body: JSON.stringify({
        id: `evt_${p}_${t0 + s}`,
        type,
        data: { payment_id: p, status, amount_crypto: '10.00', currency: 'usdc_pol', tx_hash: `0x${i}` },
        created_at: new Date().toISOString(),
        business_id: 'bench',
      }),
      bad: false,
    })
    const pair = [ev('payment.confirmed', 'confirmed', 0), ev('payment.forwarded', 'forwarded', 5)]
    events.push(...(i % 10 === 0 ? pair.reverse() : pair))
  })
  const deliveries: Delivery[] = [...events]
  while (deliveries.length < N * 0.95) deliveries.push(events[Math.floor(Math.random() * events.length)]!)
  while (deliveries.length < N) deliveries.push({ body: events[Math.floor(Math.random() * events.length)]!.body.replace('"confirmed"', '"forwarded"'), bad: true })
  // Duplicates and forgeries spread through the stream, but each payment's own order kept.
  const order = deliveries.map((d, i) => ({ d, k: i < events.length ? i : Math.random() * events.length }))
  order.sort((a, b) => a.k - b.k)

  const ours = await serve(async (req, res) => {
    const raw = await readRaw(req)
    const db = pool[next++ % POOL]!
    const out = await handleWebhook(db, config, (req.headers['x-coinpay-signature'] as string) ?? null, raw)
    res.writeHead(out.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(out))
  })
  const floor = await serve(async (req, res) => {
    const raw = await readRaw(req)
    const v = await verifyCoinpayWebhook({ header: (req.headers['x-coinpay-signature'] as string) ?? null, body: raw, secret: SECRET })
    res.writeHead(v.ok ? 200 : 401).end(v.ok ? '{"received":true}' : '{}')
  })

  const run = async (url: string) => {
    const latencies: number[] = []
    const statuses = new Map<number, number>()
    const queue = order.map((o) => o.d)
    const started = performance.now()
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        for (let d = queue.shift(); d; d = queue.shift()) {
          const header = await signCoinpayWebhook(d.bad ? 'whsecret_forged' : SECRET, d.body, Math.floor(Date.now() / 1000))
          const t = performance.now()
          const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CoinPay-Signature': header }, body: d.body })
          await res.arrayBuffer()
          latencies.push(performance.now() - t)
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        }
      }),
    )
    return { latencies, statuses: Object.fromEntries(statuses), ms: performance.now() - started }
  }
  const floorRun = await run(floor.url)
  const oursRun = await run(ours.url)
  ours.close()
  floor.close()

  // The ledger: every payment activated exactly once, the entitlement extended by exactly one month each.
  const ledger = (
    await client.query<{ activated: number; open: number; forwarded: number }>(
      `select count(*) filter (where activated_at is not null)::int as activated, count(*) filter (where not paid)::int as open, count(*) filter (where status = 'forwarded')::int as forwarded
       from public.billing_payments where account_id = any($1::uuid[])`,
      [accounts],
    )
  ).rows[0]!
  // Each family's months start at its trial's end: the sum of the ends moved by one month per payment.
  const monthsAdded = Math.round(((await endsBefore()) - before) / (30 * 86_400))
  const ledgerOk = ledger.activated === payments.length && ledger.open === 0 && ledger.forwarded === payments.length && monthsAdded === payments.length

  const o = latencyStats(oursRun.latencies)
  const f = latencyStats(floorRun.latencies)
  const result = {
    deliveries: N,
    payments: payments.length,
    senders: SENDERS,
    statuses: oursRun.statuses,
    p50_ms: o.p50,
    p99_ms: o.p99,
    floor_p50_ms: f.p50,
    floor_p99_ms: f.p99,
    p99_ratio: 0,
    deliveries_per_s: Math.round(N / (oursRun.ms / 1000)),
    floor_deliveries_per_s: Math.round(N / (floorRun.ms / 1000)),
    ledger_ok: ledgerOk,
    activated: ledger.activated,
    months_added: monthsAdded,
  }
  result.p99_ratio = Math.round((result.p99_ms / result.floor_p99_ms) * 100) / 100
  console.log(`ours:  p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, ${result.deliveries_per_s}/s — answers ${JSON.stringify(result.statuses)}`)
  console.log(`floor: p50 ${result.floor_p50_ms} ms, p99 ${result.floor_p99_ms} ms, ${result.floor_deliveries_per_s}/s (HMAC verify and 200)`)
  console.log(`ratio: p99 ${result.p99_ratio} (goal ≤ 3); ledger ${ledgerOk ? 'right' : 'WRONG'}: ${ledger.activated} of ${payments.length} activated once, ${monthsAdded} months added`)
  await appendFile(
    join(repoRoot, 'bench', 'RESULTS.md'),
    `| ${new Date().toISOString().slice(0, 10)} | \`bench:billing -- --deliveries ${N}\` | ${payments.length} payments of ${accounts.length} families, 30% re-sent, 10% out of order, 5% forged, ${SENDERS} senders, ${POOL} pooled connections, ${db.target}, ${os.cpus().length} cores | p50 ${result.p50_ms} / p99 ${result.p99_ms} ms; bare HMAC-and-200 p50 ${result.floor_p50_ms} / p99 ${result.floor_p99_ms} ms; p99 ratio ${result.p99_ratio} (goal ≤ 3) | ledger ${ledgerOk ? 'right' : 'WRONG'}: ${ledger.activated}/${payments.length} activated once, ${monthsAdded} months added |\n`,
  )
  console.log(JSON.stringify(result))
  if (!ledgerOk) process.exitCode = 1
} finally {
  await Promise.all(pool.map((p) => p.close()))
  await client.end()
  await db.drop()
}
