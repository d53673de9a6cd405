import { useEffect, useState } from 'react'

const SAVE_EVERY_MS = 10_000

export function formatTime(s: number): string {
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = Math.floor(s % 60)
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(sec).padStart(2, '0')}`
}

/**
 * Resume: starts at the saved position, and saves the position every 10 s while playing, on
 * pause and when the page is left (sendBeacon survives the unload).
 */
export function useResume(media: React.RefObject<HTMLMediaElement | null>, body: { infoHash: string; fileIndex: number; title: string }, resumeAt: number | null) {
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
  }, [media, body.infoHash, body.fileIndex, body.title, resumeAt])
  return resumed
}

