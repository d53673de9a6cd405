import { useEffect, useRef, useState } from 'react'
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist'
// The worker file as a URL of the built assets (Vite): pdf.js parses the PDF there, off the page's thread.
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url'
import type { ReaderProps } from './epub-reader.tsx'
import { ReaderStatus, savedPage, type ReaderState } from './reader-status.tsx'
import { PageControls, usePageTurner } from './use-page-turner.tsx'

/** Bytes per range request: a page's objects are usually in one or two such chunks. */
const RANGE_CHUNK = 128 * 1024

/**
 * A PDF one page at a time with pdf.js (loaded only here), streamed from the torrent through the
 * profile's own signed URL by range requests: pdf.js reads the cross-reference table at the end,
 * then only the byte ranges of the pages shown (disableAutoFetch), so a large book opens without
 * the whole file having to come through the swarm. Each page is drawn on a canvas at the width of
 * the reader and the screen's pixel density; the next page is fetched ahead. Opens at this
 * profile's page ("page:<n>"), saves each turn. ←/→ and the buttons turn pages.
 */
export function PdfReader({ infoHash, fileIndex, title, src, position }: ReaderProps) {
  const canvas = useRef<HTMLCanvasElement | null>(null)
  const frame = useRef<HTMLDivElement | null>(null)
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null)
  const [state, setState] = useState<ReaderState>('loading')
  const [drawn, setDrawn] = useState<number | null>(null)
  const count = doc?.numPages ?? 0
  const { n, go } = usePageTurner({ count, initial: savedPage(position), infoHash, fileIndex, title })

  useEffect(() => {
    let live = true
    let task: { destroy(): Promise<void> } | null = null
    void import('pdfjs-dist')
      .then(async (pdfjs) => {
        if (!live) return
        pdfjs.GlobalWorkerOptions.workerSrc = workerUrl
        const loading = pdfjs.getDocument({ url: src, rangeChunkSize: RANGE_CHUNK, disableAutoFetch: true, disableStream: true })
        task = loading
        const loaded = await loading.promise
        if (!live) return
        setDoc(loaded)
        setState('ready')
      })
      .catch(() => live && setState('error'))
    return () => {
      live = false
      void task?.destroy()
    }
  }, [src])

  useEffect(() => {
    if (!doc || !canvas.current || n >= doc.numPages) return
    let task: RenderTask | null = null
    let live = true
    void (async () => {
      const page = await doc.getPage(n + 1)
      if (!live || !canvas.current) return
      const width = frame.current?.clientWidth || 800
      const base = page.getViewport({ scale: 1 })
      // Fit the reader's width, but never taller than the window, so a whole page is in view on a TV.
      const scale = Math.min(width / base.width, (window.innerHeight * 0.8) / base.height)
      const ratio = window.devicePixelRatio || 1
      const viewport = page.getViewport({ scale: scale * ratio })
      const c = canvas.current
      c.width = Math.floor(viewport.width)
      c.height = Math.floor(viewport.height)
      c.style.width = `${Math.floor(viewport.width / ratio)}px`
      c.style.height = `${Math.floor(viewport.height / ratio)}px`
      task = page.render({ canvas: c, viewport })
      await task.promise
      if (live) setDrawn(n)
      // Fetch the next page's bytes while this one is read.
      if (n + 2 <= doc.numPages) void doc.getPage(n + 2).catch(() => {})
    })().catch((err: unknown) => {
      if (live && (err as { name?: string })?.name !== 'RenderingCancelledException') setState('error')
    })
    return () => {
      live = false
      task?.cancel()
    }
  }, [doc, n])

  return (
    <>
      <div className="pdf-page" ref={frame} data-own-keys="ArrowLeft ArrowRight" data-state={state} data-page={n} data-drawn={drawn ?? ''}>
        <canvas ref={canvas} role="img" aria-label={count ? `${title}, page ${n + 1} of ${count}` : `${title}`} />
      </div>
      <PageControls n={n} count={count} ready={state === 'ready'} go={go} />
      <ReaderStatus state={state} what="book" resumed={!!position} />
    </>
  )
}
