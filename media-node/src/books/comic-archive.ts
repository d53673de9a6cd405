/**
 * Comic books (CBZ: a ZIP of page images) read page by page from the torrent: `yauzl` reads the
 * ZIP's central directory and each page's entry through byte ranges, so opening a 300 MB comic
 * fetches its directory at the end and the pages one looks at, never the whole archive.
 *
 * The archive is untrusted: entry names are only used to order and label pages (nothing is
 * written to disk), pages are images by extension only, at most MAX_PAGES of them, each at most
 * MAX_PAGE_BYTES when inflated (yauzl checks the declared sizes against the data as it inflates,
 * so a zip bomb stops at the limit instead of filling memory).
 */
import { Readable } from 'node:stream'
import yauzl from 'yauzl'
import { AppError } from '../errors.ts'

/** Reads bytes [start, end] (inclusive) of the file as chunks. */
export type ChunkReader = (start: number, end: number) => AsyncIterable<Uint8Array>

export const MAX_PAGES = 5000
export const MAX_PAGE_BYTES = 64 * 1024 * 1024
const IMAGE_TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', avif: 'image/avif' }

export interface ComicPage {
  index: number
  name: string
  contentType: string
}

class RangeReader extends yauzl.RandomAccessReader {
  constructor(private readonly chunks: ChunkReader) {
    super()
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.chunks(start, end - 1))
  }
}

function open(chunks: ChunkReader, size: number): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromRandomAccessReader(new RangeReader(chunks), size, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) reject(new AppError('unplayable_media', 'This comic book is not a readable ZIP (CBZ) archive.', { cause: err }))
      else resolve(zip)
    })
  })
}

const pageType = (name: string): string | null => {
  const base = name.split('/').pop() ?? ''
  if (base.startsWith('.') || name.startsWith('__MACOSX/')) return null
  return IMAGE_TYPES[/\.([a-z0-9]+)$/i.exec(base)?.[1]?.toLowerCase() ?? ''] ?? null
}

/** The archive's pages in reading order (natural order of their names: 2 before 10), with their entries. */
async function pageEntries(zip: yauzl.ZipFile): Promise<Array<{ entry: yauzl.Entry; contentType: string }>> {
  const pages: Array<{ entry: yauzl.Entry; contentType: string }> = []
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const contentType = pageType(entry.fileName)
      if (contentType && !entry.fileName.endsWith('/')) {
        if (entry.uncompressedSize > MAX_PAGE_BYTES)
          return reject(new AppError('unplayable_media', `A page of this comic book claims ${entry.uncompressedSize} bytes; pages are at most ${MAX_PAGE_BYTES}.`))
        pages.push({ entry, contentType })
        if (pages.length > MAX_PAGES) return reject(new AppError('unplayable_media', `This comic book has more than ${MAX_PAGES} pages.`))
      }
      zip.readEntry()
    })
    zip.once('end', () => resolve())
    zip.once('error', (err) => reject(new AppError('unplayable_media', 'This comic book is damaged.', { cause: err })))
    zip.readEntry()
  })
  const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })
  return pages.sort((a, b) => collator.compare(a.entry.fileName, b.entry.fileName))
}

export async function listComicPages(chunks: ChunkReader, size: number): Promise<ComicPage[]> {
  const zip = await open(chunks, size)
  try {
    const entries = await pageEntries(zip)
    if (entries.length === 0) throw new AppError('unplayable_media', 'This comic book has no pages (no JPEG, PNG, GIF, WebP or AVIF images).')
    return entries.map((p, index) => ({ index, name: p.entry.fileName, contentType: p.contentType }))
  } finally {
    zip.close()
  }
}

export async function readComicPage(chunks: ChunkReader, size: number, index: number): Promise<{ bytes: Uint8Array<ArrayBuffer>; contentType: string }> {
  const zip = await open(chunks, size)
  try {
    const page = (await pageEntries(zip))[index]
    if (!page) throw new AppError('not_found', 'The comic book has no such page.')
    const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(page.entry, (err, s) => (err || !s ? reject(err) : resolve(s))))
    const parts: Buffer[] = []
    let total = 0
    try {
      for await (const part of stream) {
        total += (part as Buffer).length
        if (total > MAX_PAGE_BYTES) throw new Error('page larger than its limit')
        parts.push(part as Buffer)
      }
    } catch (err) {
      stream.destroy()
      throw new AppError('unplayable_media', 'This page of the comic book is damaged.', { cause: err })
    }
    return { bytes: new Uint8Array(Buffer.concat(parts)), contentType: page.contentType }
  } finally {
    zip.close()
  }
}
