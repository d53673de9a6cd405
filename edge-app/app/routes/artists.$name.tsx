import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Link, useLoaderData } from '@remix-run/react'
import { AppShell } from '../components/app-shell.tsx'
import { listArtistAlbums, type ArtistAlbum } from '../lib/catalog.server.ts'
import { formatBytes } from '../lib/format.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${(data as { artist?: string } | undefined)?.artist ?? 'Artist'} — BitTorrented` }]

/** `/artists/:name`: an artist's albums (newest first), each with its releases, as this profile may see them. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const name = (params.name ?? '').trim()
  if (!name || name.length > 300) throw new Response('Not found', { status: 404 })
  const found = await listArtistAlbums(context.db, ctx, name)
  if (!found) throw new Response('Not found', { status: 404 })
  return Response.json({ profile: ctx.profile, ...found })
}

/** The format a music release names at its end ("[FLAC]", "[MP3 320]"), else its track count. */
function releaseLabel(r: ArtistAlbum['releases'][number]): string {
  return /\[([^\]]{1,20})\]\s*$/.exec(r.name)?.[1] ?? `${r.fileCount} ${r.fileCount === 1 ? 'track' : 'tracks'}`
}

export default function ArtistPage() {
  const { profile, artist, albums } = useLoaderData<typeof loader>() as { profile: Profile; artist: string; albums: ArtistAlbum[] }
  return (
    <AppShell profile={profile}>
      <p className="tile-meta">Artist</p>
      <h1>{artist}</h1>
      <p className="tile-meta">
        {albums.length} {albums.length === 1 ? 'album' : 'albums'}
      </p>
      <ul className="tiles" data-row="albums">
        {albums.map((a) => (
          <li key={`${a.title}|${a.year ?? ''}`} className="tile">
            <Link to={`/torrents/${a.releases[0]!.infoHash}`} className="tile-title">
              {a.title}
              {a.year !== null && ` (${a.year})`}
            </Link>
            <span className="tile-meta">
              {a.releases.map((r, i) => (
                <span key={r.infoHash}>
                  {i > 0 && ' · '}
                  <Link to={`/torrents/${r.infoHash}`} aria-label={`${a.title}, ${releaseLabel(r)}, ${formatBytes(r.sizeBytes)}`}>
                    {releaseLabel(r)}
                  </Link>
                </span>
              ))}
            </span>
          </li>
        ))}
      </ul>
    </AppShell>
  )
}
