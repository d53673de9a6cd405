import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Link, useLoaderData } from '@remix-run/react'
import { AppShell } from '../components/app-shell.tsx'
import { findTorrent, type CatalogFile, type CatalogTorrent } from '../lib/catalog.server.ts'
import { signedStreamUrl } from '../lib/media-urls.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction = () => [{ title: 'Playing — BitTorrented' }]

export async function loader({ params, context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const infoHash = (params.infoHash ?? '').toLowerCase()
  const fileIndex = Number(params.fileIndex)
  if (!/^[0-9a-f]{40}$/.test(infoHash) || !Number.isInteger(fileIndex) || fileIndex < 0) throw new Response('Not found', { status: 404 })
  const found = await findTorrent(context.db, ctx, infoHash)
  const file = found?.files.find((f) => f.index === fileIndex)
  if (!found || !file) throw new Response('Not found', { status: 404 })
  return Response.json({ profile: ctx.profile, torrent: found.torrent, file, src: await signedStreamUrl(context.config, ctx, infoHash, fileIndex) })
}

export default function Watch() {
  const { profile, torrent, file, src } = useLoaderData<typeof loader>() as { profile: Profile; torrent: CatalogTorrent; file: CatalogFile; src: string }
  const title = file.path.split('/').pop() ?? file.path
  return (
    <AppShell profile={profile}>
      <p>
        <Link to={`/torrents/${torrent.infoHash}`}>← {torrent.name}</Link>
      </p>
      <h1>{title}</h1>
      {file.mediaType === 'audio' ? (
        <audio className="player" controls autoPlay src={src} aria-label={`Playing ${title}`} />
      ) : (
        <video className="player" controls autoPlay playsInline src={src} aria-label={`Playing ${title}`} />
      )}
      <p className="tile-meta">Streaming from the swarm: only the parts you watch are fetched.</p>
    </AppShell>
  )
}
