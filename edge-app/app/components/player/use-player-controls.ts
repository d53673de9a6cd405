import { useEffect } from 'react'

/**
 * Keys, as in the players people know: Space/K play-pause, ←/→ (J/L) 10 s back/forward,
 * ↑/↓ volume, M mute, F full screen, C subtitles on/off, P picture-in-picture. And the Media
 * Session, so lock screens, headsets and TV remotes control playback too.
 */
export function usePlayerControls(media: React.RefObject<HTMLMediaElement | null>, title: string, album: string) {
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
