import { Link } from '@remix-run/react'

/** The head of a page about one file of a torrent (watch, read, watch party): back to the torrent, and the file's name. */
export function FileHeader({ torrent, title }: { torrent: { infoHash: string; name: string }; title: string }) {
  return (
    <>
      <p>
        <Link to={`/torrents/${torrent.infoHash}`}>← {torrent.name}</Link>
      </p>
      <h1>{title}</h1>
    </>
  )
}
