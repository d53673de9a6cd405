/**
 * The podcast player: the episode through the media node, at the podcast's own speed
 * (0.5–3×, kept per podcast for the profile), skip back 15 s / forward 30 s, the intro and outro
 * skipped by the podcast's settings, chapters to jump to, the transcript following the playhead,
 * a sleep timer, and the lock screen's controls and artwork (Media Session). Where the person
 * is goes to /api/podcasts/progress every 10 s, on pause and when the page is left, so another
 * device resumes there.
 */
import type { EpisodeChapter, EpisodeExtras, TranscriptCue } from '@bittorrented/common'
import { useEffect, useMemo, useRef, useState } from 'react'
import { formatTime, SAVE_EVERY_MS } from '../player/use-resume.ts'
import { useEpisodeDownload } from './use-episode-download.ts'

export interface PodcastPlayerProps {
  src: string
  /** Whose downloads this device keeps (each profile its own). */
  profileId: string
  extrasUrl: string
  artwork: string | null
  episodeId: number
  feedId: number
  title: string
  show: string
  resumeAt: number
  speed: number
  skipIntroS: number
  skipOutroS: number
  /** Whether settings can be kept (the profile subscribes to the show). */
  subscribed: boolean
}

export const SPEEDS = [0.5, 0.75, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3]
const SLEEP_CHOICES = [
  { label: 'Off', minutes: 0 },
  { label: '5 minutes', minutes: 5 },
  { label: '15 minutes', minutes: 15 },
  { label: '30 minutes', minutes: 30 },
  { label: '60 minutes', minutes: 60 },
  { label: 'End of episode', minutes: -1 },
]

const progressBody = (el: HTMLMediaElement, episodeId: number, ended: boolean) =>
  JSON.stringify({ episodeId, positionS: el.currentTime, durationS: Number.isFinite(el.duration) ? el.duration : null, ended })

function save(el: HTMLMediaElement, episodeId: number, ended = false): void {
  // Not while a source is being (re)loaded: its position reads 0 then, and would overwrite the real one.
  if (el.readyState < 1) return
  void fetch('/api/podcasts/progress', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: progressBody(el, episodeId, ended), keepalive: true })
}

/** The chapter or cue playing at `t` (the last one started). */
function currentIndex<T extends { start: number }>(list: T[], t: number): number {
  let found = -1
  for (let i = 0; i < list.length && list[i]!.start <= t; i++) found = i
  return found
}

