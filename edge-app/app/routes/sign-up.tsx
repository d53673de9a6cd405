import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { FormError } from '../components/field-error.tsx'
import { signUp } from '../lib/auth/accounts.server.ts'
import { clearCookie, COOKIE } from '../lib/auth/cookies.server.ts'
import { SignUpSchema } from '../lib/auth/credentials.ts'
import { knownDeviceCookie } from '../lib/auth/known-device.server.ts'
import { startSession } from '../lib/auth/session.server.ts'
import { clientAddress } from '../lib/auth/sign-in-limits.server.ts'
import { AppError, statusFor } from '../lib/errors.ts'
import { formFailure, parseForm } from '../lib/form.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'public' }
export const meta: MetaFunction = () => [{ title: 'Create an account — BitTorrented' }]

export function loader({ context }: LoaderFunctionArgs) {
  if (context.auth.user) throw redirect('/profiles')
  return null
}

export async function action({ request, context }: ActionFunctionArgs) {
  try {
    const input = await parseForm(request, SignUpSchema)
    const ip = clientAddress(request, context.config.trustCfConnectingIp)
    const user = await signUp(context.db, input, ip)
    const headers = new Headers()
    headers.append('Set-Cookie', await startSession(request, context.config.jwtSecret, context.db, user, ip))
    headers.append('Set-Cookie', await knownDeviceCookie(request, context.config.keys.profileCookie, input.email, ''))
    headers.append('Set-Cookie', clearCookie(request, COOKIE.profile))
    return redirect('/profiles', { headers })
  } catch (err) {
    return Response.json(formFailure(err), { status: err instanceof AppError ? statusFor[err.code] : 400 })
  }
}

export default function SignUpPage() {
  const failure = useActionData<{ error: string }>()
  const busy = useNavigation().state === 'submitting'
  return (
    <main id="main" className="page narrow">
      <h1>Create an account</h1>
      <p>One account for the family; everyone gets a profile of their own.</p>
      <Form method="post" className="stack" replace>
        <FormError message={failure?.error} />
        <label>
          Your name (your first profile)
          <input name="displayName" autoComplete="name" required maxLength={40} autoFocus />
        </label>
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required maxLength={254} />
        </label>
        <label>
          Password (at least 8 characters)
          <input name="password" type="password" autoComplete="new-password" required minLength={8} maxLength={72} />
        </label>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </Form>
      <p>
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </main>
  )
}
