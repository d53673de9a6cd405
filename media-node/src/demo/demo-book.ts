/**
 * A small EPUB 3 book for the demo swarm, written by us so that `npm start` and the tests have a
 * real book to read without any outside file. JSZip builds the container; every entry gets a
 * fixed date, so the bytes — and the torrent's info hash — are the same on every machine.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import JSZip from 'jszip'
import { runFfmpeg } from '../adapters/ffmpeg.ts'

const CHAPTERS = [
  ['How a swarm shares', 'Every peer that has a piece can pass it on. Nobody holds the whole file alone, and nobody has to.'],
  ['Streaming, not downloading', 'A player asks for the bytes it needs next; the node fetches those pieces first and keeps the rest for later.'],
  ['Watching together', 'A watch party keeps everyone on the same frame: one clock, one schedule, and gentle nudges instead of jumps.'],
  ['Reading on', 'A book remembers where each person stopped. Close it on the phone, open it on the television, and it is still on that page.'],
] as const

const xhtml = (title: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">
<head><title>${title}</title></head>
<body>${body}</body>
</html>
`

export async function makeDemoEpub(): Promise<Uint8Array> {
  const date = new Date(Date.UTC(2026, 0, 1))
  const zip = new JSZip()
  // The mimetype entry comes first and uncompressed (EPUB OCF).
  zip.file('mimetype', 'application/epub+zip', { compression: 'STORE', date })
  zip.file(
    'META-INF/container.xml',
    `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
`,
    { date },
  )
  const items = CHAPTERS.map((_, i) => `<item id="c${i + 1}" href="chapter-${i + 1}.xhtml" media-type="application/xhtml+xml"/>`).join('\n    ')
  const spine = CHAPTERS.map((_, i) => `<itemref idref="c${i + 1}"/>`).join('')
  zip.file(
    'OEBPS/content.opf',
    `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">urn:uuid:6b7f5c1e-2c1a-4d55-9a1e-bt0000000001</dc:identifier>
    <dc:title>A Short Guide to Swarms</dc:title>
    <dc:creator>BitTorrented</dc:creator>
    <dc:language>en</dc:language>
    <meta property="dcterms:modified">2026-01-01T00:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    ${items}
  </manifest>
  <spine>${spine}</spine>
</package>
`,
    { date },
  )
  zip.file('OEBPS/nav.xhtml', xhtml('Contents', `<nav epub:type="toc"><h1>Contents</h1><ol>${CHAPTERS.map(([t], i) => `<li><a href="chapter-${i + 1}.xhtml">${t}</a></li>`).join('')}</ol></nav>`), {
    date,
  })
  for (const [i, [title, text]] of CHAPTERS.entries()) {
    // Enough paragraphs that each chapter runs over several pages.
    const paragraphs = Array.from({ length: 24 }, (_, k) => `<p>${k + 1}. ${text}</p>`).join('\n')
    zip.file(`OEBPS/chapter-${i + 1}.xhtml`, xhtml(title, `<h1>${title}</h1>\n${paragraphs}`), { date })
  }
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', platform: 'UNIX' })
}

/**
 * A short comic book (CBZ) for the demo swarm: six pages drawn by ffmpeg's test patterns at
 * different moments, stored (images do not compress) with a fixed date.
 */
export async function makeDemoComic(): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'bt-demo-comic-'))
  try {
    const date = new Date(Date.UTC(2026, 0, 1))
    const zip = new JSZip()
    for (let page = 1; page <= 6; page++) {
      const out = join(dir, `${page}.png`)
      // One frame of the moving test pattern, a second apart per page, in portrait.
      await runFfmpeg({ inputs: [{ source: `testsrc2=size=480x720:rate=1:duration=${page}`, format: 'lavfi' }], output: out, options: ['-vf', `select=eq(n\\,${page - 1})`, '-frames:v', '1'] })
      zip.file(`Swarm Comics 001/${String(page).padStart(2, '0')}.png`, await readFile(out), { compression: 'STORE', date })
    }
    return await zip.generateAsync({ type: 'uint8array' })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const HANDBOOK = [
  ['The Family Handbook of Swarms', 'A book in pages, for the reader that shows one page at a time.'],
  ['1. Profiles', 'Each person has a profile. What one reads, watches or saves stays with that profile alone.'],
  ['2. Reading on', 'Turn a page and the place is kept. Open the book again, on any screen, and it opens on that page.'],
  ['3. Only what is needed', 'The reader asks for the bytes of the page in view, not the whole book: a large PDF opens quickly.'],
  ['4. Sharing', 'Everyone who has the book can pass it on. The more people share it, the faster it arrives.'],
  ['5. The end', 'That is all. Press the left arrow to go back, or close the book: this page will be kept.'],
] as const

/**
 * A small PDF for the demo swarm (pdf-lib): six A5 pages of text in a standard font, each with
 * a large page number, so the page reader and its saved place can be seen and tested. The
 * document's dates and producer are fixed and no ID is written: the same bytes, and the same
 * info hash, everywhere.
 */
export async function makeDemoPdf(): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts, rgb } = await import('pdf-lib')
  const date = new Date(Date.UTC(2026, 0, 1))
  const doc = await PDFDocument.create({ updateMetadata: false })
  doc.setTitle(HANDBOOK[0][0])
  doc.setAuthor('BitTorrented')
  doc.setProducer('BitTorrented demo')
  doc.setCreator('BitTorrented demo')
  doc.setCreationDate(date)
  doc.setModificationDate(date)
  const [regular, bold] = [await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold)]
  const [width, height] = [420, 595]
  for (const [i, [heading, text]] of HANDBOOK.entries()) {
    const page = doc.addPage([width, height])
    page.drawRectangle({ x: 0, y: height - 90, width, height: 90, color: rgb(0.55, 0.07, 0.1) })
    page.drawText(heading, { x: 32, y: height - 58, size: i === 0 ? 20 : 22, font: bold, color: rgb(1, 1, 1) })
    page.drawText(text, { x: 32, y: height - 140, size: 13, font: regular, lineHeight: 19, maxWidth: width - 64, color: rgb(0.1, 0.1, 0.1) })
    page.drawText(String(i + 1), { x: width / 2 - 20, y: 150, size: 96, font: bold, color: rgb(0.85, 0.85, 0.85) })
    page.drawText(`Page ${i + 1} of ${HANDBOOK.length}`, { x: 32, y: 32, size: 10, font: regular, color: rgb(0.4, 0.4, 0.4) })
  }
  return doc.save({ useObjectStreams: false })
}