export function PodcastPlayer(p: PodcastPlayerProps) {
  const audio = useRef<HTMLAudioElement>(null)
  const [time, setTime] = useState(p.resumeAt)
  const [duration, setDuration] = useState(0)
  const [paused, setPaused] = useState(true)
  const [speed, setSpeed] = useState(p.speed)
  const [extras, setExtras] = useState<EpisodeExtras | null>(null)
  const [sleep, setSleep] = useState<{ until: number | 'end' } | null>(null)
  const [follow, setFollow] = useState(true)
  const [failed, setFailed] = useState<string | null>(null)
  const transcriptBox = useRef<HTMLOListElement>(null)
  const offline = useEpisodeDownload(p.profileId, p.episodeId, p.src)
  // The stored copy once there is one (it plays without a connection); else the node's stream.
  const src = offline.state.kind === 'saved' ? offline.state.url : p.src
  // Where it was and whether it played, so switching to the stored copy carries on from there.
  const last = useRef({ time: 0, playing: false })

  useEffect(() => {
    let stop = false
    fetch(p.extrasUrl)
      .then((r) => (r.ok ? (r.json() as Promise<EpisodeExtras>) : null))
      .then((x) => !stop && setExtras(x))
      .catch(() => !stop && setExtras(null))
    return () => {
      stop = true
    }
  }, [p.extrasUrl])

  // Resume (or skip the intro), the show's speed, progress saving.
  useEffect(() => {
    const el = audio.current
    if (!el) return
    const onMeta = () => {
      setDuration(el.duration)
      const start = last.current.time > 0 ? last.current.time : p.resumeAt > 0 ? p.resumeAt : p.skipIntroS
      if (start > 0 && start < el.duration - 1) el.currentTime = start
      el.playbackRate = speed
      if (last.current.playing) void el.play().catch(() => {})
    }
    const onTime = () => {
      setTime(el.currentTime)
      // Not the 0 of a source being loaded (switching to the stored copy): that is not where the person is.
      if (el.readyState >= 1) last.current = { time: el.currentTime, playing: !el.paused }
      if (p.skipOutroS > 0 && Number.isFinite(el.duration) && el.duration - el.currentTime <= p.skipOutroS && !el.paused) {
        el.pause()
        save(el, p.episodeId, true)
      }
    }
    const onPause = () => {
      setPaused(true)
      save(el, p.episodeId)
    }
    const onPlay = () => setPaused(false)
    const onEnded = () => save(el, p.episodeId, true)
    const onError = () => setFailed('This episode could not be played: its host did not answer, or the file is not audio this browser plays.')
    const timer = setInterval(() => !el.paused && save(el, p.episodeId), SAVE_EVERY_MS)
    const onLeave = () => el.readyState >= 1 && navigator.sendBeacon('/api/podcasts/progress', new Blob([progressBody(el, p.episodeId, false)], { type: 'application/json' }))
    if (el.readyState >= 1) onMeta()
    el.addEventListener('loadedmetadata', onMeta)
    el.addEventListener('timeupdate', onTime)
    el.addEventListener('pause', onPause)
    el.addEventListener('play', onPlay)
    el.addEventListener('ended', onEnded)
    el.addEventListener('error', onError)
    window.addEventListener('pagehide', onLeave)
    return () => {
      clearInterval(timer)
      el.removeEventListener('loadedmetadata', onMeta)
      el.removeEventListener('timeupdate', onTime)
      el.removeEventListener('pause', onPause)
      el.removeEventListener('play', onPlay)
      el.removeEventListener('ended', onEnded)
      el.removeEventListener('error', onError)
      window.removeEventListener('pagehide', onLeave)
    }
  }, [src, p.episodeId])

  const skip = (by: number) => {
    const el = audio.current
    if (el) el.currentTime = Math.max(0, Math.min(el.duration || Number.POSITIVE_INFINITY, el.currentTime + by))
  }
  const seekTo = (t: number) => {
    const el = audio.current
    if (!el) return
    el.currentTime = t
    if (el.paused) void el.play().catch(() => {})
  }
  const chapters: EpisodeChapter[] = extras?.chapters ?? []
  const cues: TranscriptCue[] = extras?.transcript?.cues ?? []
  const chapterAt = currentIndex(chapters, time)
  const cueAt = currentIndex(cues, time)

  // Media Session: lock screen and headphone keys, with the show's artwork.
  useEffect(() => {
    if (!('mediaSession' in navigator)) return
    const chapter = chapters[chapterAt]
    navigator.mediaSession.metadata = new MediaMetadata({
      title: p.title,
      artist: p.show,
      album: chapter ? chapter.title : p.show,
      artwork: p.artwork ? [{ src: p.artwork, sizes: '600x600' }] : [],
    })
    const el = audio.current
    const handlers: Array<[MediaSessionAction, MediaSessionActionHandler]> = [
      ['play', () => void el?.play()],
      ['pause', () => el?.pause()],
      ['seekbackward', (d) => skip(-(d.seekOffset ?? 15))],
      ['seekforward', (d) => skip(d.seekOffset ?? 30)],
      ['seekto', (d) => d.seekTime !== undefined && seekTo(d.seekTime)],
      ['previoustrack', () => chapters.length && seekTo(chapters[Math.max(0, chapterAt - (time - (chapters[chapterAt]?.start ?? 0) < 3 ? 1 : 0))]!.start)],
      ['nexttrack', () => chapters[chapterAt + 1] && seekTo(chapters[chapterAt + 1]!.start)],
    ]
    for (const [action, handler] of handlers) {
      try {
        navigator.mediaSession.setActionHandler(action, handler)
      } catch {}
    }
  }, [p.title, p.show, p.artwork, chapterAt, chapters.length])

  useEffect(() => {
    if (!('mediaSession' in navigator) || !duration || !Number.isFinite(duration)) return
    try {
      navigator.mediaSession.setPositionState({ duration, position: Math.min(time, duration), playbackRate: speed })
    } catch {}
  }, [Math.floor(time), duration, speed])

  // The transcript follows the playhead (until the person scrolls it themselves).
  useEffect(() => {
    if (!follow || cueAt < 0) return
    const li = transcriptBox.current?.querySelector<HTMLElement>(`[data-cue="${cueAt}"]`)
    li?.scrollIntoView({ block: 'nearest' })
  }, [cueAt, follow])

  // Sleep timer.
  useEffect(() => {
    if (!sleep) return
    const el = audio.current
    if (!el) return
    if (sleep.until === 'end') {
      const onEnd = () => setSleep(null)
      el.addEventListener('ended', onEnd)
      return () => el.removeEventListener('ended', onEnd)
    }
    const t = setTimeout(() => {
      el.pause()
      setSleep(null)
    }, sleep.until - Date.now())
    return () => clearTimeout(t)
  }, [sleep])

  const changeSpeed = (v: number) => {
    setSpeed(v)
    if (audio.current) audio.current.playbackRate = v
    if (p.subscribed)
      void fetch('/api/podcasts/settings', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ feedId: p.feedId, speed: v, skipIntroS: p.skipIntroS, skipOutroS: p.skipOutroS }),
      })
  }

  const remaining = useMemo(() => (sleep && sleep.until !== 'end' ? Math.max(0, Math.round((sleep.until - Date.now()) / 60_000)) : null), [sleep, Math.floor(time / 30)])

  return (
    <section className="podcast-player card" aria-label={`Now playing: ${p.title}`}>
      <div className="podcast-now">
        {p.artwork ? <img src={p.artwork} alt="" className="podcast-art" width={160} height={160} /> : <span className="podcast-art" aria-hidden="true" />}
        <div>
          <p className="eyebrow">{p.show}</p>
          <h2>{p.title}</h2>
          {chapters[chapterAt] && <p className="now">Chapter: {chapters[chapterAt]!.title}</p>}
          <audio ref={audio} src={src} controls preload="metadata" data-testid="podcast-audio" />
          {failed && (
            <p className="form-error" role="alert">
              {failed}
            </p>
          )}
          <div className="podcast-controls">
            <button type="button" className="button" onClick={() => skip(-15)} aria-label="Back 15 seconds">
              ↺ 15
            </button>
            <button type="button" className="button" onClick={() => (paused ? void audio.current?.play() : audio.current?.pause())}>
              {paused ? 'Play' : 'Pause'}
            </button>
            <button type="button" className="button" onClick={() => skip(30)} aria-label="Forward 30 seconds">
              30 ↻
            </button>
            <span aria-live="off">
              {formatTime(time)} / {duration ? formatTime(duration) : '–'}
            </span>
            <label>
              Speed{' '}
              <select value={speed} onChange={(e) => changeSpeed(Number(e.target.value))} data-testid="podcast-speed">
                {SPEEDS.map((s) => (
                  <option key={s} value={s}>
                    {s}×
                  </option>
                ))}
              </select>
            </label>
            {offline.state.kind === 'none' || offline.state.kind === 'failed' ? (
              <button type="button" className="button" onClick={() => void offline.download()}>
                Download for offline
              </button>
            ) : offline.state.kind === 'downloading' ? (
              <span role="status">Downloading{offline.state.fraction !== null ? ` ${Math.round(offline.state.fraction * 100)} %` : '…'}</span>
            ) : offline.state.kind === 'saved' ? (
              <button type="button" className="link-button" onClick={() => void offline.remove()} data-testid="downloaded">
                Downloaded ✓ (remove)
              </button>
            ) : null}
            <label>
              Sleep timer{' '}
              <select
                value={sleep ? (sleep.until === 'end' ? -1 : 'on') : 0}
                onChange={(e) => {
                  const m = Number(e.target.value)
                  setSleep(m === 0 ? null : m === -1 ? { until: 'end' } : { until: Date.now() + m * 60_000 })
                }}
              >
                {SLEEP_CHOICES.map((c) => (
                  <option key={c.label} value={c.minutes}>
                    {c.label}
                  </option>
                ))}
                {sleep && sleep.until !== 'end' && <option value="on">{remaining} min left</option>}
              </select>
            </label>
          </div>
        </div>
      </div>
      {chapters.length > 0 && (
        <details open className="podcast-chapters">
          <summary>Chapters ({chapters.length})</summary>
          <ol>
            {chapters.map((c, i) => (
              <li key={`${c.start}-${c.title}`} aria-current={i === chapterAt ? 'true' : undefined}>
                <button type="button" className="link-button" onClick={() => seekTo(c.start)}>
                  <span className="badge">{formatTime(c.start)}</span> {c.title}
                </button>
              </li>
            ))}
          </ol>
        </details>
      )}
      {cues.length > 0 && (
        <details open className="podcast-transcript">
          <summary>Transcript</summary>
          <label className="inline-form">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow along
          </label>
          <ol ref={transcriptBox} aria-label="Transcript" data-testid="transcript">
            {cues.map((c, i) => (
              <li key={`${c.start}-${c.text.slice(0, 40)}`} data-cue={i} aria-current={i === cueAt ? 'true' : undefined}>
                <button type="button" className="link-button" onClick={() => seekTo(c.start)} aria-label={`Play from ${formatTime(c.start)}`}>
                  {formatTime(c.start)}
                </button>{' '}
                {c.speaker && <strong>{c.speaker}: </strong>}
                {c.text}
              </li>
            ))}
          </ol>
        </details>
      )}
      {offline.state.kind === 'failed' && (
        <p className="form-error" role="alert">
          {offline.state.message}
        </p>
      )}
      {extras?.problems.map((m) => (
        <p key={m} className="next">
          {m}
        </p>
      ))}
    </section>
  )
}
