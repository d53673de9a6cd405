import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { FormError } from '../components/field-error.tsx'
import { signIn } from '../lib/auth/accounts.server.ts'
import { clearCookie, COOKIE } from '../lib/auth/cookies.server.ts'
import { SignInSchema } from '../lib/auth/credentials.ts'
import { knownDevice, knownDeviceCookie } from '../lib/auth/known-device.server.ts'
import { startSession } from '../lib/auth/session.server.ts'
import { clientAddress } from '../lib/auth/sign-in-limits.server.ts'
import { statusFor, AppError } from '../lib/errors.ts'
import { formFailure, parseForm } from '../lib/form.server.ts'
import { safeNextPath } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'public' }
export const meta: MetaFunction = () => [{ title: 'Sign in — BitTorrented' }]

export function loader({ context }: LoaderFunctionArgs) {
  if (context.auth.user) throw redirect('/profiles')
  return null
}

export async function action({ request, context }: ActionFunctionArgs) {
  try {
    const input = await parseForm(request, SignInSchema)
    const ip = clientAddress(request, context.config.trustCfConnectingIp)
    const device = await knownDevice(request, context.config.keys.profileCookie, input.email)
    const user = await signIn(context.db, input, ip, device)
    const headers = new Headers()
    headers.append('Set-Cookie', await startSession(request, context.config.jwtSecret, context.db, user, ip))
    headers.append('Set-Cookie', await knownDeviceCookie(request, context.config.keys.profileCookie, input.email, device))
    // A new session never inherits the previous person's profile.
    headers.append('Set-Cookie', clearCookie(request, COOKIE.profile))
    const next = safeNextPath(new URL(request.url).searchParams.get('next'))
    return redirect(next ?? '/profiles', { headers })
  } catch (err) {
    const failure = formFailure(err)
    return Response.json(failure, { status: err instanceof AppError ? statusFor[err.code] : 400 })
  }
}

export default function SignInPage() {
  const failure = useActionData<{ error: string }>()
  const busy = useNavigation().state === 'submitting'
  return (
    <main id="main" className="page narrow">
      <h1>Sign in</h1>
      <Form method="post" className="stack" replace>
        <FormError message={failure?.error} />
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required maxLength={254} autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required maxLength={1024} />
        </label>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </Form>
      <p>
        New here? <Link to="/sign-up">Create an account</Link>
      </p>
    </main>
  )
}
