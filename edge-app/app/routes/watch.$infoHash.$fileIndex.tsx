import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Link, useLoaderData } from '@remix-run/react'
import { useEffect, useRef, useState } from 'react'
import { AppShell } from '../components/app-shell.tsx'
import { useHls } from '../components/player/use-hls.ts'
import { usePlaybackDecision, type SubtitleTrack } from '../components/player/use-playback-decision.ts'
import { usePlayerControls } from '../components/player/use-player-controls.ts'
import { useQueueNext } from '../components/player/use-queue-next.ts'
import { formatTime, useResume } from '../components/player/use-resume.ts'
import { findTorrent, type CatalogFile, type CatalogTorrent } from '../lib/catalog.server.ts'
import { signedHlsUrl, signedStreamUrl, signedSubtitleUrl } from '../lib/media-urls.server.ts'
import { findResumePosition } from '../lib/profile-data.server.ts'
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
  const [src, hlsSrc, resumeAt] = [
    await signedStreamUrl(context.config, ctx, infoHash, fileIndex),
    await signedHlsUrl(context.config, ctx, infoHash, fileIndex),
    await findResumePosition(context.db, ctx, infoHash, fileIndex),
  ]
  // Subtitle files beside the video in the same torrent (the same folder), as WebVTT.
  const folder = file.path.slice(0, file.path.lastIndexOf('/') + 1)
  const sideFiles = found.files.filter((f) => f.mediaType === 'subtitle' && f.path.startsWith(folder) && !f.path.slice(folder.length).includes('/'))
  const subtitleFiles = await Promise.all(
    sideFiles.map(async (f) => ({ label: f.path.slice(folder.length), language: /\.([a-z]{2,3})\.(srt|ass|ssa|vtt)$/i.exec(f.path)?.[1]?.toLowerCase() ?? null, url: await signedSubtitleUrl(context.config, ctx, infoHash, f.index, 'file') })),
  )
  return Response.json({ profile: ctx.profile, torrent: found.torrent, file, src, hlsSrc, resumeAt, subtitleFiles })
}

export default function Watch() {
  const { profile, torrent, file, src, hlsSrc, resumeAt, subtitleFiles } = useLoaderData<typeof loader>() as {
    profile: Profile
    torrent: CatalogTorrent
    file: CatalogFile
    src: string
    hlsSrc: string
    resumeAt: number | null
    subtitleFiles: SubtitleTrack[]
  }
  const title = file.path.split('/').pop() ?? file.path
  const media = useRef<HTMLMediaElement | null>(null)
  const decision = usePlaybackDecision(torrent.infoHash, file.index)
  // Another audio track than the file's first one comes through HLS, which can pick any track.
  const [audio, setAudio] = useState<number | null>(null)
  const keepPosition = useRef<number | null>(null)
  const direct = decision.state === 'ready' && decision.mode === 'direct' && audio === null
  const converted = decision.state === 'ready' && !direct
  useHls(media, converted ? (audio === null ? hlsSrc : `${hlsSrc}&audio=${audio}`) : null)
  useEffect(() => {
    const el = media.current
    if (!el) return
    const restore = () => {
      if (keepPosition.current !== null) el.currentTime = keepPosition.current
      keepPosition.current = null
    }
    el.addEventListener('loadedmetadata', restore)
    return () => el.removeEventListener('loadedmetadata', restore)
  }, [audio])
  const audioTracks = decision.state === 'ready' ? decision.audioTracks : []
  const tracks = [...(decision.state === 'ready' ? decision.subtitles : []), ...subtitleFiles]
  usePlayerControls(media, title, torrent.name)
  const next = useQueueNext(media, torrent.infoHash, file.index)
  const resumed = useResume(media, { infoHash: torrent.infoHash, fileIndex: file.index, title }, resumeAt)
  return (
    <AppShell profile={profile}>
      <p>
        <Link to={`/torrents/${torrent.infoHash}`}>← {torrent.name}</Link>
      </p>
      <h1>{title}</h1>
      {file.mediaType === 'audio' ? (
        <audio ref={media as React.RefObject<HTMLAudioElement>} className="player" controls autoPlay src={direct ? src : undefined} aria-label={`Playing ${title}`} />
      ) : (
        <video
          ref={media as React.RefObject<HTMLVideoElement>}
          className="player"
          controls
          autoPlay
          playsInline
          crossOrigin="anonymous"
          src={direct ? src : undefined}
          aria-label={`Playing ${title}`}
        >
          {tracks.map((t) => (
            <track key={t.url} kind="subtitles" src={t.url} label={t.label} srcLang={t.language ?? undefined} />
          ))}
        </video>
      )}
      {audioTracks.length > 1 && (
        <label className="row">
          Audio
          <select
            value={audio ?? ''}
            onChange={(e) => {
              keepPosition.current = media.current?.currentTime ?? null
              setAudio(e.target.value === '' ? null : Number(e.target.value))
            }}
          >
            {audioTracks.map((t, i) => (
              <option key={t.index} value={i === 0 ? '' : String(t.index)}>
                {[t.title, t.language, t.channels ? `${t.channels} ch` : null].filter(Boolean).join(' · ') || `Track ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
      )}
      {decision.state === 'checking' && (
        <p role="status" className="tile-meta">
          Checking the file…
        </p>
      )}
      {decision.state === 'error' && (
        <p role="alert" className="form-error">
          {decision.message}
        </p>
      )}
      {converted && (
        <p role="status" className="tile-meta">
          {decision.reason} It is converted as you watch.
        </p>
      )}
      {resumed && resumeAt !== null && (
        <p role="status" className="tile-meta">
          Resumed at {formatTime(resumeAt)}.
        </p>
      )}
      {next !== null && <p className="tile-meta">Next in the queue: file {next + 1} of the torrent.</p>}
      <p className="tile-meta">Streaming from the swarm: only the parts you watch are fetched.</p>
      <p className="tile-meta">
        Keys: Space or K play/pause · ←/→ 10 s · ↑/↓ volume · M mute · F full screen · C subtitles · P picture-in-picture
      </p>
    </AppShell>
  )
}
