/** What every reader shares: the line under it, and saving the place for this profile. */

export type ReaderState = 'loading' | 'ready' | 'error'

/** The line under a reader: fetching, could not open, or opened at the saved place. */
export function ReaderStatus({ state, what, resumed }: { state: ReaderState; what: 'book' | 'comic'; resumed: boolean }) {
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

export interface ReaderPlace {
  infoHash: string
  fileIndex: number
  title: string
  /** An EPUB CFI, or "page:<n>" (0-based) for page-based books. */
  location: string
  fraction: number
}

/** Where the reader is, saved for this profile (keepalive: a page turn just before leaving still lands). */
export function savePlace(body: ReaderPlace) {
  void fetch('/api/reading', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), keepalive: true })
}

/** The saved page of a page-based book ("page:<n>"), or 0. */
export function savedPage(position: { location: string } | null): number {
  const n = position?.location.startsWith('page:') ? Number(position.location.slice(5)) : 0
  return Number.isInteger(n) && n >= 0 ? n : 0
}
