import type { ActionFunctionArgs } from '@remix-run/cloudflare'
import { redirect } from '@remix-run/cloudflare'
import { InfoHashSchema, newPartyRoomId, SIGNED_TTL_S, signPartyInvite } from '@bittorrented/common'
import { z } from 'zod'
import { findTorrent } from '../lib/catalog.server.ts'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { parseForm } from '../lib/form.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }

/** How long an invite link lets people join. */
export const INVITE_TTL_S = SIGNED_TTL_S.partyInvite

const NewPartySchema = z.object({
  infoHash: InfoHashSchema('Pick something to watch.'),
  fileIndex: z.coerce.number().int().min(0).max(999_999),
})

/**
 * POST /api/parties (form: infoHash, fileIndex): starts a watch party for a file this profile
 * can see and redirects to the party page. That page's URL is the signed invite link.
 */
export function action({ request, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const { infoHash, fileIndex } = await parseForm(request, NewPartySchema)
    const found = await findTorrent(context.db, ctx, infoHash)
    const file = found?.files.find((f) => f.index === fileIndex)
    if (!file || (file.mediaType !== 'video' && file.mediaType !== 'audio')) throw new AppError('not_found', 'There is no such film or song to watch together.')
    return redirect(await signPartyInvite(context.config.keys.partyInvite, newPartyRoomId(), { infoHash, fileIndex }, INVITE_TTL_S))
  })
}

export function loader() {
  return Response.json({ error: 'invalid_input', message: 'POST a file to start a watch party.' }, { status: 405 })
}
