import { redirect, type LoaderFunctionArgs } from '@remix-run/cloudflare'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'public' }

// The route-scope middleware sends denied Remix data requests here, so that Remix itself
// encodes the redirect the way its client expects. Only our own two destinations are allowed.
const DESTINATIONS = /^\/(sign-in|profiles)(\?next=[^\s]*)?$/

export function loader({ request }: LoaderFunctionArgs) {
  const to = new URL(request.url).searchParams.get('to') ?? ''
  throw redirect(DESTINATIONS.test(to) && !to.includes('//') ? to : '/sign-in')
}
