import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useEffect, useState, type KeyboardEvent } from 'react'
import { FormError } from '../components/field-error.tsx'
import { ProfileAvatar } from '../components/profile-avatar.tsx'
import { AppError, statusFor } from '../lib/errors.ts'
import { formFailure, parseForm } from '../lib/form.server.ts'
import { automaticProfile, selectProfile, SelectProfileSchema } from '../lib/profile-selection.server.ts'
import { listProfiles, type Profile } from '../lib/profiles.server.ts'
import { requireUser, safeNextPath } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'
import { PinField } from '../components/pin-field.tsx'

export const handle: ScopedHandle = { scope: 'account' }
export const meta: MetaFunction = () => [{ title: "Who's watching? — BitTorrented" }]

/** localStorage mirror of the device default, so the page can show which one it is. */
const DEVICE_DEFAULT_KEY = 'bittorrented.deviceDefaultProfile'

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireUser(context)
  const profiles = await listProfiles(context.db, user.id)
  const switching = new URL(request.url).searchParams.has('switch')
  if (!switching) {
    const chosen = await automaticProfile(request, context.config, user, profiles)
    // A device default that needs the PIN (leaving a kids profile) is not picked by itself.
    const selected = chosen
      ? await selectProfile(request, context, user, chosen.id, false).catch((err: unknown) => {
          if (err instanceof AppError && err.code === 'pin_required') return null
          throw err
        })
      : null
    if (selected) throw redirect(safeNextPath(new URL(request.url).searchParams.get('next')) ?? '/browse', { headers: selected.headers })
  }
  return Response.json({ profiles })
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(context)
  try {
    const input = await parseForm(request, SelectProfileSchema, (f) => ({ profileId: f.get('profileId'), remember: f.get('remember') === 'on', pin: f.get('pin') || null }))
    try {
      const { headers } = await selectProfile(request, context, user, input.profileId, input.remember, input.pin)
      return redirect(safeNextPath(new URL(request.url).searchParams.get('next')) ?? '/browse', { headers })
    } catch (err) {
      // The picker then asks for the PIN for that profile.
      if (err instanceof AppError && err.code === 'pin_required') return Response.json({ ...formFailure(err), pinFor: input.profileId }, { status: statusFor[err.code] })
      throw err
    }
  } catch (err) {
    return Response.json(formFailure(err), { status: err instanceof AppError ? statusFor[err.code] : 400 })
  }
}

/** Arrow keys (a TV remote's D-pad) move between the tiles. */
function moveFocusWithArrows(e: KeyboardEvent<HTMLUListElement>) {
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key]
  if (!step) return
  const tiles = Array.from(e.currentTarget.querySelectorAll<HTMLButtonElement>('button.profile-tile'))
  const at = tiles.indexOf(document.activeElement as HTMLButtonElement)
  const next = tiles[Math.min(tiles.length - 1, Math.max(0, at + step))]
  if (next) {
    e.preventDefault()
    next.focus()
  }
}

export default function ProfilePicker() {
  const { profiles } = useLoaderData<typeof loader>() as { profiles: Profile[] }
  const failure = useActionData<{ error: string; pinFor?: string }>()
  const [remember, setRemember] = useState(false)
  const [deviceDefault, setDeviceDefault] = useState<string | null>(null)
  useEffect(() => setDeviceDefault(localStorage.getItem(DEVICE_DEFAULT_KEY)), [])

  return (
    <main id="main" className="page picker">
      <h1>Who&apos;s watching?</h1>
      <FormError message={failure?.error} />
      <Form
        method="post"
        onSubmit={(e) => {
          const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null
          if (remember && submitter?.value) localStorage.setItem(DEVICE_DEFAULT_KEY, submitter.value)
        }}
      >
        <ul className="profile-grid" aria-label="Profiles" onKeyDown={moveFocusWithArrows}>
          {profiles.map((p, i) => (
            <li key={p.id}>
              <button type="submit" name="profileId" value={p.id} className="profile-tile" autoFocus={i === 0} data-profile-name={p.name}>
                <ProfileAvatar name={p.name} avatar={p.avatar} />
                <span className="profile-name">{p.name}</span>
                {p.isKids && <span className="badge">Kids</span>}
                {deviceDefault === p.id && <span className="badge">Default on this device</span>}
              </button>
            </li>
          ))}
        </ul>
        <label className="checkbox">
          <input type="checkbox" name="remember" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          Set as default on this device
        </label>
      </Form>
      {failure?.pinFor ? (
        <Form method="post" className="stack narrow" aria-label="Profile PIN">
          <input type="hidden" name="profileId" value={failure.pinFor} />
          <PinField />
          <button type="submit" className="button primary">
            Continue
          </button>
        </Form>
      ) : null}
      <p className="actions">
        <Link to="/profiles/manage" className="button">
          Manage profiles
        </Link>
        <Link to="/account" className="button">
          Account
        </Link>
      </p>
    </main>
  )
}
