/**
 * Comic books page by page through the real node: a real seeder shares CBZ archives made here
 * (pages are real PNGs from ffmpeg), the node reads them out of the torrent by byte ranges.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import JSZip from 'jszip'
import pino from 'pino'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { signUrl } from '@bittorrented/common'
import { runFfmpeg } from '../src/adapters/ffmpeg.ts'
import type { TorrentEngine } from '../src/adapters/torrent-engine.ts'
import { MAX_PAGE_BYTES } from '../src/books/comic-archive.ts'
import { LocalRunner } from '../src/transcode/job-runner.ts'
import { TranscodeQueue } from '../src/transcode/transcode-queue.ts'
import type { Seeder } from './helpers/seeder.ts'
import { startTestNode, type TestNode } from './helpers/test-node.ts'

const key = 'c'.repeat(48)
const log = pino({ level: 'silent' })
let work: string
let seeder: Seeder
let engine: TorrentEngine
let node: TestNode
let base: string
const pngs: Uint8Array[] = []

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bt-comics-'))
  for (const [i, color] of ['red', 'green', 'blue'].entries()) {
    const out = join(work, `p${i}.png`)
    await runFfmpeg({ inputs: [{ source: `color=c=${color}:size=${120 + i * 10}x180:duration=0.04`, format: 'lavfi' }], output: out, options: ['-frames:v', '1'] })
    pngs.push(new Uint8Array(await readFile(out)))
  }
  const comic = new JSZip()
  // Natural order (2 before 10), junk that is not a page, a folder, and macOS resource forks.
  comic.file('Issue 1/10.png', pngs[2]!)
  comic.file('Issue 1/1.png', pngs[0]!)
  comic.file('Issue 1/2.png', pngs[1]!)
  comic.file('Issue 1/notes.txt', 'not a page')
  comic.file('__MACOSX/Issue 1/._1.png', 'resource fork')
  comic.file('Issue 1/.hidden.png', pngs[0]!)
  const bomb = new JSZip()
  bomb.file('1.png', new Uint8Array(MAX_PAGE_BYTES + 1024), { compression: 'DEFLATE' })
  const files: Record<string, Uint8Array> = {
    'a.comic.cbz': await comic.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }),
    'b.bomb.cbz': await bomb.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } }),
    'c.garbage.cbz': new TextEncoder().encode('this is not a zip archive at all'.repeat(100)),
    'd.text-only.cbz': await new JSZip().file('readme.txt', 'no pictures').generateAsync({ type: 'uint8array' }),
    'e.book.epub': new TextEncoder().encode('not a comic'),
  }
  node = await startTestNode({ name: 'Comics', files, work, signingKey: key, runner: new LocalRunner(new TranscodeQueue(1, 1)), hlsCacheBytes: 1 << 20, log })
  ;({ seeder, engine, base } = node)
}, 120_000)

afterAll(async () => {
  await node?.stop()
  await rm(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 })
})

async function pagesOf(name: string) {
  const index = (await engine.info(seeder.infoHash)).files.findIndex((f) => f.name === name)
  const url = await signUrl({
    secret: key,
    method: 'GET',
    url: `${base}/v1/comic/${seeder.infoHash}/${index}/pages`,
    subject: { userId: 'u', profileId: 'p', resource: `torrent:${seeder.infoHash}/${index}` },
    ttlSeconds: 60,
  })
  const res = await fetch(url)
  return { status: res.status, body: (await res.json()) as { pages?: Array<{ name: string; url: string }>; error?: string; message?: string } }
}

test('the pages of a CBZ, in natural order, each served as its own image under a signed URL', async () => {
  const { status, body } = await pagesOf('a.comic.cbz')
  expect(status).toBe(200)
  expect(body.pages!.map((p) => p.name)).toEqual(['Issue 1/1.png', 'Issue 1/2.png', 'Issue 1/10.png'])
  for (const [i, page] of body.pages!.entries()) {
    const res = await fetch(`${base}${page.url}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('image/png')
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(pngs[i])
  }
  // The page URL is signed for this person and this page: another page number is refused.
  const tampered = `${base}${body.pages![0]!.url.replace('/page/0', '/page/1')}`
  expect((await fetch(tampered)).status).toBe(403)
})

test('a page past the end is a 404', async () => {
  const { body } = await pagesOf('a.comic.cbz')
  const index = (await engine.info(seeder.infoHash)).files.findIndex((f) => f.name === 'a.comic.cbz')
  const url = await signUrl({
    secret: key,
    method: 'GET',
    url: `${base}/v1/comic/${seeder.infoHash}/${index}/page/3`,
    subject: { userId: 'u', resource: `torrent:${seeder.infoHash}/${index}` },
    ttlSeconds: 60,
  })
  expect(body.pages).toHaveLength(3)
  expect((await fetch(url)).status).toBe(404)
})

test('hostile and broken archives get a clear 422, and the node goes on serving', async () => {
  const bomb = await pagesOf('b.bomb.cbz')
  expect(bomb.status).toBe(422)
  expect(bomb.body.message).toMatch(/pages are at most/)
  const garbage = await pagesOf('c.garbage.cbz')
  expect(garbage.status).toBe(422)
  expect(garbage.body.message).toMatch(/not a readable ZIP/)
  const empty = await pagesOf('d.text-only.cbz')
  expect(empty.status).toBe(422)
  expect(empty.body.message).toMatch(/no pages/)
  const epub = await pagesOf('e.book.epub')
  expect(epub.status).toBe(422)
  expect((await pagesOf('a.comic.cbz')).status).toBe(200)
})
