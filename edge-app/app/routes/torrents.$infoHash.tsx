import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Link, useLoaderData } from '@remix-run/react'
import { AppShell } from '../components/app-shell.tsx'
import { findTorrent, type CatalogFile, type CatalogTorrent } from '../lib/catalog.server.ts'
import { AppError } from '../lib/errors.ts'
import { formatBytes } from '../lib/format.ts'
import { checkPeers, type PeerCheck } from '../lib/media-urls.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${(data as { torrent?: CatalogTorrent } | undefined)?.torrent?.name ?? 'Title'} — BitTorrented` }]

const HEX40 = /^[0-9a-f]{40}$/

export async function loader({ params, context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const infoHash = (params.infoHash ?? '').toLowerCase()
  if (!HEX40.test(infoHash)) throw new Response('Not found', { status: 404 })
  const found = await findTorrent(context.db, ctx, infoHash)
  if (!found) throw new Response('Not found', { status: 404 })
  const peers = await checkPeers(context.config, ctx, infoHash)
  return Response.json({ profile: ctx.profile, ...found, peers })
}

const PLAYABLE = new Set(['video', 'audio'])
const KIND_LABEL: Record<CatalogFile['mediaType'], string> = { video: 'Video', audio: 'Audio', ebook: 'Book', subtitle: 'Subtitles', image: 'Image', other: 'File' }

export default function TorrentPage() {
  const { profile, torrent, files, peers } = useLoaderData<typeof loader>() as {
    profile: Profile
    torrent: CatalogTorrent
    files: CatalogFile[]
    peers: PeerCheck
  }
  return (
    <AppShell profile={profile}>
      <h1>{torrent.name}</h1>
      <p className="tile-meta">
        {formatBytes(torrent.sizeBytes)} · {torrent.fileCount} {torrent.fileCount === 1 ? 'file' : 'files'}
        {torrent.seeders !== null && ` · ${torrent.seeders} ${torrent.seeders === 1 ? 'seeder' : 'seeders'}`}
      </p>
      {peers.state !== 'ok' && (
        <div className="form-error" role="alert">
          <p>
            {peers.state === 'no_peers' ? `No peers right now: ${peers.message}` : peers.message} You can still try to play; it starts as soon as someone shares it.
          </p>
          {peers.state === 'no_peers' && peers.alternatives.length > 0 && (
            <>
              <p>Other versions of this title that are being shared:</p>
              <ul>
                {peers.alternatives.map((a) => (
                  <li key={a.infoHash}>
                    <Link to={`/torrents/${a.infoHash}`}>{a.name}</Link>
                    {a.seeders !== null && ` (${a.seeders} ${a.seeders === 1 ? 'seeder' : 'seeders'})`}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      <ul className="file-list">
        {files.map((f) => (
          <li key={f.index} className="file-row">
            <span className="badge">{KIND_LABEL[f.mediaType]}</span>
            <span className="file-path">{f.path}</span>
            <span className="tile-meta">{formatBytes(f.sizeBytes)}</span>
            {PLAYABLE.has(f.mediaType) && (
              <Link className="button primary" to={`/watch/${torrent.infoHash}/${f.index}`} aria-label={`Play ${f.path}`}>
                Play
              </Link>
            )}
          </li>
        ))}
      </ul>
    </AppShell>
  )
}
