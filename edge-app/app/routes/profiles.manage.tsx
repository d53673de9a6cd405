import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { FormError } from '../components/field-error.tsx'
import { ProfileAvatar } from '../components/profile-avatar.tsx'
import { AppError, statusFor } from '../lib/errors.ts'
import { formFailure, parseForm } from '../lib/form.server.ts'
import { AVATARS, KIDS_RATINGS, RATINGS } from '../lib/profile-options.ts'
import { createProfile, deleteProfile, getAccountSummary, listProfiles, ProfileInputSchema, updateProfile, type AccountSummary, type Profile } from '../lib/profiles.server.ts'
import { requireUser } from '../lib/request-auth.server.ts'
import { KIDS_CANNOT_MANAGE, pinSatisfied, requireProfileManager, unlockWithPin } from '../lib/profile-guard.server.ts'
import { PinUnlockForm } from '../components/pin-unlock-form.tsx'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'account' }
export const meta: MetaFunction = () => [{ title: 'Manage profiles — BitTorrented' }]

const LANGUAGES = [
  ['en', 'English'],
  ['fr', 'Français'],
  ['de', 'Deutsch'],
  ['es', 'Español'],
  ['it', 'Italiano'],
  ['pt', 'Português'],
  ['nl', 'Nederlands'],
  ['ja', '日本語'],
] as const

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireUser(context)
  // The account's PIN first, when it has one: the page asks for it instead of showing the profiles.
  if (!(await pinSatisfied(request, context, user))) return Response.json({ locked: true })
  await requireProfileManager(request, context, user).catch((err: unknown) => {
    throw new Response(err instanceof AppError ? err.message : KIDS_CANNOT_MANAGE, { status: 403 })
  })
  const [profiles, account] = await Promise.all([listProfiles(context.db, user.id), getAccountSummary(context.db, user.id, user.email)])
  return Response.json({ profiles, account })
}

const fields = (f: FormData) => ({
  name: f.get('name'),
  avatar: f.get('avatar') ?? undefined,
  isKids: f.get('isKids') === 'on',
  maxRating: f.get('maxRating') || null,
  language: f.get('language') ?? undefined,
})

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(context)
  const form = await request.clone().formData()
  const intent = String(form.get('intent') ?? '')
  try {
    if (intent === 'unlock') {
      const cookie = await unlockWithPin(request, context, user, String(form.get('pin') ?? ''))
      return redirect('/profiles/manage', { headers: { 'Set-Cookie': cookie } })
    }
    await requireProfileManager(request, context, user)
    if (intent === 'create') {
      await createProfile(context.db, user.id, await parseForm(request, ProfileInputSchema, fields))
    } else if (intent === 'update') {
      const id = z.string().uuid().parse(form.get('profileId'))
      await updateProfile(context.db, user.id, id, await parseForm(request, ProfileInputSchema, fields))
    } else if (intent === 'delete') {
      const id = z.string().uuid().parse(form.get('profileId'))
      if (form.get('confirm') !== 'yes') throw new AppError('invalid_input', 'Confirm the deletion first.')
      await deleteProfile(context.db, user.id, id)
    } else {
      throw new AppError('invalid_input', 'Unknown action.')
    }
    return redirect('/profiles/manage')
  } catch (err) {
    if (err instanceof z.ZodError) return Response.json({ error: 'That profile does not exist.', code: 'not_found' }, { status: 404 })
    return Response.json(formFailure(err), { status: err instanceof AppError ? statusFor[err.code] : 400 })
  }
}

function ProfileFields({ profile, idPrefix }: { profile?: Profile; idPrefix: string }) {
  return (
    <>
      <label>
        Name
        <input name="name" defaultValue={profile?.name} required maxLength={40} id={`${idPrefix}-name`} />
      </label>
      <label>
        Avatar
        <select name="avatar" defaultValue={profile?.avatar ?? 'avatar-1'}>
          {AVATARS.map((a, i) => (
            <option key={a} value={a}>
              {['Red', 'Blue', 'Green', 'Orange', 'Purple', 'Teal'][i]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Language
        <select name="language" defaultValue={profile?.language ?? 'en'}>
          {LANGUAGES.map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="checkbox">
        <input type="checkbox" name="isKids" defaultChecked={profile?.isKids} />
        Kids profile (only titles rated {KIDS_RATINGS.join(' or ')})
      </label>
      <label>
        Highest rating allowed
        <select name="maxRating" defaultValue={profile?.maxRating ?? ''}>
          <option value="">No limit</option>
          {RATINGS.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
    </>
  )
}

export default function ManageProfiles() {
  const data = useLoaderData<typeof loader>() as { profiles: Profile[]; account: AccountSummary } | { locked: true }
  const failure = useActionData<{ error: string }>()
  if ('locked' in data) return <PinUnlockForm title="Manage profiles" error={failure?.error} />
  return <ProfileManager {...data} error={failure?.error} />
}

function ProfileManager({ profiles, account, error }: { profiles: Profile[]; account: AccountSummary; error?: string }) {
  const failure = error ? { error } : undefined
  const [params] = useSearchParams()
  const deleting = profiles.find((p) => p.id === params.get('delete'))
  const full = account.profileCount >= account.maxProfiles

  return (
    <main id="main" className="page">
      <p>
        <Link to="/profiles?switch=1">← Who&apos;s watching?</Link>
      </p>
      <h1>Manage profiles</h1>
      <p>
        {account.profileCount} of {account.maxProfiles} profiles on the {account.planName} plan.
      </p>
      <FormError message={failure?.error} />

      {deleting && (
        <section className="card danger" aria-labelledby="confirm-heading">
          <h2 id="confirm-heading">Delete {deleting.name}?</h2>
          <p>This deletes {deleting.name}&apos;s history, resume points, lists, collections, searches and settings. It cannot be undone.</p>
          <Form method="post" className="row">
            <input type="hidden" name="intent" value="delete" />
            <input type="hidden" name="profileId" value={deleting.id} />
            <input type="hidden" name="confirm" value="yes" />
            <button type="submit" className="button danger" autoFocus>
              Delete {deleting.name}
            </button>
            <Link to="/profiles/manage" className="button">
              Cancel
            </Link>
          </Form>
        </section>
      )}

      <ul className="manage-list">
        {profiles.map((p) => (
          <li key={p.id} className="card">
            <h2 className="row">
              <ProfileAvatar name={p.name} avatar={p.avatar} size="small" /> {p.name}
            </h2>
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="update" />
              <input type="hidden" name="profileId" value={p.id} />
              <ProfileFields profile={p} idPrefix={p.id} />
              <div className="row">
                <button type="submit" className="button primary">
                  Save {p.name}
                </button>
                {profiles.length > 1 && (
                  <Link to={`/profiles/manage?delete=${p.id}`} className="button danger">
                    Delete…
                  </Link>
                )}
              </div>
            </Form>
          </li>
        ))}
      </ul>

      <section className="card" aria-labelledby="add-heading">
        <h2 id="add-heading">Add a profile</h2>
        {full ? (
          <p>Your plan has no room for another profile. Delete one to add someone new.</p>
        ) : (
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="create" />
            <ProfileFields idPrefix="new" />
            <button type="submit" className="button primary">
              Add profile
            </button>
          </Form>
        )}
      </section>
    </main>
  )
}
