import { useEffect, useState } from 'react'

export const SAVE_EVERY_MS = 10_000

interface ProgressItem {
  infoHash: string
  fileIndex: number
  title: string
}

const progressBody = (el: HTMLMediaElement, item: ProgressItem) => JSON.stringify({ ...item, positionS: el.currentTime, durationS: el.duration })

/** Saves where `el` is in the file for the selected profile (keepalive: a save as the page changes still lands). */
export function saveProgress(el: HTMLMediaElement, item: ProgressItem): void {
  if (!Number.isFinite(el.duration) || el.duration <= 0) return
  void fetch('/api/progress', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: progressBody(el, item), keepalive: true })
}

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
export function useResume(media: React.RefObject<HTMLMediaElement | null>, body: ProgressItem, resumeAt: number | null) {
  const [resumed, setResumed] = useState(false)
  useEffect(() => {
    const el = media.current
    if (!el) return
    const save = () => saveProgress(el, body)
    const onMeta = () => {
      if (resumeAt !== null && resumeAt < el.duration) {
        el.currentTime = resumeAt
        setResumed(true)
      }
    }
    const timer = setInterval(() => !el.paused && save(), SAVE_EVERY_MS)
    const onLeave = () => Number.isFinite(el.duration) && navigator.sendBeacon('/api/progress', new Blob([progressBody(el, body)], { type: 'application/json' }))
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
