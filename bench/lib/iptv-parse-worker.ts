/**
 * One parse of a playlist file in a process of its own (so its peak RSS is its own): `ours`
 * streams the file through parseM3uStream, `baseline` reads it whole and hands it to
 * iptv-playlist-parser (what projects use; it needs the whole text). Prints one JSON line.
 */
import { createReadStream, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { parseM3uStream } from '@bittorrented/media-node/m3u-parser'

const [which, file] = process.argv.slice(2)
const t0 = performance.now()
let channels = 0
if (which === 'ours') {
  const result = await parseM3uStream(createReadStream(file!, { highWaterMark: 256 * 1024 }), () => {
    channels++
  })
  channels = result.channels
} else {
  const parser = createRequire(import.meta.url)('iptv-playlist-parser') as { parse(text: string): { items: unknown[] } }
  channels = parser.parse(readFileSync(file!, 'utf8')).items.length
}
const ms = performance.now() - t0
process.stdout.write(`${JSON.stringify({ which, channels, ms, rss_mb: process.resourceUsage().maxRSS / 1024 })}\n`)
