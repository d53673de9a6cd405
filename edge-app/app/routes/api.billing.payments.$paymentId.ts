import type { LoaderFunctionArgs } from '@remix-run/cloudflare'
import { refreshPayment } from '../lib/billing/billing.server.ts'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { accountPerson } from '../lib/profile-guard.server.ts'
import { requireUser } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'account' }

/**
 * GET /api/billing/payments/:paymentId — a payment of the owner's account as it stands, asking
 * CoinPayPortal first while it is open (the checkout page polls this every few seconds, so a
 * payment is seen paid even when its webhook is lost).
 */
export function loader({ request, params, context }: LoaderFunctionArgs) {
  return handleErrors(async () => {
    const { person, kids } = await accountPerson(request, context, requireUser(context))
    if (kids) throw new AppError('not_found', 'There is no such payment on your account.')
    const payment = await refreshPayment(context.db, person, context.config.billing, params.paymentId ?? '')
    if (!payment) throw new AppError('not_found', 'There is no such payment on your account.')
    return Response.json({ payment }, { headers: { 'Cache-Control': 'private, no-store' } })
  })
}
