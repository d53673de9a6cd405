import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { redirect } from '@remix-run/cloudflare'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { AppShell } from '../components/app-shell.tsx'
import { accountBilling, CheckoutSchema, COINS, listPlans, startCheckout, type Entitlement, type Payment, type Plan } from '../lib/billing/billing.server.ts'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { parseForm } from '../lib/form.server.ts'
import { accountPerson } from '../lib/profile-guard.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireUser } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'account' }
export const meta: MetaFunction = () => [{ title: 'Plan & billing — BitTorrented' }]

/**
 * GET /billing — Plan & billing, for the account owner (not a member, not from a kids profile):
 * the plan and until when, what its end means, profiles used, the payments with their statuses
 * and transaction hashes, and renewing or changing the plan (a crypto checkout through
 * CoinPayPortal; crypto has no card on file, so renewing is a new checkout, and prepaying
 * several months extends the end).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { person, kids } = await accountPerson(request, context, requireUser(context))
  const [billing, plans] = await Promise.all([kids ? null : accountBilling(context.db, person), listPlans(context.db, person)])
  return Response.json({ profile: context.auth.profile, kids, billing, plans, coins: COINS, configured: Boolean(context.config.billing) }, { headers: { 'Cache-Control': 'private, no-store' } })
}

/** POST /billing: a checkout for a plan, a number of months and a coin; on to its payment page. */
export function action({ request, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const { person, kids } = await accountPerson(request, context, requireUser(context))
    if (kids) throw new AppError('not_allowed', 'Plans are bought from a grown-up profile.')
    if (!context.config.billing) throw new AppError('unavailable', 'Payments are not set up on this server.')
    const choice = await parseForm(request, CheckoutSchema)
    const paymentId = await startCheckout(context.db, person, context.config.billing, choice)
    return redirect(`/billing/${paymentId}`)
  })
}

interface Loaded {
  profile: Profile | null
  kids: boolean
  billing: { entitlement: Entitlement | null; payments: Payment[]; profiles: number } | null
  plans: Plan[]
  coins: readonly string[]
  configured: boolean
}

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' })
const usd = (n: number) => `$${n.toFixed(2)}`

function PlanState({ e, plans, profiles }: { e: Entitlement; plans: Plan[]; profiles: number }) {
  const plan = plans.find((p) => p.id === (e.state === 'expired' ? 'free' : e.planId))
  return (
    <section className="card" aria-labelledby="plan-heading">
      <h2 id="plan-heading">
        {e.state === 'expired' ? 'Free' : e.planName}
        {e.kind === 'trial' && e.state !== 'expired' ? ' (trial)' : ''}
      </h2>
      {e.state === 'active' && (
        <p>
          {e.kind === 'trial' ? 'Your trial runs' : 'Paid'} until <strong>{day(e.endsAt)}</strong>. Renew any time: paid months are added to the end.
        </p>
      )}
      {e.state === 'grace' && (
        <p className="form-error" role="status">
          Your {e.planName} plan ended on {day(e.endsAt)}. Everything keeps working until {day(e.graceEndsAt)}; renew before then.
        </p>
      )}
      {e.state === 'expired' && (
        <p className="form-error" role="status">
          Your {e.planName} plan ended on {day(e.endsAt)}. Nothing is deleted: every profile, list and history stays. The Free plan's limits apply until you renew (one profile can be added, one stream
          at a time).
        </p>
      )}
      {plan && (
        <p>
          Profiles: {profiles} of {plan.maxProfiles} · streams at once: {plan.maxStreams}
          {plan.allowsMembers ? ' · family members can join' : ''}
        </p>
      )}
    </section>
  )
}

export default function Billing() {
  const d = useLoaderData<typeof loader>() as unknown as Loaded
  const failed = useActionData<{ message?: string }>()
  const busy = useNavigation().state !== 'idle'
  if (!d.billing) {
    return (
      <AppShell profile={d.profile ?? undefined}>
        <h1>Plan &amp; billing</h1>
        <p>Only the account owner can see the plan and payments{d.kids ? ', and not from a kids profile' : ''}.</p>
      </AppShell>
    )
  }
  const buyable = d.plans.filter((p) => p.priceUsd > 0)
  return (
    <AppShell profile={d.profile ?? undefined}>
      <h1>Plan &amp; billing</h1>
      {d.billing.entitlement && <PlanState e={d.billing.entitlement} plans={d.plans} profiles={d.billing.profiles} />}
      <section className="card" aria-labelledby="buy-heading">
        <h2 id="buy-heading">{d.billing.entitlement?.kind === 'paid' ? 'Renew or change plan' : 'Choose a plan'}</h2>
        {!d.configured ? (
          <p>Payments are not set up on this server (COINPAY_API_URL, COINPAY_API_KEY and COINPAY_WEBHOOK_SECRET).</p>
        ) : (
          <Form method="post" className="stack">
            <fieldset>
              <legend>Plan</legend>
              {buyable.map((p) => (
                <label key={p.id} className="plan-choice">
                  <input type="radio" name="planId" value={p.id} defaultChecked={p.id === (d.billing?.entitlement?.planId ?? 'family')} /> <strong>{p.name}</strong> — {usd(p.priceUsd)} per{' '}
                  {p.periodDays} days · {p.maxProfiles} profiles · {p.maxStreams} streams at once{p.allowsMembers ? ' · family members' : ''}
                </label>
              ))}
            </fieldset>
            <label>
              Months{' '}
              <select name="periods" defaultValue="1">
                {[1, 3, 6, 12].map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Pay with{' '}
              <select name="coin" defaultValue="USDC_POL">
                {d.coins.map((c) => (
                  <option key={c} value={c}>
                    {c.replace('_', ' on ').replace(' on POL', ' on Polygon').replace(' on SOL', ' on Solana')}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="button" disabled={busy}>
              Continue to payment
            </button>
            {failed?.message && (
              <p className="form-error" role="alert">
                {failed.message}
              </p>
            )}
          </Form>
        )}
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Payments</h2>
        {d.billing.payments.length === 0 ? (
          <p className="empty">No payments yet.</p>
        ) : (
          <table className="payments">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Plan</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Transaction</th>
              </tr>
            </thead>
            <tbody>
              {d.billing.payments.map((p) => (
                <tr key={p.id} data-status={p.status}>
                  <td>
                    <Link to={`/billing/${p.id}`}>{day(p.createdAt)}</Link>
                  </td>
                  <td>
                    {d.plans.find((pl) => pl.id === p.planId)?.name ?? p.planId} × {p.periods}
                  </td>
                  <td>
                    {usd(p.amountUsd)}
                    {p.cryptoAmount ? ` (${p.cryptoAmount} ${p.coin})` : ` (${p.coin})`}
                  </td>
                  <td>
                    {p.activatedAt ? `active until ${day(p.coversUntil!)}` : p.problem ? `paid, not activated: ${p.problem}` : p.status}
                    {p.providerStatus && p.providerStatus !== p.status ? ` (provider: ${p.providerStatus})` : ''}
                  </td>
                  <td className="tx">{p.txHash ? <code title={p.txHash}>{`${p.txHash.slice(0, 10)}…${p.txHash.slice(-6)}`}</code> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </AppShell>
  )
}
