import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { useLoaderData } from '@remix-run/react'
import { AppShell } from '../components/app-shell.tsx'
import { findTorrent, type CatalogFile, type CatalogTorrent } from '../lib/catalog.server.ts'
import { mediaNode } from '../lib/media-node.server.ts'
import { parseFileParams } from '../lib/playable.server.ts'
import { findReadingPosition } from '../lib/profile-data.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'
import { fileName } from '../lib/format.ts'
import { FileHeader } from '../components/file-header.tsx'
import { ComicReader } from '../components/readers/comic-reader.tsx'
import { EpubReader } from '../components/readers/epub-reader.tsx'
import { PdfReader } from '../components/readers/pdf-reader.tsx'

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
  const node = mediaNode(context.config, ctx)
  const [src, position] = [
    // A comic is read page by page: the media node lists its pages, each with a URL signed for this profile.
    format === 'cbz' ? await node.comicPagesUrl(infoHash, fileIndex) : await node.streamUrl(infoHash, fileIndex),
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

export default function Read() {
  const data = useLoaderData<typeof loader>() as Loaded
  const title = fileName(data.file.path)
  // Each reader gets this profile's signed URL and saved place; it saves the place itself.
  const reader = { infoHash: data.torrent.infoHash, fileIndex: data.file.index, title, src: data.src, position: data.position }
  return (
    <AppShell profile={data.profile}>
      <FileHeader torrent={data.torrent} title={title} />
      {data.format === 'epub' && <EpubReader {...reader} />}
      {data.format === 'pdf' && <PdfReader {...reader} />}
      {data.format === 'cbz' && <ComicReader {...reader} />}
      {data.format === 'other' && (
        <p className="form-error" role="alert">
          This kind of book cannot be read here yet (EPUB, PDF and CBZ can).
        </p>
      )}
    </AppShell>
  )
}
