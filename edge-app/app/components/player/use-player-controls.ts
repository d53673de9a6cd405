import { useEffect, useState } from 'react'

/** The keys a TV remote sends for Back (and a keyboard's Escape and Backspace). */
const BACK_KEYS = new Set(['Escape', 'Backspace', 'GoBack', 'BrowserBack'])

/**
 * Keys, as in the players people know: Space/K (and a remote's OK/Enter) play-pause, ←/→ (J/L)
 * 10 s back/forward, ↑/↓ volume, M mute, F full screen, C subtitles on/off, P
 * picture-in-picture, and Back (Escape, Backspace, a remote's Back) leaves the player for where
 * the person came from (`onBack`). And the Media Session — metadata, playback state and position
 * kept current — so lock screens, headsets and TV remotes show and control playback too.
 * Returns whether the person has used a keyboard's letter keys (so only then are those hinted).
 */
export function usePlayerControls(media: React.RefObject<HTMLMediaElement | null>, title: string, album: string, onBack?: () => void): { keyboard: boolean } {
  const [keyboard, setKeyboard] = useState(false)
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
      if (BACK_KEYS.has(key) && onBack) {
        // Escape leaves full screen first, as browsers do; the next Back leaves the player.
        if (document.fullscreenElement) return
        e.preventDefault()
        onBack()
        return
      }
      if (/^[a-z]$/.test(key)) setKeyboard(true)
      const actions: Record<string, () => void> = {
        Enter: () => (el.paused ? void el.play() : el.pause()),
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
    const session = 'mediaSession' in navigator ? navigator.mediaSession : null
    const onState = () => {
      if (!session) return
      session.playbackState = el.paused ? 'paused' : 'playing'
      if (Number.isFinite(el.duration) && el.duration > 0) {
        try {
          session.setPositionState({ duration: el.duration, position: Math.min(el.currentTime, el.duration), playbackRate: el.playbackRate })
        } catch {}
      }
    }
    let lastPosition = 0
    const onTime = () => {
      if (Math.abs(el.currentTime - lastPosition) >= 5) {
        lastPosition = el.currentTime
        onState()
      }
    }
    for (const ev of ['play', 'pause', 'seeked', 'ratechange', 'loadedmetadata']) el.addEventListener(ev, onState)
    el.addEventListener('timeupdate', onTime)
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
    return () => {
      window.removeEventListener('keydown', onKey)
      for (const ev of ['play', 'pause', 'seeked', 'ratechange', 'loadedmetadata']) el.removeEventListener(ev, onState)
      el.removeEventListener('timeupdate', onTime)
    }
  }, [media, title, album, onBack])
  return { keyboard }
}
