/**
 * The radio player: the station through the media node (an http-only stream plays on an https
 * page; ICY metadata is taken out there), what is playing now read every 10 s from the node
 * and shown here and on the lock screen (Media Session), play/stop from the keyboard, the
 * remote and the headphones. A live stream has no position to save and nothing to seek.
 */
import type { NowPlaying } from '@bittorrented/common'
import { useEffect, useRef, useState } from 'react'
import { useHls } from '../player/use-hls.ts'

export interface RadioPlayerProps {
  src: string
  /** An HLS station: played natively or through hls.js. */
  hls: boolean
  nowPlayingUrl: string
  logo: string | null
  name: string
  detail: string
}

const POLL_MS = 10_000

export function RadioPlayer(p: RadioPlayerProps) {
  const audio = useRef<HTMLAudioElement>(null)
  const [title, setTitle] = useState<string | null>(null)
  const [state, setState] = useState<'loading' | 'playing' | 'paused' | 'failed'>('loading')
  useHls(audio, p.hls ? p.src : null)

  useEffect(() => {
    let stop = false
    const poll = () =>
      fetch(p.nowPlayingUrl, { cache: 'no-store' })
        .then((r) => (r.ok ? (r.json() as Promise<NowPlaying>) : null))
        .then((np) => !stop && np && setTitle(np.title))
        .catch(() => {})
    void poll()
    const t = setInterval(poll, POLL_MS)
    return () => {
      stop = true
      clearInterval(t)
    }
  }, [p.nowPlayingUrl])

  useEffect(() => {
    const el = audio.current
    if (!el) return
    const on = (s: typeof state) => () => setState(s)
    const listeners: Array<[string, () => void]> = [
      ['playing', on('playing')],
      ['pause', on('paused')],
      ['waiting', on('loading')],
      ['error', on('failed')],
    ]
    for (const [e, f] of listeners) el.addEventListener(e, f)
    void el.play().catch(() => setState('paused'))
    return () => {
      for (const [e, f] of listeners) el.removeEventListener(e, f)
    }
  }, [p.src])

  useEffect(() => {
    if (!('mediaSession' in navigator)) return
    navigator.mediaSession.metadata = new MediaMetadata({ title: title ?? p.name, artist: title ? p.name : p.detail, album: 'Radio', artwork: p.logo ? [{ src: p.logo }] : [] })
    const el = audio.current
    try {
      navigator.mediaSession.setActionHandler('play', () => void el?.play())
      navigator.mediaSession.setActionHandler('pause', () => el?.pause())
      navigator.mediaSession.setActionHandler('stop', () => el?.pause())
    } catch {}
  }, [title, p.name, p.logo, p.detail])

  return (
    <section className="radio-player card" aria-label={`Listening to ${p.name}`}>
      {p.logo ? <img src={p.logo} alt="" className="station-logo" width={96} height={96} /> : <span className="station-logo" aria-hidden="true" />}
      <div>
        <p className="eyebrow">{state === 'loading' ? 'Tuning in…' : state === 'failed' ? 'Off the air' : 'Live'}</p>
        <h2>{p.name}</h2>
        <p className="now" aria-live="polite" data-testid="now-playing">
          {title ? `Now playing: ${title}` : p.detail}
        </p>
        <audio ref={audio} src={p.hls ? undefined : p.src} controls autoPlay preload="none" data-testid="radio-audio" />
        {state === 'failed' && (
          <p className="form-error" role="alert">
            This station could not be played: it may be off the air, or send a format this browser does not play.
          </p>
        )}
      </div>
    </section>
  )
}
