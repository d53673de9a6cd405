import { useCallback, useEffect, useState } from 'react'
import { savePlace } from './reader-status.tsx'

/**
 * Page-by-page reading (comics, PDFs): the page shown, turning by buttons and ←/→, kept within
 * the book once its page count is known, and each page saved for the profile as "page:<n>".
 */
export function usePageTurner(opts: { count: number; initial: number; infoHash: string; fileIndex: number; title: string }) {
  const { count, infoHash, fileIndex, title } = opts
  const [n, setN] = useState(opts.initial)
  const go = useCallback((to: number) => count > 0 && setN(Math.max(0, Math.min(count - 1, to))), [count])
  useEffect(() => {
    if (count > 0) setN((at) => Math.min(at, count - 1))
  }, [count])
  useEffect(() => {
    if (count === 0 || n >= count) return
    savePlace({ infoHash, fileIndex, title, location: `page:${n}`, fraction: count > 1 ? n / (count - 1) : 1 })
  }, [n, count, infoHash, fileIndex, title])
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'ArrowLeft') go(n - 1)
      if (e.key === 'ArrowRight') go(n + 1)
    }
    document.addEventListener('keyup', onKey)
    return () => document.removeEventListener('keyup', onKey)
  }, [n, go])
  return { n, go }
}

/** Previous / "Page n of N" / next, under a page-based reader. */
export function PageControls({ n, count, ready, go }: { n: number; count: number; ready: boolean; go: (to: number) => void }) {
  return (
    <div className="row reader-controls">
      <button type="button" className="button" onClick={() => go(n - 1)} disabled={!ready || n === 0}>
        ← Previous page
      </button>
      <span className="tile-meta" aria-live="polite">
        {ready ? `Page ${n + 1} of ${count}` : ''}
      </span>
      <button type="button" className="button" onClick={() => go(n + 1)} disabled={!ready || n >= count - 1}>
        Next page →
      </button>
    </div>
  )
}
