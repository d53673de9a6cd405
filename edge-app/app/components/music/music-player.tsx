/**
 * The music player that stays while the person browses: a queue (an album, or from a track on),
 * a bar at the bottom of every page, lock-screen and remote keys (Media Session), and the next
 * track preloaded on a second audio element so it starts the moment the current one ends — as
 * gapless as two elements allow (a true gapless join would need Web Audio decoding of whole files).
 *
 * It lives in the root layout, outside the routes, so client-side navigation never interrupts it.
 * The queue belongs to the profile that started it: another profile (or none) selected stops it
 * and clears it. Listening positions go to /api/progress like the watch page's.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { useLocation } from '@remix-run/react'
import { formatTime, SAVE_EVERY_MS, saveProgress } from '../player/use-resume.ts'

export interface QueueTrack {
  infoHash: string
  fileIndex: number
  title: string
  artist: string | null
  album: string | null
  /** A signed media-node URL of the file as it is (the queue holds tracks browsers play directly). */
  src: string
}

interface MusicPlayerApi {
  /** Plays `tracks` from `start` on, replacing the queue. */
  play(tracks: QueueTrack[], start: number, profileId: string): void
  /** The profile now selected (null: none): a queue of another profile stops. */
  bindProfile(profileId: string | null): void
  current: QueueTrack | null
}

const MusicPlayerContext = createContext<MusicPlayerApi | null>(null)

export function useMusicPlayer(): MusicPlayerApi {
  const api = useContext(MusicPlayerContext)
  if (!api) throw new Error('useMusicPlayer outside MusicPlayerProvider')
  return api
}

