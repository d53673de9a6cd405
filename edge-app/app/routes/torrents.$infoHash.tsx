import { isInfoHash } from '@bittorrented/common'
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Await, Form, Link, useLoaderData } from '@remix-run/react'
import { Suspense } from 'react'
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

/** What the swarm said of a torrent, per profile (its alternatives are the profile's to see), kept a minute. */
const swarmChecks = new Map<string, { check: PeerCheck; until: number }>()
const SWARM_CHECK_MS = 60_000
const SWARM_CHECKS_KEPT = 500

/**
 * GET /torrents/:infoHash — the title page at once from the catalog (name, files, versions, my
 * list); what needs the swarm — are there peers, the whole file list, the album's tags — follows
 * in the same response when the media node has answered (a promise streamed by single fetch), with "Checking
 * who is sharing this…" until then (issue #24).
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const infoHash = (params.infoHash ?? '').toLowerCase()
  if (!isInfoHash(infoHash)) throw new Response('Not found', { status: 404 })
  const found = await findTorrent(context.db, ctx, infoHash)
  if (!found) throw new Response('Not found', { status: 404 })
  const node = mediaNode(context.config, ctx)
  const [versions, onList] = await Promise.all([listVersions(context.db, ctx, found.torrent), isOnList(context.db, ctx, infoHash)])
  const swarm = (async () => {
    const key = `${ctx.profileId}:${infoHash}`
    const kept = swarmChecks.get(key)
    const peers = kept && kept.until > Date.now() ? kept.check : await node.peers(infoHash)
    swarmChecks.set(key, { check: peers, until: Date.now() + SWARM_CHECK_MS })
    if (swarmChecks.size > SWARM_CHECKS_KEPT) swarmChecks.delete(swarmChecks.keys().next().value!)
    // The media node wrote the whole file list once it had the metadata: read it again.
    const files = found.torrent.filesComplete === false && peers.state === 'ok' ? ((await findTorrent(context.db, ctx, infoHash))?.files ?? null) : null
    const all = files ?? found.files
    // Music: an album view from the files' tags when the torrent is audio without video.
    const isAlbum = all.some((f) => f.mediaType === 'audio') && !all.some((f) => f.mediaType === 'video')
    const foundAlbum = isAlbum && peers.state === 'ok' ? await node.album(infoHash) : null
    // Tracks a browser plays as they are go to the music player with a URL signed for this profile.
    const album = foundAlbum && {
      ...foundAlbum,
      tracks: await Promise.all(foundAlbum.tracks.map(async (t) => ({ ...t, src: t.playable && DIRECT_AUDIO.test(t.path) ? await node.streamUrl(infoHash, t.fileIndex) : null }))),
    }
    return { peers, files, album }
  })().catch((err: unknown) => {
    console.error(JSON.stringify({ level: 'error', msg: 'swarm check failed', infoHash, error: String(err) }))
    throw err
  })
  // Single fetch streams the promise (turbo-stream) after the rest, for documents and client navigations alike.
  return { profile: ctx.profile, ...found, versions, onList, swarm }
}

const PLAYABLE = new Set(['video', 'audio'])
const DIRECT_AUDIO = /\.(mp3|flac|m4a|aac|ogg|oga|opus|wav)$/i

function formatDuration(s: number): string {
  return `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`
}
const KIND_LABEL: Record<CatalogFile['mediaType'], string> = { video: 'Video', audio: 'Audio', ebook: 'Book', subtitle: 'Subtitles', image: 'Image', other: 'File' }

type AlbumView = (Omit<Album, 'tracks'> & { tracks: Array<AlbumTrack & { src: string | null }> }) | null
type Swarm = { peers: PeerCheck; files: CatalogFile[] | null; album: AlbumView }

function FileList({ torrent, files }: { torrent: CatalogTorrent; files: CatalogFile[] }) {
  return (
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
  )
}

/** What the swarm said: live, beside the index's own (older) count; versions being shared that are not listed below are named here. */
function SwarmStatus({ peers, listed }: { peers: PeerCheck; listed: Set<string> }) {
  if (peers.state === 'ok')
    return (
      <p className="tile-meta" role="status" data-testid="swarm-check" data-state="ok">
        Being shared now: ready to play.
      </p>
    )
  return (
    <div className="form-error" role="alert" data-testid="swarm-check" data-state={peers.state}>
      <p>
        {peers.state === 'no_peers' ? `No peers right now: ${peers.message}` : peers.message} You can still try to play; it starts as soon as someone shares it.
        {peers.state === 'no_peers' && peers.alternatives.some((a) => listed.has(a.infoHash)) ? ' Versions being shared now are marked below.' : ''}
      </p>
      {peers.state === 'no_peers' && peers.alternatives.some((a) => !listed.has(a.infoHash)) && (
        <>
          <p>Being shared now:</p>
          <ul>
            {peers.alternatives
              .filter((a) => !listed.has(a.infoHash))
              .map((a) => (
                <li key={a.infoHash}>
                  <Link to={`/torrents/${a.infoHash}`}>{a.name}</Link>
                  {a.seeders !== null && ` (index: ${a.seeders} ${a.seeders === 1 ? 'seeder' : 'seeders'})`}
                </li>
              ))}
          </ul>
        </>
      )}
    </div>
  )
}

