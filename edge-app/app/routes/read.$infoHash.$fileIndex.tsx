import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { useLoaderData } from '@remix-run/react'
import { useEffect, useRef, useState } from 'react'
import { AppShell } from '../components/app-shell.tsx'
import { findTorrent, type CatalogFile, type CatalogTorrent } from '../lib/catalog.server.ts'
import { signedStreamUrl, signFor } from '../lib/media-urls.server.ts'
import { parseFileParams } from '../lib/playable.server.ts'
import { findReadingPosition } from '../lib/profile-data.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'
import { fileName } from '../lib/format.ts'
import { FileHeader } from '../components/file-header.tsx'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction = () => [{ title: 'Reading — BitTorrented' }]

type BookFormat = 'epub' | 'pdf' | 'cbz' | 'other'
const formatOf = (path: string): BookFormat => (/\.epub$/i.test(path) ? 'epub' : /\.pdf$/i.test(path) ? 'pdf' : /\.cbz$/i.test(path) ? 'cbz' : 'other')

export async function loader({ params, context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const { infoHash, fileIndex } = parseFileParams(params)
  const found = await findTorrent(context.db, ctx, infoHash)
  const file = found?.files.find((f) => f.index === fileIndex)
  if (!found || !file || file.mediaType !== 'ebook') throw new Response('Not found', { status: 404 })
  const format = formatOf(file.path)
  const [src, position] = [
    // A comic is read page by page: the media node lists its pages, each with a URL signed for this profile.
    format === 'cbz'
      ? await signFor(context.config, ctx, `/v1/comic/${infoHash}/${fileIndex}/pages`, `torrent:${infoHash}/${fileIndex}`, 6 * 3600)
      : await signedStreamUrl(context.config, ctx, infoHash, fileIndex),
    await findReadingPosition(context.db, ctx, infoHash, fileIndex),
  ]
  return Response.json({ profile: ctx.profile, torrent: found.torrent, file, src, position, format })
}

interface Loaded {
  profile: Profile
  torrent: CatalogTorrent
  file: CatalogFile
  src: string
  position: { location: string; fraction: number } | null
  format: BookFormat
}

/**
 * An EPUB read in the page (epub.js, loaded only here), streamed from the torrent through the
 * profile's own signed media URL; it opens where this profile left it, and each page turn saves
 * the place (an EPUB CFI). ←/→ and the buttons turn pages. PDFs open in the browser's own viewer
 * (no saved place yet); CBZ comics in ComicReader; other formats (MOBI, CBR) are not readable here.
 */
function EpubReader({ torrent, file, src, position }: Loaded) {
  const viewer = useRef<HTMLDivElement | null>(null)
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading')
  const [location, setLocation] = useState<string | null>(null)
  const turn = useRef<{ prev(): void; next(): void } | null>(null)
  const title = fileName(file.path)

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
          savePlace({ infoHash: torrent.infoHash, fileIndex: file.index, title, location: loc.start.cfi, fraction: Math.min(1, Math.max(0, loc.start.percentage ?? 0)) })
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
  }, [src, torrent.infoHash, file.index, title, position?.location])

  return (
    <>
      <div className="reader" ref={viewer} data-state={state} data-location={location ?? ''} aria-label={`Reading ${title}`} role="document" />
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

/** The line under a reader: fetching, could not open, or opened at the saved place. */
function ReaderStatus({ state, what, resumed }: { state: 'loading' | 'ready' | 'error'; what: 'book' | 'comic'; resumed: boolean }) {
  if (state === 'loading')
    return (
      <p role="status" className="tile-meta">
        Fetching the {what} from the swarm…
      </p>
    )
  if (state === 'error')
    return (
      <p className="form-error" role="alert">
        This {what} could not be opened. It may be damaged, or no one is sharing it right now.
      </p>
    )
  return resumed ? <p className="tile-meta">Opened where you left off.</p> : null
}

/** Where the reader is, saved for this profile (keepalive: a page turn just before leaving still lands). */
function savePlace(body: { infoHash: string; fileIndex: number; title: string; location: string; fraction: number }) {
  void fetch('/api/reading', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), keepalive: true })
}

/**
 * A CBZ comic, one page at a time: the media node lists the pages (read out of the archive's
 * directory through byte ranges) and serves each image; the next page is fetched ahead. Opens at
 * this profile's page ("page:<n>"), saves each turn. ←/→ and the buttons turn pages.
 */
function ComicReader({ torrent, file, src, position }: Loaded) {
  const title = fileName(file.path)
  const saved = position?.location.startsWith('page:') ? Number(position.location.slice(5)) : 0
  const [pages, setPages] = useState<string[] | null>(null)
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading')
  const [n, setN] = useState(Number.isInteger(saved) && saved >= 0 ? saved : 0)
  useEffect(() => {
    let live = true
    fetch(src)
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status))
        const body = (await res.json()) as { pages: Array<{ url: string }> }
        if (!live) return
        setPages(body.pages.map((p) => new URL(p.url, src).toString()))
        setN((at) => Math.min(at, body.pages.length - 1))
        setState('ready')
      })
      .catch(() => live && setState('error'))
    return () => {
      live = false
    }
  }, [src])
  const count = pages?.length ?? 0
  const go = (to: number) => count > 0 && setN(Math.max(0, Math.min(count - 1, to)))
  useEffect(() => {
    if (!pages) return
    if (pages[n + 1]) new Image().src = pages[n + 1]!
    savePlace({ infoHash: torrent.infoHash, fileIndex: file.index, title, location: `page:${n}`, fraction: count > 1 ? n / (count - 1) : 1 })
  }, [pages, n])
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'ArrowLeft') go(n - 1)
      if (e.key === 'ArrowRight') go(n + 1)
    }
    document.addEventListener('keyup', onKey)
    return () => document.removeEventListener('keyup', onKey)
  }, [n, count])
  return (
    <>
      <div className="comic" data-state={state} data-page={n}>
        {pages && <img className="comic-page" src={pages[n]} alt={`${title}, page ${n + 1} of ${count}`} />}
      </div>
      <div className="row reader-controls">
        <button type="button" className="button" onClick={() => go(n - 1)} disabled={state !== 'ready' || n === 0}>
          ← Previous page
        </button>
        <span className="tile-meta" aria-live="polite">
          {state === 'ready' ? `Page ${n + 1} of ${count}` : ''}
        </span>
        <button type="button" className="button" onClick={() => go(n + 1)} disabled={state !== 'ready' || n >= count - 1}>
          Next page →
        </button>
      </div>
      <ReaderStatus state={state} what="comic" resumed={!!position} />
    </>
  )
}

export default function Read() {
  const data = useLoaderData<typeof loader>() as Loaded
  const title = fileName(data.file.path)
  return (
    <AppShell profile={data.profile}>
      <FileHeader torrent={data.torrent} title={title} />
      {data.format === 'epub' && <EpubReader {...data} />}
      {data.format === 'pdf' && <iframe className="reader" src={data.src} title={`Reading ${title}`} />}
      {data.format === 'cbz' && <ComicReader {...data} />}
      {data.format === 'other' && (
        <p className="form-error" role="alert">
          This kind of book cannot be read here yet (EPUB, PDF and CBZ can).
        </p>
      )}
    </AppShell>
  )
}
