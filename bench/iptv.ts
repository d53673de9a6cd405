/**
 * `npm run bench:iptv -- [--channels N] [--runs R]`: parsing an N-channel M3U (default 100,000)
 * generated from the dialects real lists use, ours (streamed) against iptv-playlist-parser (the
 * floor: what IPTV projects use), each run in its own process for its own peak RSS, the same
 * file, the same machine, interleaved. Median time and peak RSS of each, their ratios (goals:
 * ≤ 0.3× its time, ≤ 0.5× its RSS); one JSON line; a dated line in RESULTS.md.
 * Not measured yet (issue #19): the 200 MB XMLTV import and the Xtream import of 70,000 streams.
 */
import { spawnSync } from 'node:child_process'
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { repoRoot } from '@bittorrented/db'

const { values } = parseArgs({ options: { channels: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } } })
const N = Number(values.channels)
const RUNS = Number(values.runs)

/** The dialects of the fixtures, in turn: plain, Kodi pipe headers, EXTVLCOPT, EXTGRP, catch-up, unquoted attributes. */
function entry(i: number): string {
  const id = `ch${i}.example`
  switch (i % 6) {
    case 0:
      return `#EXTINF:-1 tvg-id="${id}" tvg-name="Channel ${i}" tvg-logo="http://logos.example/${i}.png" group-title="Group ${i % 40}",Channel ${i} HD\nhttp://streams.example/live/${i}/index.m3u8`
    case 1:
      return `#EXTINF:-1 tvg-id="${id}" group-title="Sport",Sport ${i}\nhttp://streams.example/${i}.ts|User-Agent=Kodi%2F20&Referer=http://ref.example/`
    case 2:
      return `#EXTINF:-1 tvg-id="${id}" tvg-chno="${i}",News ${i}\n#EXTVLCOPT:http-user-agent=Mozilla/5.0\n#EXTVLCOPT:http-referrer=http://ref.example/\nhttp://streams.example/news/${i}.m3u8`
    case 3:
      return `#EXTINF:-1 tvg-id="${id}",Kids ${i}\n#EXTGRP:Kids\nhttp://streams.example/kids/${i}.m3u8`
    case 4:
      return `#EXTINF:-1 tvg-id="${id}" catchup="append" catchup-days="3" catchup-source="?utc={utc}&lutc={lutc}" group-title="Movies",Movies ${i}\nhttp://streams.example/movies/${i}.m3u8`
    default:
      return `#EXTINF:-1 tvg-id=${id} group-title=Music,Music ${i}\nhttp://streams.example/music/${i}.m3u8`
  }
}

const dir = await mkdtemp(join(os.tmpdir(), 'bt-bench-iptv-'))
try {
  const file = join(dir, 'playlist.m3u')
  const lines = ['#EXTM3U x-tvg-url="http://guide.example/epg.xml.gz"']
  for (let i = 0; i < N; i++) lines.push(entry(i))
  await writeFile(file, `${lines.join('\n')}\n`)
  const run = (which: 'ours' | 'baseline') => {
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'bench/lib/iptv-parse-worker.ts', which, file], { cwd: repoRoot, encoding: 'utf8' })
    if (out.status !== 0) throw new Error(`${which} failed: ${out.stderr}`)
    return JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { channels: number; ms: number; rss_mb: number }
  }
  const ours: Array<ReturnType<typeof run>> = []
  const base: Array<ReturnType<typeof run>> = []
  for (let r = 0; r < RUNS; r++) {
    ours.push(run('ours'))
    base.push(run('baseline'))
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const result = {
    channels: N,
    ours_channels: ours[0]!.channels,
    floor_channels: base[0]!.channels,
    parse_ms: Math.round(median(ours.map((o) => o.ms))),
    floor_parse_ms: Math.round(median(base.map((o) => o.ms))),
    parse_ratio: 0,
    rss_mb: Math.round(Math.max(...ours.map((o) => o.rss_mb))),
    floor_rss_mb: Math.round(Math.max(...base.map((o) => o.rss_mb))),
    rss_ratio: 0,
  }
  result.parse_ratio = Math.round((result.parse_ms / result.floor_parse_ms) * 100) / 100
  result.rss_ratio = Math.round((result.rss_mb / result.floor_rss_mb) * 100) / 100
  console.log(`ours:                 ${result.parse_ms} ms, peak RSS ${result.rss_mb} MB (${result.ours_channels} channels)`)
  console.log(`iptv-playlist-parser: ${result.floor_parse_ms} ms, peak RSS ${result.floor_rss_mb} MB (${result.floor_channels} channels)`)
  console.log(`ratio: time ${result.parse_ratio} (goal ≤ 0.3), RSS ${result.rss_ratio} (goal ≤ 0.5)`)
  await appendFile(
    join(repoRoot, 'bench', 'RESULTS.md'),
    `| ${new Date().toISOString().slice(0, 10)} | \`bench:iptv -- --channels ${N}\` | generated M3U of the fixture dialects, each parse in its own process, median of ${RUNS}, ${os.cpus().length} cores | ours ${result.parse_ms} ms / ${result.rss_mb} MB peak RSS; iptv-playlist-parser ${result.floor_parse_ms} ms / ${result.floor_rss_mb} MB; ratios time ${result.parse_ratio} (goal ≤ 0.3), RSS ${result.rss_ratio} (goal ≤ 0.5) | the XMLTV and Xtream parts of the benchmark are not built yet |\n`,
  )
  console.log(JSON.stringify(result))
} finally {
  await rm(dir, { recursive: true, force: true })
}
