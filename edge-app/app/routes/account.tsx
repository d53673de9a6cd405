import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { endSessions, listSessions, type DeviceSession } from '../lib/auth/session.server.ts'
import { parseForm } from '../lib/form.server.ts'
import { getAccountSummary, type AccountSummary } from '../lib/profiles.server.ts'
import { requireUser } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'account' }
export const meta: MetaFunction = () => [{ title: 'Account — BitTorrented' }]

export async function loader({ context }: LoaderFunctionArgs) {
  const user = requireUser(context)
  return Response.json({ account: await getAccountSummary(context.db, user.id, user.email), sessions: await listSessions(context.db, user) })
}

const EndSessionSchema = z.union([z.object({ intent: z.literal('end'), session: z.string().uuid() }), z.object({ intent: z.literal('end-others') })])

/** POST /account: signs a device out (intent=end, session=<id>), or every device but this one. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(context)
  const input = await parseForm(request, EndSessionSchema)
  await context.db.asAuthServer((client) => endSessions(client, user.id, input.intent === 'end' ? { only: input.session } : { allBut: user.sessionId }))
  return redirect('/account')
}

function deviceName(userAgent: string): string {
  const browser = /Firefox\//.test(userAgent) ? 'Firefox' : /Edg\//.test(userAgent) ? 'Edge' : /Chrome\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : null
  const os = /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Windows/.test(userAgent) ? 'Windows' : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : null
  if (browser || os) return [browser, os].filter(Boolean).join(' on ')
  return userAgent ? userAgent.slice(0, 60) : 'Unknown device'
}

export default function AccountPage() {
  const { account, sessions } = useLoaderData<typeof loader>() as { account: AccountSummary; sessions: DeviceSession[] }
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
      <section aria-labelledby="devices-heading">
        <h2 id="devices-heading">Signed-in devices</h2>
        <ul className="stack" data-testid="sessions">
          {sessions.map((s) => (
            <li key={s.id} className="card row">
              <span>
                {deviceName(s.userAgent)} · since {new Date(s.createdAt).toLocaleDateString()}
                {s.current ? ' · this device' : ''}
              </span>
              {s.current ? null : (
                <Form method="post">
                  <input type="hidden" name="intent" value="end" />
                  <input type="hidden" name="session" value={s.id} />
                  <button type="submit">Sign out</button>
                </Form>
              )}
            </li>
          ))}
        </ul>
        {sessions.length > 1 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="end-others" />
            <button type="submit">Sign out every other device</button>
          </Form>
        ) : null}
      </section>
    </main>
  )
}
