import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { endSessions, listSessions, type DeviceSession } from '../lib/auth/session.server.ts'
import { parseForm, formFailure } from '../lib/form.server.ts'
import { hasPin, PinSchema, setPin } from '../lib/auth/account-pin.server.ts'
import { hashPassword, verifyPassword } from '../lib/auth/password.server.ts'
import { PasswordSchema } from '../lib/auth/credentials.ts'
import { AppError, statusFor } from '../lib/errors.ts'
import { requireProfileManager } from '../lib/profile-guard.server.ts'
import { FormError } from '../components/field-error.tsx'
import { getAccountSummary, type AccountSummary } from '../lib/profiles.server.ts'
import { requireUser } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'
import { PinField } from '../components/pin-field.tsx'

export const handle: ScopedHandle = { scope: 'account' }
export const meta: MetaFunction = () => [{ title: 'Account — BitTorrented' }]

export async function loader({ context }: LoaderFunctionArgs) {
  const user = requireUser(context)
  return Response.json({
    account: await getAccountSummary(context.db, user.id, user.email),
    sessions: await listSessions(context.db, user),
    pinSet: await hasPin(context.db, user.id),
  })
}

const AccountActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('end'), session: z.string().uuid() }),
  z.object({ intent: z.literal('end-others') }),
  // An empty PIN removes it; either way the account password is asked for again.
  z.object({ intent: z.literal('set-pin'), password: z.string().min(1, 'Enter your password.').max(1024), pin: z.union([z.literal(''), PinSchema]) }),
  z.object({ intent: z.literal('change-password'), password: z.string().min(1, 'Enter your password.').max(1024), newPassword: PasswordSchema }),
])

async function checkAccountPassword(context: ActionFunctionArgs['context'], userId: string, password: string): Promise<void> {
  const hash = await context.db.asAuthServer(async (c) => (await c.query<{ h: string | null }>('select encrypted_password as h from auth.users where id = $1', [userId])).rows[0]?.h ?? null)
  if (!(await verifyPassword(password, hash))) throw new AppError('invalid_credentials', 'That password is not right.')
}

/**
 * POST /account: signs a device out (intent=end, session=<id>) or every device but this one;
 * sets or removes the profile PIN (intent=set-pin, with the account password). Not from a kids
 * profile, and with the PIN when one is set (profile-guard.server.ts).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(context)
  try {
    await requireProfileManager(request, context, user)
    const input = await parseForm(request, AccountActionSchema)
    if (input.intent === 'set-pin') {
      await checkAccountPassword(context, user.id, input.password)
      await setPin(context.db, user.id, input.pin === '' ? null : input.pin)
    } else if (input.intent === 'change-password') {
      await checkAccountPassword(context, user.id, input.password)
      const hash = await hashPassword(input.newPassword)
      // Every other device is signed out: whoever knew the old password is out with it.
      await context.db.asAuthServer(async (c) => {
        await c.query('update auth.users set encrypted_password = $2, updated_at = now() where id = $1', [user.id, hash])
        await endSessions(c, user.id, { allBut: user.sessionId })
      })
    } else {
      await context.db.asAuthServer((client) => endSessions(client, user.id, input.intent === 'end' ? { only: input.session } : { allBut: user.sessionId }))
    }
    return redirect('/account')
  } catch (err) {
    return Response.json(formFailure(err), { status: err instanceof AppError ? statusFor[err.code] : 400 })
  }
}

function deviceName(userAgent: string): string {
  const browser = /Firefox\//.test(userAgent) ? 'Firefox' : /Edg\//.test(userAgent) ? 'Edge' : /Chrome\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : null
  const os = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null
  if (browser || os) return [browser, os].filter(Boolean).join(' on ')
  return userAgent ? userAgent.slice(0, 60) : 'Unknown device'
}

export default function AccountPage() {
  const { account, sessions, pinSet } = useLoaderData<typeof loader>() as { account: AccountSummary; sessions: DeviceSession[]; pinSet: boolean }
  const failure = useActionData<{ error: string }>()
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
      <FormError message={failure?.error} />
      <section aria-labelledby="pin-heading">
        <h2 id="pin-heading">Profile PIN</h2>
        <p>
          {pinSet
            ? 'A PIN is set: managing profiles and leaving a kids profile ask for it.'
            : 'No PIN: kids profiles cannot manage profiles, but can switch to any profile. Set a PIN to lock that too.'}
        </p>
        <Form method="post" className="stack narrow">
          <input type="hidden" name="intent" value="set-pin" />
          <PinField label={pinSet ? 'New PIN (leave empty to remove it)' : 'PIN (4 to 8 digits)'} required={!pinSet} autoFocus={false} />
          <label>
            Your account password
            <input name="password" type="password" autoComplete="current-password" required />
          </label>
          <button type="submit" className="button primary">
            {pinSet ? 'Change PIN' : 'Set PIN'}
          </button>
        </Form>
      </section>
      <section aria-labelledby="password-heading">
        <h2 id="password-heading">Password</h2>
        <Form method="post" className="stack narrow">
          <input type="hidden" name="intent" value="change-password" />
          <label>
            Current password
            <input name="password" type="password" autoComplete="current-password" required />
          </label>
          <label>
            New password
            <input name="newPassword" type="password" autoComplete="new-password" minLength={8} required />
          </label>
          <button type="submit" className="button primary">
            Change password and sign out other devices
          </button>
        </Form>
      </section>
      <section aria-labelledby="devices-heading">
        <h2 id="devices-heading">Signed-in devices</h2>
        <ul className="file-list" data-testid="sessions">
          {sessions.map((s) => (
            <li key={s.id} className="card row" style={{ justifyContent: 'space-between' }}>
              <span>
                {deviceName(s.userAgent)} · since {new Date(s.createdAt).toLocaleDateString()}
                {s.current ? ' · this device' : ''}
              </span>
              {s.current ? null : (
                <Form method="post">
                  <input type="hidden" name="intent" value="end" />
                  <input type="hidden" name="session" value={s.id} />
                  <button type="submit" className="button">
                    Sign out
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
        {sessions.length > 1 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="end-others" />
            <button type="submit" className="button">
              Sign out every other device
            </button>
          </Form>
        ) : null}
      </section>
    </main>
  )
}
