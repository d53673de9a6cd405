import type { ActionFunctionArgs } from '@remix-run/cloudflare'
import { redirect } from '@remix-run/cloudflare'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { readBodyText } from '../lib/http-guards.server.ts'
import { mediaNode } from '../lib/media-node.server.ts'
import { subscribeAll } from '../lib/podcasts.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }

/** An OPML export is a few hundred kilobytes for thousands of feeds; 5 MB leaves room. */
const OPML_MAX_BYTES = 5 * 1024 * 1024

/**
 * POST /podcasts/import (multipart, field `opml`) — subscribes the profile to every feed of an
 * OPML file from another podcast app (AntennaPod, Pocket Casts, Podcast Addict…). The media node
 * reads the file and enters the feeds; it fetches them in the background, so thousands import
 * at once. Back to /podcasts with the counts: feeds, new to this profile, duplicates, invalid.
 */
export function action({ request, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    try {
      return await importFile(request, context, ctx)
    } catch (err) {
      // Back to the page the file was chosen on, with the reason (a form post, not an API call).
      if (err instanceof AppError && err.code !== 'profile_required') return redirect(`/podcasts?importError=${encodeURIComponent(err.message)}`)
      throw err
    }
  })
}

async function importFile(request: Request, context: ActionFunctionArgs['context'], ctx: ReturnType<typeof requireProfile>): Promise<Response> {
  if (ctx.profile.isKids) throw new AppError('not_allowed', 'Ask a grown-up to add podcasts for you.')
  const type = request.headers.get('Content-Type') ?? ''
  const body = await readBodyText(request, OPML_MAX_BYTES)
  const form = await new Response(body, { headers: { 'Content-Type': type } }).formData().catch(() => null)
  const file = form?.get('opml')
  const text = typeof file === 'string' ? file : file ? await file.text() : ''
  if (!text.trim()) throw new AppError('invalid_input', 'Choose the OPML file your podcast app exported.')
  const imported = await mediaNode(context.config, ctx).importOpml(text)
  const added = await subscribeAll(context.db, ctx, imported.feedIds)
  const q = new URLSearchParams({ imported: String(imported.feedIds.length), added: String(added), duplicates: String(imported.duplicates), invalid: String(imported.invalid) })
  return redirect(`/podcasts?${q}`)
}
