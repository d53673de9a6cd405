import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { renderSVG } from 'uqr'
import { AppShell } from '../components/app-shell.tsx'
import { refreshPayment, type Payment } from '../lib/billing/billing.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { accountPerson } from '../lib/profile-guard.server.ts'
import { requireUser } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'account' }
export const meta: MetaFunction = () => [{ title: 'Payment — BitTorrented' }]

const OPEN = new Set(['creating', 'pending', 'confirmed', 'forwarding', 'forwarding_failed'])
const POLL_MS = 3000

/**
 * GET /billing/:paymentId — the checkout: how much of which coin to which address (with a QR
 * code), the 15 minutes left to pay, and the status as it moves (pending → confirmed → active),
 * read every few seconds from /api/billing/payments/:id (which asks the provider). An expired
 * payment offers a fresh one for the same plan.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { person, kids } = await accountPerson(request, context, requireUser(context))
  if (kids) throw new Response('Not found', { status: 404 })
  const payment = await refreshPayment(context.db, person, context.config.billing, params.paymentId ?? '')
  if (!payment) throw new Response('Not found', { status: 404 })
  const qr = payment.paymentAddress
    ? `data:image/svg+xml;utf8,${encodeURIComponent(renderSVG(`${payment.coin.toLowerCase().split('_')[0]}:${payment.paymentAddress}${payment.cryptoAmount ? `?amount=${payment.cryptoAmount}` : ''}`, { border: 2 }))}`
    : null
  const wallet = context.config.billing?.demoWalletUrl && payment.status === 'pending' && payment.providerId ? `${context.config.billing.demoWalletUrl}/${payment.providerId}` : null
  return Response.json({ profile: context.auth.profile, payment, qr, wallet }, { headers: { 'Cache-Control': 'private, no-store' } })
}

interface Loaded {
  profile: Profile | null
  payment: Payment
  qr: string | null
  wallet: string | null
}

function statusLine(p: Payment): string {
  if (p.activatedAt) return `Paid — your plan is active until ${new Date(p.coversUntil!).toLocaleDateString()}.`
  if (p.problem) return `Received, but not activated: ${p.problem}. Contact support with the transaction below.`
  switch (p.status) {
    case 'creating':
      return 'Setting up the payment…'
    case 'pending':
      return 'Waiting for your payment…'
    case 'confirmed':
    case 'forwarding':
    case 'forwarded':
    case 'forwarding_failed':
      return 'Payment seen on the chain; activating…'
    case 'expired':
      return 'This payment window has closed without a payment.'
    case 'failed':
      return 'This payment could not be set up.'
    default:
      return p.status
  }
}

export default function Checkout() {
  const d = useLoaderData<typeof loader>() as unknown as Loaded
  const [p, setP] = useState(d.payment)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => setP(d.payment), [d.payment])
  useEffect(() => {
    if (!OPEN.has(p.status) || p.activatedAt) return
    const poll = setInterval(() => {
      void fetch(`/api/billing/payments/${p.id}`, { cache: 'no-store' })
        .then((r) => (r.ok ? (r.json() as Promise<{ payment: Payment }>) : null))
        .then((body) => body && setP((old) => ({ ...old, ...body.payment })))
        .catch(() => {})
    }, POLL_MS)
    const tick = setInterval(() => setNow(Date.now()), 1000)
    return () => {
      clearInterval(poll)
      clearInterval(tick)
    }
  }, [p.id, p.status, p.activatedAt])
  const left = p.expiresAt ? Math.max(0, Math.floor((Date.parse(p.expiresAt) - now) / 1000)) : null
  const waiting = p.status === 'pending' && !p.activatedAt
  return (
    <AppShell profile={d.profile ?? undefined}>
      <p>
        <Link to="/billing">← Plan &amp; billing</Link>
      </p>
      <h1>Pay for your plan</h1>
      <section className="card checkout" aria-labelledby="pay-heading">
        <h2 id="pay-heading">
          {p.cryptoAmount ?? '…'} {p.coin} <span className="next">(${p.amountUsd.toFixed(2)})</span>
        </h2>
        <p role="status" aria-live="polite" data-testid="payment-status" data-status={p.status} data-active={Boolean(p.activatedAt)}>
          {statusLine(p)}
        </p>
        {waiting && p.paymentAddress && (
          <>
            <p>
              Send exactly <strong>{p.cryptoAmount}</strong> {p.coin} to:
            </p>
            <p>
              <code className="address">{p.paymentAddress}</code>
            </p>
            {d.qr && <img src={d.qr} alt={`QR code of the address ${p.paymentAddress}`} width={220} height={220} className="qr" />}
            {left !== null && (
              <p>
                Time left: {Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')}
              </p>
            )}
            {d.wallet && (
              <p>
                <a href={d.wallet} target="_blank" rel="noreferrer">
                  Pay with the demo wallet
                </a>{' '}
                <span className="next">(npm start’s stand-in for a crypto wallet; nothing real is paid)</span>
              </p>
            )}
          </>
        )}
        {p.txHash && (
          <p>
            Transaction: <code>{p.txHash}</code>
          </p>
        )}
        {(p.status === 'expired' || p.status === 'failed') && !p.paid && (
          <Form method="post" action="/billing">
            <input type="hidden" name="planId" value={p.planId} />
            <input type="hidden" name="periods" value={p.periods} />
            <input type="hidden" name="coin" value={p.coin} />
            <button type="submit" className="button">
              Start a new payment
            </button>
          </Form>
        )}
      </section>
    </AppShell>
  )
}
