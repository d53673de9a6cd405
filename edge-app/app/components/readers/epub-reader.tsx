import { useEffect, useRef, useState } from 'react'
import { ReaderStatus, savePlace, type ReaderState } from './reader-status.tsx'

export interface ReaderProps {
  infoHash: string
  fileIndex: number
  /** The book's name as people see it (its file name). */
  title: string
  /** The media-node URL signed for this profile: the file, or (comics) the page list. */
  src: string
  position: { location: string; fraction: number } | null
}

/**
 * An EPUB read in the page (epub.js, loaded only here), streamed from the torrent through the
 * profile's own signed media URL; it opens where this profile left it, and each page turn saves
 * the place (an EPUB CFI). ←/→ and the buttons turn pages.
 */
export function EpubReader({ infoHash, fileIndex, title, src, position }: ReaderProps) {
  const viewer = useRef<HTMLDivElement | null>(null)
  const [state, setState] = useState<ReaderState>('loading')
  const [location, setLocation] = useState<string | null>(null)
  const turn = useRef<{ prev(): void; next(): void } | null>(null)

  useEffect(() => {
    let destroyed = false
    let book: { destroy(): void } | null = null
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'ArrowLeft') turn.current?.prev()
      if (e.key === 'ArrowRight') turn.current?.next()
    }
    void import('epubjs')
      .then(async ({ default: ePub }) => {
        if (destroyed || !viewer.current) return
        const b = ePub(src, { openAs: 'epub' })
        book = b
        const rendition = b.renderTo(viewer.current, { width: '100%', height: '100%', spread: 'none' })
        turn.current = { prev: () => void rendition.prev(), next: () => void rendition.next() }
        rendition.on('keyup', onKey)
        rendition.on('relocated', (loc: { start: { cfi: string; percentage?: number } }) => {
          setLocation(loc.start.cfi)
          savePlace({ infoHash, fileIndex, title, location: loc.start.cfi, fraction: Math.min(1, Math.max(0, loc.start.percentage ?? 0)) })
        })
        await rendition.display(position?.location.startsWith('epubcfi(') ? position.location : undefined)
        if (!destroyed) setState('ready')
      })
      .catch(() => !destroyed && setState('error'))
    document.addEventListener('keyup', onKey)
    return () => {
      destroyed = true
      document.removeEventListener('keyup', onKey)
      book?.destroy()
    }
  }, [src, infoHash, fileIndex, title, position?.location])

  return (
    <>
      <div className="reader" ref={viewer} data-own-keys="ArrowLeft ArrowRight" data-state={state} data-location={location ?? ''} aria-label={`Reading ${title}`} role="document" />
      <div className="row reader-controls">
        <button type="button" className="button" onClick={() => turn.current?.prev()} disabled={state !== 'ready'}>
          ← Previous page
        </button>
        <button type="button" className="button" onClick={() => turn.current?.next()} disabled={state !== 'ready'}>
          Next page →
        </button>
      </div>
      <ReaderStatus state={state} what="book" resumed={!!position} />
    </>
  )
}
