import type { ActionFunctionArgs } from '@remix-run/cloudflare'
import { COINPAY_SIGNATURE_HEADER } from '@bittorrented/common'
import { handleWebhook } from '../lib/billing/billing.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'public' }

/** A webhook is a few kilobytes; anything larger is not CoinPayPortal's. */
const MAX_WEBHOOK_BYTES = 64 * 1024

/**
 * POST /api/billing/coinpay/webhook — CoinPayPortal's deliveries. No session and no Origin (it is
 * server to server, exempt from the same-origin check for that reason): the signature over the
 * raw body is the credential, checked before anything is parsed. 401 for a bad signature, 400
 * for a body that is not an event, 200 for every verified delivery whatever its effect (a
 * duplicate or an unknown payment changes nothing), so the provider stops retrying.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const billing = context.config.billing
  if (!billing) return Response.json({ error: 'not_configured', message: 'Billing is not configured on this server.' }, { status: 404 })
  const raw = new Uint8Array(await request.arrayBuffer())
  if (raw.length > MAX_WEBHOOK_BYTES) return Response.json({ error: 'payload_too_large', message: 'That delivery is too large.' }, { status: 413 })
  const outcome = await handleWebhook(context.db, billing, request.headers.get(COINPAY_SIGNATURE_HEADER), raw)
  if (outcome.status !== 200) {
    console.warn(JSON.stringify({ level: 'warn', msg: 'billing webhook refused', reason: outcome.message }))
    return Response.json({ error: outcome.status === 401 ? 'bad_signature' : 'invalid_input', message: outcome.message }, { status: outcome.status })
  }
  return Response.json({ received: true, effect: outcome.effect }, { headers: { 'Cache-Control': 'no-store' } })
}

export function loader() {
  return Response.json({ error: 'invalid_input', message: 'POST a webhook delivery.' }, { status: 405 })
}
