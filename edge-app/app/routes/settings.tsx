import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { AppShell } from '../components/app-shell.tsx'
import { FormError } from '../components/field-error.tsx'
import { AppError, statusFor } from '../lib/errors.ts'
import { formFailure, parseForm } from '../lib/form.server.ts'
import { getPlayerSettings, PlayerSettingsSchema, savePlayerSettings, type PlayerSettings } from '../lib/profile-data.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction = () => [{ title: 'Player settings — BitTorrented' }]

export async function loader({ context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  return Response.json({ profile: ctx.profile, settings: await getPlayerSettings(context.db, ctx) })
}

export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = requireProfile(context)
  try {
    const settings = await parseForm(request, PlayerSettingsSchema, (f) => ({
      subtitleLanguage: f.get('subtitleLanguage') || null,
      audioLanguage: f.get('audioLanguage') || null,
      subtitleSize: f.get('subtitleSize'),
      playbackRate: f.get('playbackRate'),
      autoplayNext: f.get('autoplayNext') === 'on',
    }))
    await savePlayerSettings(context.db, ctx, settings)
    return Response.json({ saved: true })
  } catch (err) {
    return Response.json(formFailure(err), { status: err instanceof AppError ? statusFor[err.code] : 400 })
  }
}

const LANGUAGES = [
  ['', 'Off / original'],
  ['en', 'English'],
  ['fr', 'French'],
  ['de', 'German'],
  ['es', 'Spanish'],
  ['it', 'Italian'],
  ['ja', 'Japanese'],
] as const

function LanguageSelect({ label, name, value }: { label: string; name: string; value: string | null }) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value ?? ''}>
        {LANGUAGES.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  )
}

export default function Settings() {
  const { profile, settings } = useLoaderData<typeof loader>() as { profile: Profile; settings: PlayerSettings }
  const result = useActionData<{ saved?: boolean; error?: string }>()
  return (
    <AppShell profile={profile}>
      <h1>Player settings for {profile.name}</h1>
      <Form method="post" className="stack narrow">
        <FormError message={result?.error} />
        {result?.saved && (
          <p role="status" className="form-ok">
            Saved.
          </p>
        )}
        <LanguageSelect label="Subtitles" name="subtitleLanguage" value={settings.subtitleLanguage} />
        <LanguageSelect label="Audio language" name="audioLanguage" value={settings.audioLanguage} />
        <label>
          Subtitle size
          <select name="subtitleSize" defaultValue={settings.subtitleSize}>
            <option value="small">Small</option>
            <option value="medium">Medium</option>
            <option value="large">Large</option>
          </select>
        </label>
        <label>
          Playback speed
          <select name="playbackRate" defaultValue={String(settings.playbackRate)}>
            {[0.75, 1, 1.25, 1.5, 2].map((r) => (
              <option key={r} value={String(r)}>
                {r}×
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" name="autoplayNext" defaultChecked={settings.autoplayNext} />
          Play the next episode automatically
        </label>
        <button type="submit" className="button primary">
          Save settings
        </button>
      </Form>
    </AppShell>
  )
}
