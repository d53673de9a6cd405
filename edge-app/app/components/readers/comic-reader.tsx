import { useEffect, useState } from 'react'
import type { ReaderProps } from './epub-reader.tsx'
import { ReaderStatus, savedPage, type ReaderState } from './reader-status.tsx'
import { PageControls, usePageTurner } from './use-page-turner.tsx'

/**
 * A CBZ comic, one page at a time: the media node lists the pages (read out of the archive's
 * directory through byte ranges) and serves each image; the next page is fetched ahead. Opens at
 * this profile's page ("page:<n>"), saves each turn. ←/→ and the buttons turn pages.
 */
export function ComicReader({ infoHash, fileIndex, title, src, position }: ReaderProps) {
  const [pages, setPages] = useState<string[] | null>(null)
  const [state, setState] = useState<ReaderState>('loading')
  const count = pages?.length ?? 0
  const { n, go } = usePageTurner({ count, initial: savedPage(position), infoHash, fileIndex, title })
  useEffect(() => {
    let live = true
    fetch(src)
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status))
        const body = (await res.json()) as { pages: Array<{ url: string }> }
        if (!live) return
        setPages(body.pages.map((p) => new URL(p.url, src).toString()))
        setState('ready')
      })
      .catch(() => live && setState('error'))
    return () => {
      live = false
    }
  }, [src])
  useEffect(() => {
    if (pages?.[n + 1]) new Image().src = pages[n + 1]!
  }, [pages, n])
  return (
    <>
      <div className="comic" data-own-keys="ArrowLeft ArrowRight" data-state={state} data-page={n}>
        {pages && <img className="comic-page" src={pages[Math.min(n, count - 1)]} alt={`${title}, page ${n + 1} of ${count}`} />}
      </div>
      <PageControls n={n} count={count} ready={state === 'ready'} go={go} />
      <ReaderStatus state={state} what="comic" resumed={!!position} />
    </>
  )
}