export function MusicPlayerProvider({ children }: { children: ReactNode }) {
  const [queue, setQueue] = useState<{ tracks: QueueTrack[]; at: number; profileId: string } | null>(null)
  // Two elements take turns: `slot` plays the current track, the other holds the next one, loaded.
  const [slot, setSlot] = useState<0 | 1>(0)
  const elements = [useRef<HTMLAudioElement>(null), useRef<HTMLAudioElement>(null)] as const
  const [paused, setPaused] = useState(true)
  const [time, setTime] = useState({ at: 0, duration: 0 })
  const current = queue ? (queue.tracks[queue.at] ?? null) : null
  const next = queue ? (queue.tracks[queue.at + 1] ?? null) : null
  const playing = () => elements[slot].current
  const waiting = () => elements[slot === 0 ? 1 : 0].current

  const play = useCallback((tracks: QueueTrack[], start: number, profileId: string) => {
    elements[0].current?.pause()
    elements[1].current?.pause()
    setSlot(0)
    setQueue({ tracks, at: start, profileId })
  }, [])

  const bindProfile = useCallback((profileId: string | null) => setQueue((q) => (q && q.profileId !== profileId ? null : q)), [])
  // Signing in or out, or picking a profile: no profile's music plays on.
  const { pathname } = useLocation()
  useEffect(() => {
    if (/^\/(sign-in|sign-up|sign-out|profiles)(\/|$)/.test(pathname)) bindProfile(null)
  }, [pathname])
  // No queue (closed, another profile, signed out): nothing plays or keeps loading.
  useEffect(() => {
    if (queue) return
    for (const el of elements) {
      el.current?.pause()
      el.current?.removeAttribute('src')
    }
  }, [queue])

  const step = useCallback(
    (by: 1 | -1) => {
      if (!queue) return
      const at = queue.at + by
      if (at < 0 || at >= queue.tracks.length) return
      if (by === 1 && waiting()?.getAttribute('src') === queue.tracks[at]!.src) {
        // The next track is already loaded on the other element: start it now, then swap.
        playing()?.pause()
        void waiting()!
          .play()
          .catch(() => {})
        setSlot((s) => (s === 0 ? 1 : 0))
      } else {
        playing()?.pause()
      }
      setQueue({ ...queue, at })
    },
    [queue, slot],
  )

  // The playing element gets the current track; the other one loads the next.
  useEffect(() => {
    const el = playing()
    if (!el || !current) return
    if (el.getAttribute('src') !== current.src) {
      el.src = current.src
      el.currentTime = 0
    }
    void el.play().catch(() => {})
    const other = waiting()
    if (other && next && other.getAttribute('src') !== next.src) {
      other.preload = 'auto'
      other.src = next.src
      other.load()
    }
  }, [current?.src, next?.src, slot])

  // Events of the playing element: time, pause state, the end (→ the next track), saving the position.
  useEffect(() => {
    const el = playing()
    if (!el || !current) return
    const save = () => saveProgress(el, { infoHash: current.infoHash, fileIndex: current.fileIndex, title: current.title })
    const onTime = () => setTime({ at: el.currentTime, duration: Number.isFinite(el.duration) ? el.duration : 0 })
    const onPlay = () => setPaused(false)
    const onPause = () => {
      setPaused(true)
      save()
    }
    const onEnded = () => {
      save()
      step(1)
    }
    const timer = setInterval(() => !el.paused && save(), SAVE_EVERY_MS)
    // A preloaded track may have started before these listeners were attached.
    setPaused(el.paused)
    const listening = new AbortController()
    const on = (type: string, fn: () => void) => el.addEventListener(type, fn, { signal: listening.signal })
    on('timeupdate', onTime)
    on('play', onPlay)
    on('playing', onPlay)
    on('pause', onPause)
    on('ended', onEnded)
    return () => {
      clearInterval(timer)
      listening.abort()
    }
  }, [current?.src, slot, step])

  // Another player starting (a film on the watch page) pauses the music.
  useEffect(() => {
    const onAnyPlay = (e: Event) => {
      if (e.target instanceof HTMLMediaElement && !elements.some((r) => r.current === e.target)) playing()?.pause()
    }
    document.addEventListener('play', onAnyPlay, true)
    return () => document.removeEventListener('play', onAnyPlay, true)
  }, [slot])

  // Lock screen, headset and TV-remote keys.
  useEffect(() => {
    if (!('mediaSession' in navigator) || !current) return
    navigator.mediaSession.metadata = new MediaMetadata({ title: current.title, artist: current.artist ?? '', album: current.album ?? '' })
    const handlers: Array<[MediaSessionAction, MediaSessionActionHandler]> = [
      ['play', () => void playing()?.play()],
      ['pause', () => playing()?.pause()],
      ['nexttrack', () => step(1)],
      ['previoustrack', () => step(-1)],
      ['seekto', (d) => d.seekTime !== undefined && playing() && (playing()!.currentTime = d.seekTime)],
    ]
    for (const [action, handler] of handlers) navigator.mediaSession.setActionHandler(action, handler)
    return () => {
      for (const [action] of handlers) navigator.mediaSession.setActionHandler(action, null)
    }
  }, [current?.src, step, slot])

  const api = useMemo(() => ({ play, bindProfile, current }), [play, bindProfile, current])
  return (
    <MusicPlayerContext.Provider value={api}>
      {children}
      <audio ref={elements[0]} data-music-slot="0" hidden />
      <audio ref={elements[1]} data-music-slot="1" hidden />
      {current && queue && (
        <section className="mini-player" aria-label="Now playing">
          <div className="mini-player-title">
            <strong>{current.title}</strong>
            <span className="tile-meta">
              {[current.artist, current.album].filter(Boolean).join(' — ')} · {queue.at + 1} of {queue.tracks.length}
            </span>
          </div>
          <div className="mini-player-controls">
            <button type="button" className="icon-button" onClick={() => step(-1)} disabled={queue.at === 0} aria-label="Previous track">
              ⏮
            </button>
            <button type="button" className="icon-button" onClick={() => (paused ? void playing()?.play() : playing()?.pause())} aria-label={paused ? 'Play' : 'Pause'}>
              {paused ? '▶' : '⏸'}
            </button>
            <button type="button" className="icon-button" onClick={() => step(1)} disabled={!next} aria-label="Next track">
              ⏭
            </button>
          </div>
          <label className="mini-player-seek">
            <span className="visually-hidden">Position</span>
            <input
              type="range"
              min={0}
              max={Math.max(1, Math.floor(time.duration))}
              value={Math.floor(time.at)}
              onChange={(e) => playing() && (playing()!.currentTime = Number(e.target.value))}
              aria-valuetext={`${formatTime(time.at)} of ${formatTime(time.duration)}`}
            />
            <span className="tile-meta" aria-hidden="true">
              {formatTime(time.at)} / {formatTime(time.duration)}
            </span>
          </label>
          <button type="button" className="icon-button" onClick={() => setQueue(null)} aria-label="Stop and close the player">
            ✕
          </button>
        </section>
      )}
    </MusicPlayerContext.Provider>
  )
}
