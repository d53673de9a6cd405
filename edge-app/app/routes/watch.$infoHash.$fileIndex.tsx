import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Link, useLoaderData, useNavigate, useSearchParams } from '@remix-run/react'
import { useEffect, useRef, useState } from 'react'
import { AppShell } from '../components/app-shell.tsx'
import { findTorrent, type CatalogFile, type CatalogTorrent } from '../lib/catalog.server.ts'
import { signedHlsUrl, signedStreamUrl, signedSubtitleUrl } from '../lib/media-urls.server.ts'
import { findResumePosition } from '../lib/profile-data.server.ts'
import { browserCapabilities, capabilitiesQuery } from '../lib/media-capabilities.ts'
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

const SAVE_EVERY_MS = 10_000

function formatTime(s: number): string {
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = Math.floor(s % 60)
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(sec).padStart(2, '0')}`
}

/**
 * Resume: starts at the saved position, and saves the position every 10 s while playing, on
 * pause and when the page is left (sendBeacon survives the unload).
 */
function useResume(media: React.RefObject<HTMLMediaElement | null>, body: { infoHash: string; fileIndex: number; title: string }, resumeAt: number | null, playable: boolean) {
  const [resumed, setResumed] = useState(false)
  useEffect(() => {
    const el = media.current
    if (!el) return
    const payload = () => JSON.stringify({ ...body, positionS: el.currentTime, durationS: el.duration })
    const save = () => {
      if (!Number.isFinite(el.duration) || el.duration <= 0) return
      void fetch('/api/progress', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: payload(), keepalive: true })
    }
    const onMeta = () => {
      if (resumeAt !== null && resumeAt < el.duration) {
        el.currentTime = resumeAt
        setResumed(true)
      }
    }
    const timer = setInterval(() => !el.paused && save(), SAVE_EVERY_MS)
    const onLeave = () => Number.isFinite(el.duration) && navigator.sendBeacon('/api/progress', new Blob([payload()], { type: 'application/json' }))
    if (el.readyState >= 1) onMeta()
    el.addEventListener('loadedmetadata', onMeta)
    el.addEventListener('pause', save)
    window.addEventListener('pagehide', onLeave)
    return () => {
      clearInterval(timer)
      el.removeEventListener('loadedmetadata', onMeta)
      el.removeEventListener('pause', save)
      window.removeEventListener('pagehide', onLeave)
    }
  }, [media, body.infoHash, body.fileIndex, body.title, resumeAt, playable])
  return resumed
}

/**
 * Plays an HLS playlist: natively where the browser can (Safari, iOS), else through hls.js,
 * loaded only when needed so direct plays never download it.
 */
function useHls(media: React.RefObject<HTMLMediaElement | null>, url: string | null) {
  useEffect(() => {
    const el = media.current
    if (!el || !url) return
    if (el.canPlayType('application/vnd.apple.mpegurl')) {
      el.src = url
      return
    }
    let destroyed = false
    let hls: { destroy(): void } | null = null
    void import('hls.js').then(({ default: Hls }) => {
      if (destroyed || !Hls.isSupported()) return
      const player = new Hls({ maxBufferLength: 30 })
      player.loadSource(url)
      player.attachMedia(el as HTMLVideoElement)
      hls = player
    })
    return () => {
      destroyed = true
      hls?.destroy()
    }
  }, [media, url])
}

interface AudioTrack {
  index: number
  language: string | null
  title: string | null
  channels: number | null
  isDefault: boolean
}

interface SubtitleTrack {
  label: string
  language: string | null
  url: string
}

/**
 * Keys, as in the players people know: Space/K play-pause, ←/→ (J/L) 10 s back/forward,
 * ↑/↓ volume, M mute, F full screen, C subtitles on/off, P picture-in-picture. And the Media
 * Session, so lock screens, headsets and TV remotes control playback too.
 */
function usePlayerControls(media: React.RefObject<HTMLMediaElement | null>, title: string, album: string) {
  useEffect(() => {
    const el = media.current
    if (!el) return
    const seek = (by: number) => {
      el.currentTime = Math.max(0, Math.min(Number.isFinite(el.duration) ? el.duration : Infinity, el.currentTime + by))
    }
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null
      if (e.altKey || e.ctrlKey || e.metaKey || (target && /^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName))) return
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key
      const actions: Record<string, () => void> = {
        ' ': () => (el.paused ? void el.play() : el.pause()),
        k: () => (el.paused ? void el.play() : el.pause()),
        ArrowLeft: () => seek(-10),
        j: () => seek(-10),
        ArrowRight: () => seek(10),
        l: () => seek(10),
        ArrowUp: () => (el.volume = Math.min(1, el.volume + 0.1)),
        ArrowDown: () => (el.volume = Math.max(0, el.volume - 0.1)),
        m: () => (el.muted = !el.muted),
        f: () => (document.fullscreenElement ? void document.exitFullscreen() : void el.requestFullscreen?.()),
        c: () => {
          const tracks = [...el.textTracks]
          const on = tracks.some((t) => t.mode === 'showing')
          tracks.forEach((t, i) => (t.mode = !on && i === 0 ? 'showing' : 'disabled'))
        },
        p: () => {
          const v = el as HTMLVideoElement
          if (document.pictureInPictureElement) void document.exitPictureInPicture()
          else if (v.requestPictureInPicture) void v.requestPictureInPicture().catch(() => {})
        },
      }
      const action = actions[key]
      // A focused player handles Space itself; doing it twice would cancel out.
      if (!action || (key === ' ' && target === el)) return
      e.preventDefault()
      action()
    }
    window.addEventListener('keydown', onKey)
    if ('mediaSession' in navigator) {
      navigator.mediaSession.metadata = new MediaMetadata({ title, album })
      const handlers: Array<[MediaSessionAction, MediaSessionActionHandler]> = [
        ['play', () => void el.play()],
        ['pause', () => el.pause()],
        ['seekbackward', (d) => seek(-(d.seekOffset ?? 10))],
        ['seekforward', (d) => seek(d.seekOffset ?? 10)],
        ['seekto', (d) => d.seekTime !== undefined && (el.currentTime = d.seekTime)],
      ]
      for (const [action, handler] of handlers) {
        try {
          navigator.mediaSession.setActionHandler(action, handler)
        } catch {
          // an action this browser does not know
        }
      }
    }
    return () => window.removeEventListener('keydown', onKey)
  }, [media, title, album])
}

/** `?queue=3,4,5`: when a track ends, the next one of the queue plays (an album, in order). */
function useQueueNext(media: React.RefObject<HTMLMediaElement | null>, infoHash: string, fileIndex: number): number | null {
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const queue = (params.get('queue') ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n >= 0)
  const at = queue.indexOf(fileIndex)
  const next = at >= 0 && at + 1 < queue.length ? queue[at + 1]! : null
  useEffect(() => {
    const el = media.current
    if (!el || next === null) return
    const onEnded = () => navigate(`/watch/${infoHash}/${next}?queue=${queue.join(',')}`)
    el.addEventListener('ended', onEnded)
    return () => el.removeEventListener('ended', onEnded)
  }, [media, next, infoHash, queue.join(',')])
  return next
}

type Decision =
  | { state: 'checking' }
  | { state: 'ready'; mode: 'direct' | 'remux' | 'transcode'; reason: string; subtitles: SubtitleTrack[]; audioTracks: AudioTrack[] }
  | { state: 'error'; message: string }

/** Asks (through the edge app) how this browser should get the file; plays it only when it can. */
function usePlaybackDecision(infoHash: string, fileIndex: number): Decision {
  const [decision, setDecision] = useState<Decision>({ state: 'checking' })
  useEffect(() => {
    let live = true
    fetch(`/api/playback/${infoHash}/${fileIndex}?${capabilitiesQuery(browserCapabilities())}`)
      .then(async (res) => {
        const body = (await res.json()) as {
          decision?: { mode: 'direct' | 'remux' | 'transcode'; reason: string }
          subtitles?: Array<{ language: string | null; title: string | null; url: string }>
          audioTracks?: AudioTrack[]
          message?: string
        }
        if (!live) return
        const subtitles = (body.subtitles ?? []).map((t, i) => ({ label: t.title ?? (t.language ? `${t.language} (in file)` : `Track ${i + 1}`), language: t.language, url: t.url }))
        if (res.ok && body.decision) setDecision({ state: 'ready', ...body.decision, subtitles, audioTracks: body.audioTracks ?? [] })
        else setDecision({ state: 'error', message: body.message ?? 'This file cannot be played.' })
      })
      .catch(() => live && setDecision({ state: 'error', message: 'The media node did not answer.' }))
    return () => {
      live = false
    }
  }, [infoHash, fileIndex])
  return decision
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
  const playable = direct || converted
  const tracks = [...(decision.state === 'ready' ? decision.subtitles : []), ...subtitleFiles]
  usePlayerControls(media, title, torrent.name)
  const next = useQueueNext(media, torrent.infoHash, file.index)
  const resumed = useResume(media, { infoHash: torrent.infoHash, fileIndex: file.index, title }, resumeAt, playable)
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
