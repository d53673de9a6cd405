import { createHmac } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { signCoinpayWebhook, verifyCoinpayWebhook } from './coinpay-signature.ts'

const SECRET = `whsecret_${'ab'.repeat(32)}`
const BODY = '{"id":"evt_p1_1700000000","type":"payment.confirmed","data":{"payment_id":"p1","status":"confirmed"}}'
const T = 1_700_000_000
const NOW = T * 1000 + 10_000
/** The provider's algorithm, written independently with node:crypto. */
const reference = (t: number, body: string, secret = SECRET) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`

describe('CoinPayPortal webhook signatures', () => {
  test('we sign as the provider does, and accept its signature', async () => {
    expect(await signCoinpayWebhook(SECRET, BODY, T)).toBe(reference(T, BODY))
    expect(await verifyCoinpayWebhook({ header: reference(T, BODY), body: BODY, secret: SECRET, nowMs: NOW })).toEqual({ ok: true, t: T })
    // Raw bytes, and the parts in another order with spaces, as some senders write them.
    const spaced = reference(T, BODY).split(',').reverse().join(', ')
    expect(await verifyCoinpayWebhook({ header: spaced, body: new TextEncoder().encode(BODY), secret: SECRET, nowMs: NOW })).toEqual({ ok: true, t: T })
  })

  test.each([
    ['no header', null, 'missing'],
    ['an empty header (the cron path without a secret)', '', 'missing'],
    ['no v1', `t=${T}`, 'malformed'],
    ['a short v1', `t=${T},v1=abc`, 'malformed'],
    ['a t with a fraction', reference(T, BODY).replace(`t=${T}`, `t=${T}.5`), 'malformed'],
    ['garbage', 'hello', 'malformed'],
    ['a stale t', reference(T - 400, BODY), 'stale'],
    ['a future t', reference(T + 400, BODY), 'stale'],
    ['a tampered body', reference(T, BODY.replace('confirmed', 'forwarded')), 'mismatch'],
    ['the wrong secret', reference(T, BODY, 'whsecret_other'), 'mismatch'],
  ])('refuses %s', async (_, header, reason) => {
    expect(await verifyCoinpayWebhook({ header, body: BODY, secret: SECRET, nowMs: NOW })).toEqual({ ok: false, reason })
  })

  test('a retry re-signed with a fresh t verifies (the same event id inside)', async () => {
    const later = T + 60
    expect(await verifyCoinpayWebhook({ header: reference(later, BODY), body: BODY, secret: SECRET, nowMs: later * 1000 })).toEqual({ ok: true, t: later })
  })
})