function AlbumSection({ album, torrent, profile }: { album: NonNullable<AlbumView>; torrent: CatalogTorrent; profile: Profile }) {
  const music = useMusicPlayer()
  const queue: QueueTrack[] = album.tracks.flatMap((t) =>
    t.src ? [{ infoHash: torrent.infoHash, fileIndex: t.fileIndex, title: t.title, artist: t.artist ?? album.artist ?? null, album: t.album ?? album.album ?? null, src: t.src }] : [],
  )
  const playing = music.current?.infoHash === torrent.infoHash ? music.current.fileIndex : null
  return (
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
  )
}

function Versions({ versions, shared }: { versions: CatalogTorrent[]; shared: Set<string> }) {
  return (
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
              {v.seeders !== null && ` · index: ${v.seeders} seeding`}
              {shared.has(v.infoHash) ? ' · being shared now' : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}

export default function TorrentPage() {
  const { profile, torrent, files, versions, onList, swarm } = useLoaderData<typeof loader>() as unknown as {
    profile: Profile
    onList: boolean
    versions: CatalogTorrent[]
    torrent: CatalogTorrent
    files: CatalogFile[]
    swarm: Promise<Swarm>
  }
  const waiting = (
    <p className="tile-meta" role="status" data-testid="swarm-check" data-state="checking">
      Checking who is sharing this…
    </p>
  )
  return (
    <AppShell profile={profile}>
      <h1>{torrent.name}</h1>
      <p className="tile-meta">
        {formatBytes(torrent.sizeBytes)} · {torrent.fileCount} {torrent.fileCount === 1 ? 'file' : 'files'}
        {torrent.seeders !== null && ` · ${torrent.seeders} ${torrent.seeders === 1 ? 'seeder' : 'seeders'} reported by the index`}
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
      <Suspense fallback={waiting}>
        <Await
          resolve={swarm}
          errorElement={
            <p className="form-error" role="alert" data-testid="swarm-check" data-state="unreachable">
              The media node did not answer in time; you can still try to play.
            </p>
          }
        >
          {(s: Swarm) => (
            <>
              <SwarmStatus peers={s.peers} listed={new Set(versions.map((v) => v.infoHash))} />
              {s.album && s.album.tracks.length > 0 && <AlbumSection album={s.album} torrent={torrent} profile={profile} />}
            </>
          )}
        </Await>
      </Suspense>
      {versions.length > 0 && (
        <Suspense fallback={<Versions versions={versions} shared={new Set()} />}>
          <Await resolve={swarm} errorElement={<Versions versions={versions} shared={new Set()} />}>
            {(s: Swarm) => <Versions versions={versions} shared={new Set(s.peers.state === 'no_peers' ? s.peers.alternatives.map((a) => a.infoHash) : [])} />}
          </Await>
        </Suspense>
      )}
      <Suspense fallback={<FileList torrent={torrent} files={files} />}>
        <Await resolve={swarm} errorElement={<FileList torrent={torrent} files={files} />}>
          {(s: Swarm) => <FileList torrent={torrent} files={s.files ?? files} />}
        </Await>
      </Suspense>
    </AppShell>
  )
}
