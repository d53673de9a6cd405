import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Link, useLoaderData } from '@remix-run/react'
import { getAccountSummary, type AccountSummary } from '../lib/profiles.server.ts'
import { requireUser } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'account' }
export const meta: MetaFunction = () => [{ title: 'Account — BitTorrented' }]

export async function loader({ context }: LoaderFunctionArgs) {
  const user = requireUser(context)
  return Response.json({ account: await getAccountSummary(context.db, user.id, user.email) })
}

export default function AccountPage() {
  const { account } = useLoaderData<typeof loader>() as { account: AccountSummary }
  return (
    <main id="main" className="page">
      <p>
        <Link to="/profiles?switch=1">← Who&apos;s watching?</Link>
      </p>
      <h1>Account</h1>
      <dl className="facts card">
        <dt>Family</dt>
        <dd>{account.name}</dd>
        <dt>Signed in as</dt>
        <dd>{account.email}</dd>
        <dt>Plan</dt>
        <dd>{account.planName}</dd>
        <dt>Profiles</dt>
        <dd>
          {account.profileCount} of {account.maxProfiles}
        </dd>
      </dl>
      <p className="actions">
        <Link to="/profiles/manage" className="button">
          Manage profiles
        </Link>
      </p>
    </main>
  )
}
