import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { useLoaderData, useNavigate } from '@remix-run/react'
import { useCallback, useRef } from 'react'
import { AppShell } from '../components/app-shell.tsx'
import { StartPartyForm } from '../components/party/start-party-form.tsx'
import { MediaPlayer } from '../components/player/media-player.tsx'
import type { SubtitleTrack } from '../components/player/use-playback-decision.ts'
import { usePlayerControls } from '../components/player/use-player-controls.ts'
import { useQueueNext } from '../components/player/use-queue-next.ts'
import { formatTime, useResume } from '../components/player/use-resume.ts'
import type { CatalogFile, CatalogTorrent } from '../lib/catalog.server.ts'
import { loadPlayable, parseFileParams } from '../lib/playable.server.ts'
import { findResumePosition, getPlayerSettings, type PlayerSettings } from '../lib/profile-data.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'
import { fileName } from '../lib/format.ts'
import { FileHeader } from '../components/file-header.tsx'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction = () => [{ title: 'Playing — BitTorrented' }]

export async function loader({ params, context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const { infoHash, fileIndex } = parseFileParams(params)
  const playable = await loadPlayable(context, ctx, infoHash, fileIndex)
  if (!playable) throw new Response('Not found', { status: 404 })
  const resumeAt = await findResumePosition(context.db, ctx, infoHash, fileIndex)
  const settings = await getPlayerSettings(context.db, ctx)
  return Response.json({ profile: ctx.profile, ...playable, resumeAt, settings })
}

export default function Watch() {
  const { profile, torrent, file, src, hlsSrc, resumeAt, subtitleFiles, settings } = useLoaderData<typeof loader>() as {
    settings: PlayerSettings
    profile: Profile
    torrent: CatalogTorrent
    file: CatalogFile
    src: string
    hlsSrc: string
    resumeAt: number | null
    subtitleFiles: SubtitleTrack[]
  }
  const title = fileName(file.path)
  const media = useRef<HTMLMediaElement | null>(null)
  const navigate = useNavigate()
  // Back leaves the player for the title it was opened from (the history entry before, when there is one).
  // (React Router numbers its history entries: idx > 0 means the app itself led here.)
  const back = useCallback(() => ((window.history.state as { idx?: number } | null)?.idx ? navigate(-1) : navigate(`/torrents/${torrent.infoHash}`)), [navigate, torrent.infoHash])
  const { keyboard } = usePlayerControls(media, title, torrent.name, back)
  // "Play the next one automatically" (player settings) decides whether a queue moves on by itself.
  const next = useQueueNext(media, torrent.infoHash, file.index, settings.autoplayNext)
  const resumed = useResume(media, { infoHash: torrent.infoHash, fileIndex: file.index, title }, resumeAt)
  return (
    <AppShell profile={profile}>
      {/* On a phone the player comes first (CSS order): video at the top, its title under it. */}
      <div className="watch-page">
        <div className="watch-head">
          <FileHeader torrent={torrent} title={title} />
        </div>
        <div className="watch-player">
          <MediaPlayer media={media} torrent={torrent} file={file} src={src} hlsSrc={hlsSrc} subtitleFiles={subtitleFiles} settings={settings} />
        </div>
      </div>
      <StartPartyForm infoHash={torrent.infoHash} fileIndex={file.index} kind={file.mediaType} />
      {resumed && resumeAt !== null && (
        <p role="status" className="tile-meta">
          Resumed at {formatTime(resumeAt)}.
        </p>
      )}
      {next !== null && <p className="tile-meta">Next in the queue: file {next + 1} of the torrent.</p>}
      <p className="tile-meta">Streaming from the swarm: only the parts you watch are fetched.</p>
      <p className="tile-meta" data-testid="key-hints">
        {keyboard
          ? 'Keys: Space or K play/pause · ←/→ 10 s · ↑/↓ volume · M mute · F full screen · C subtitles · P picture-in-picture · Esc back'
          : 'OK play/pause · ←/→ 10 s · ↑/↓ volume · Back to the title'}
      </p>
    </AppShell>
  )
}
