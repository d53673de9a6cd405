import { isInfoHash } from '@bittorrented/common'
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { AppShell } from '../components/app-shell.tsx'
import { StartPartyForm } from '../components/party/start-party-form.tsx'
import { findTorrent, listVersions, type CatalogFile, type CatalogTorrent } from '../lib/catalog.server.ts'
import { artistPath, formatBytes } from '../lib/format.ts'
import { mediaNode, type Album, type AlbumTrack, type PeerCheck } from '../lib/media-node.server.ts'
import { useMusicPlayer, type QueueTrack } from '../components/music/music-player.tsx'
import { isOnList } from '../lib/profile-data.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${(data as { torrent?: CatalogTorrent } | undefined)?.torrent?.name ?? 'Title'} — BitTorrented` }]

export async function loader({ params, context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const infoHash = (params.infoHash ?? '').toLowerCase()
  if (!isInfoHash(infoHash)) throw new Response('Not found', { status: 404 })
  let found = await findTorrent(context.db, ctx, infoHash)
  if (!found) throw new Response('Not found', { status: 404 })
  const node = mediaNode(context.config, ctx)
  const peers = await node.peers(infoHash)
  // The media node wrote the whole file list once it had the metadata: read it again.
  if (found.torrent.filesComplete === false && peers.state === 'ok') found = (await findTorrent(context.db, ctx, infoHash)) ?? found
  // Music: an album view from the files' tags when the torrent is audio without video.
  const isAlbum = found.files.some((f) => f.mediaType === 'audio') && !found.files.some((f) => f.mediaType === 'video')
  const foundAlbum = isAlbum && peers.state === 'ok' ? await node.album(infoHash) : null
  // Tracks a browser plays as they are go to the music player with a URL signed for this profile.
  const album = foundAlbum && {
    ...foundAlbum,
    tracks: await Promise.all(foundAlbum.tracks.map(async (t) => ({ ...t, src: t.playable && DIRECT_AUDIO.test(t.path) ? await node.streamUrl(infoHash, t.fileIndex) : null }))),
  }
  const versions = await listVersions(context.db, ctx, found.torrent)
  const onList = await isOnList(context.db, ctx, infoHash)
  return Response.json({ profile: ctx.profile, ...found, peers, album, versions, onList })
}

const PLAYABLE = new Set(['video', 'audio'])
const DIRECT_AUDIO = /\.(mp3|flac|m4a|aac|ogg|oga|opus|wav)$/i

function formatDuration(s: number): string {
  return `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`
}
const KIND_LABEL: Record<CatalogFile['mediaType'], string> = { video: 'Video', audio: 'Audio', ebook: 'Book', subtitle: 'Subtitles', image: 'Image', other: 'File' }

export default function TorrentPage() {
  const { profile, torrent, files, peers, album, versions, onList } = useLoaderData<typeof loader>() as {
    profile: Profile
    onList: boolean
    versions: CatalogTorrent[]
    torrent: CatalogTorrent
    files: CatalogFile[]
    peers: PeerCheck
    album: (Omit<Album, 'tracks'> & { tracks: Array<AlbumTrack & { src: string | null }> }) | null
  }
  const music = useMusicPlayer()
  const queue: QueueTrack[] = (album?.tracks ?? []).flatMap((t) =>
    t.src ? [{ infoHash: torrent.infoHash, fileIndex: t.fileIndex, title: t.title, artist: t.artist ?? album?.artist ?? null, album: t.album ?? album?.album ?? null, src: t.src }] : [],
  )
  const playing = music.current?.infoHash === torrent.infoHash ? music.current.fileIndex : null
  return (
    <AppShell profile={profile}>
      <h1>{torrent.name}</h1>
      <p className="tile-meta">
        {formatBytes(torrent.sizeBytes)} · {torrent.fileCount} {torrent.fileCount === 1 ? 'file' : 'files'}
        {torrent.seeders !== null && ` · ${torrent.seeders} ${torrent.seeders === 1 ? 'seeder' : 'seeders'}`}
        {' · '}
        {torrent.contentRating ? (
          <span className="badge">
            <span className="visually-hidden">Rated </span>
            {torrent.contentRating}
          </span>
        ) : (
          'Not rated'
        )}
        {torrent.isPrivate ? (
          <>
            {' · '}
            <span className="badge" title="A private torrent: its peers come only from its own trackers, never from the DHT or other peers.">
              Private torrent
            </span>
          </>
        ) : null}
      </p>
      {torrent.filesComplete === false ? (
        <p className="tile-meta">
          The catalog lists {files.length} of its {torrent.fileCount} files; the rest are read from the torrent when it is played.
        </p>
      ) : null}
      <Form method="post" action="/api/list" className="inline-form">
        <input type="hidden" name="infoHash" value={torrent.infoHash} />
        <input type="hidden" name="on" value={onList ? '0' : '1'} />
        <button type="submit" className="button" aria-pressed={onList}>
          {onList ? '✓ On my list' : '+ My list'}
        </button>
      </Form>
      {peers.state !== 'ok' && (
        <div className="form-error" role="alert">
          <p>{peers.state === 'no_peers' ? `No peers right now: ${peers.message}` : peers.message} You can still try to play; it starts as soon as someone shares it.</p>
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
      {album && album.tracks.length > 0 && (
        <section aria-labelledby="album-heading" className="card">
          <h2 id="album-heading">{album.album ?? (album.artist ? 'Tracks' : (torrent.title ?? 'Tracks'))}</h2>
          {(album.artist ?? torrent.artist) && (
            <p>
              by <Link to={artistPath((album.artist ?? torrent.artist)!)}>{album.artist ?? torrent.artist}</Link>
            </p>
          )}
          {queue.length > 0 ? (
            <p>
              <button type="button" className="button primary" onClick={() => music.play(queue, 0, profile.id)}>
                Play album
              </button>
            </p>
          ) : (
            <p>
              <Link className="button primary" to={`/watch/${torrent.infoHash}/${album.tracks[0]!.fileIndex}?queue=${album.tracks.map((t) => t.fileIndex).join(',')}`}>
                Play album
              </Link>
            </p>
          )}
          <ol className="track-list">
            {album.tracks.map((t) => {
              const inQueue = queue.findIndex((q) => q.fileIndex === t.fileIndex)
              return (
                <li key={t.fileIndex}>
                  {inQueue >= 0 ? (
                    <button type="button" onClick={() => music.play(queue, inQueue, profile.id)} aria-current={playing === t.fileIndex}>
                      {t.title}
                    </button>
                  ) : (
                    <Link to={`/watch/${torrent.infoHash}/${t.fileIndex}?queue=${album.tracks.map((x) => x.fileIndex).join(',')}`}>{t.title}</Link>
                  )}
                  {t.artist && <span className="tile-meta"> · {t.artist}</span>}
                  {t.durationS !== null && <span className="tile-meta"> · {formatDuration(t.durationS)}</span>}
                </li>
              )
            })}
          </ol>
        </section>
      )}
      {versions.length > 0 && (
        <section aria-labelledby="versions-heading" className="card">
          <h2 id="versions-heading">Other versions</h2>
          <ul className="file-list" data-row="versions">
            {versions.map((v) => (
              <li key={v.infoHash} className="file-row">
                <span className="badge">{v.resolution ?? 'other'}</span>
                <Link to={`/torrents/${v.infoHash}`} className="file-path">
                  {v.name}
                </Link>
                <span className="tile-meta">
                  {formatBytes(v.sizeBytes)}
                  {v.seeders !== null && ` · ${v.seeders} seeding`}
                </span>
              </li>
            ))}
          </ul>
        </section>
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
            {f.mediaType === 'ebook' && /\.(epub|pdf|cbz)$/i.test(f.path) && (
              <Link className="button primary" to={`/read/${torrent.infoHash}/${f.index}`} aria-label={`Read ${f.path}`}>
                Read
              </Link>
            )}
            <StartPartyForm infoHash={torrent.infoHash} fileIndex={f.index} kind={f.mediaType} label={`Watch ${f.path} together`} />
          </li>
        ))}
      </ul>
    </AppShell>
  )
}
