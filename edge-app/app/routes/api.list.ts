import { InfoHashSchema } from '@bittorrented/common'
import type { ActionFunctionArgs } from '@remix-run/cloudflare'
import { redirect } from '@remix-run/cloudflare'
import { z } from 'zod'
import { findTorrent } from '../lib/catalog.server.ts'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { parseForm } from '../lib/form.server.ts'
import { setOnList } from '../lib/profile-data.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }

const ListSchema = z.object({
  infoHash: InfoHashSchema('Pick a title.'),
  on: z.enum(['1', '0']).transform((v) => v === '1'),
})

/**
 * POST /api/list (form: infoHash, on=1|0): puts a title on the selected profile's list or takes
 * it off, then goes back to the title page. Only titles this profile can see can be added; the
 * list's title is the catalog's, never the client's.
 */
export function action({ request, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const { infoHash, on } = await parseForm(request, ListSchema)
    const found = await findTorrent(context.db, ctx, infoHash)
    if (!found) throw new AppError('not_found', 'There is no such title.')
    const { torrent } = found
    const title = torrent.title ? `${torrent.title}${torrent.year ? ` (${torrent.year})` : ''}` : torrent.name
    await setOnList(context.db, ctx, infoHash, title, on)
    return redirect(`/torrents/${infoHash}`)
  })
}

export function loader() {
  return Response.json({ error: 'invalid_input', message: 'POST a title to change your list.' }, { status: 405 })
}
