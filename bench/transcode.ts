/**
 * `npm run bench:transcode`: on-demand HLS conversion through the media node as it runs in
 * production (own process, signed URLs, WebTorrent from a loopback seeder, niced FFmpeg behind
 * the queue): first playable segment of an HEVC 1080p file converted to 720p, the real-time
 * factor of converting the whole file, and the queue with 10 simultaneous starts.
 * Baselines, measured in the same run: raw ffmpeg on the local files with the same options
 * (machines differ between sessions, so the figures from ../shared/TOOLCHAIN.md — HEVC 1080p →
 * 720p first segment 1.98 s at veryfast, RTF 3.1× — are quoted only beside them); the seed's
 * SLO: stream start < 3 s. Goals: first segment < 1.6 s, RTF ≥ 3×.
 * Remux: an H.264 1080p Matroska file (x264's default GOP, so its keyframes are ~10 s apart)
 * copied into HLS at its keyframes: playlist (probe + keyframe index from the Cues) and first
 * segment; raw ffmpeg remux first segment 0.28 s (TOOLCHAIN.md); goal < 0.4 s.
 * Last line: one JSON object.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import os, { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { fileResource, signUrl } from '@bittorrented/common'
import { runFfmpeg } from '@bittorrented/media-node/ffmpeg'
import { bitrateCapKbps, defaultX264Preset, X264_PRESETS, type X264Preset } from '@bittorrented/media-node/hardware-encoders'
import { freePort } from '@bittorrented/scripts/free-port'
import { latencyStats } from './lib/latency-stats.ts'
import { firstLine, ProcessGroup, startMediaNode } from './lib/processes.ts'

const SECONDS = Number(process.env.BENCH_TRANSCODE_S ?? 40)
const STARTS = 10
// The preset the node uses here (TRANSCODE_X264_PRESET, else by the cores); raw FFmpeg gets the same.
const preset: X264Preset = X264_PRESETS.find((p) => p === process.env.TRANSCODE_X264_PRESET) ?? defaultX264Preset(os.availableParallelism())
const cap = bitrateCapKbps(720)
const key = randomBytes(32).toString('hex')
const log = (line: string) => process.stderr.write(`${line}\n`)
const work = await mkdtemp(join(tmpdir(), 'bt-bench-transcode-'))
const group = new ProcessGroup()

try {
  log(`making a ${SECONDS} s HEVC 1080p clip and ${STARTS} copies of it`)
  const media = join(work, 'media', 'hevc')
  await mkdir(media, { recursive: true })
  await runFfmpeg({
    inputs: [
      { source: `testsrc2=size=1920x1080:rate=25:duration=${SECONDS}`, format: 'lavfi' },
      { source: `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`, format: 'lavfi' },
    ],
    output: join(media, 'film-00.mkv'),
    options: ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-crf', '28', '-c:a', 'aac', '-b:a', '128k'],
  })
  for (let i = 1; i <= STARTS; i++) await copyFile(join(media, 'film-00.mkv'), join(media, `film-${String(i).padStart(2, '0')}.mkv`))
  log(`making a ${SECONDS} s H.264 1080p Matroska clip`)
  await mkdir(join(work, 'media', 'h264'), { recursive: true })
  await runFfmpeg({
    inputs: [
      { source: `testsrc2=size=1920x1080:rate=25:duration=${SECONDS}`, format: 'lavfi' },
      { source: `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`, format: 'lavfi' },
    ],
    output: join(work, 'media', 'h264', 'film.mkv'),
    options: ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-c:a', 'aac', '-b:a', '128k'],
  })

  // The same-run baseline: raw ffmpeg on the local files, the segment muxer as the node uses it,
  // timed to when segment 0 is whole (segment 1 begun) and to the end of the file.
  const raw = async (args: string[]) => {
    const out = await mkdtemp(join(work, 'raw-'))
    const t = performance.now()
    const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args, '-f', 'segment', '-segment_format', 'mpegts', '-segment_time', '4', join(out, 'seg-%d.ts')], {
      stdio: 'ignore',
    })
    let first = 0
    const ticker = setInterval(() => {
      if (!first && existsSync(join(out, 'seg-1.ts'))) first = performance.now() - t
    }, 5)
    await new Promise((r) => child.once('exit', r))
    clearInterval(ticker)
    return { firstMs: first || performance.now() - t, rtf: SECONDS / ((performance.now() - t) / 1000) }
  }
  log('baseline: raw ffmpeg on the local files')
  const rawRemux = await raw(['-i', join(work, 'media', 'h264', 'film.mkv'), '-map', '0:v:0', '-map', '0:a:0', '-c', 'copy'])
  const rawTranscode = await raw([
    '-i',
    join(media, 'film-00.mkv'),
    '-map',
    '0:v:0',
    '-map',
    '0:a:0',
    '-c:v',
    'libx264',
    '-preset',
    preset,
    '-crf',
    '23',
    '-maxrate',
    `${cap}k`,
    '-bufsize',
    `${cap * 2}k`,
    '-pix_fmt',
    'yuv420p',
    '-vf',
    "scale=-2:'min(720,ih)'",
    '-force_key_frames',
    'expr:gte(t,n_forced*4)',
    '-c:a',
    'aac',
    '-b:a',
    '160k',
    '-ac',
    '2',
  ])

  log('starting a seeder and the media node')
  const seeder = JSON.parse(await firstLine(group.node(['bench/lib/seeder-process.ts', join(work, 'media')]))) as { peer: string; torrents: Array<{ name: string; infoHash: string }> }
  const infoHash = seeder.torrents.find((t) => t.name === 'hevc')!.infoHash
  const remuxHash = seeder.torrents.find((t) => t.name === 'h264')!.infoHash
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  await startMediaNode(group, port, { MEDIA_SIGNING_KEY: key, MEDIA_CACHE_DIR: join(work, 'cache'), STATIC_PEERS: seeder.peer, TRANSCODE_X264_PRESET: preset })
  const signed = (path: string, file: number, hash = infoHash) =>
    signUrl({ secret: key, method: 'GET', url: `${base}${path}`, subject: { userId: 'bench', resource: fileResource(hash, file) }, ttlSeconds: 3600 })
  const playlist = async (file: number, hash = infoHash, mode = '') => {
    const text = await (await fetch(`${await signed(`/v1/hls/${hash}/${file}/index.m3u8`, file, hash)}${mode}`)).text()
    return text
      .split('\n')
      .filter((l) => l.startsWith('/v1/'))
      .map((l) => `${base}${l}`)
  }
  const fetchSegment = async (url: string) => {
    const res = await fetch(url)
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`segment answered ${res.status}`)
  }

  log('remux: first segment (playlist with probe and keyframe index, then segment 0)')
  const r0 = performance.now()
  const remuxUrls = await playlist(0, remuxHash, '&mode=remux')
  const rPlaylist = performance.now()
  await fetchSegment(remuxUrls[0]!)
  const remuxFirstMs = performance.now() - rPlaylist
  const remuxWithProbeMs = performance.now() - r0
  const rAll = performance.now()
  for (const u of remuxUrls.slice(1)) await fetchSegment(u)
  const remuxRtf = SECONDS / ((performance.now() - rAll + remuxFirstMs) / 1000)

  log('first playable segment (playlist, with its probe, then segment 0)')
  const t0 = performance.now()
  const urls = await playlist(0)
  const tPlaylist = performance.now()
  await fetchSegment(urls[0]!)
  const firstSegmentMs = performance.now() - tPlaylist
  const toFirstSegmentMs = performance.now() - t0

  log('real-time factor: every segment in order')
  const tAll = performance.now()
  for (const u of urls.slice(1)) await fetchSegment(u)
  const rtf = (SECONDS - 4) / ((performance.now() - tAll) / 1000)

  log(`${STARTS} simultaneous starts`)
  let peakQueue = 0
  const sampler = setInterval(async () => {
    // A sample still in flight when the node stops must not end the run.
    const text = await fetch(`${base}/metrics`).then(
      (r) => r.text(),
      () => '',
    )
    const m = /bt_transcode_queue_depth (\d+)/.exec(text)
    peakQueue = Math.max(peakQueue, Number(m?.[1] ?? 0))
  }, 100)
  const lists = await Promise.all(Array.from({ length: STARTS }, (_, i) => playlist(i + 1)))
  const starts: number[] = []
  let refused = 0
  await Promise.all(
    lists.map(async (l) => {
      const t = performance.now()
      try {
        await fetchSegment(l[0]!)
        starts.push(performance.now() - t)
      } catch {
        refused++
      }
    }),
  )
  clearInterval(sampler)
  const s = latencyStats(starts)

  console.log(`HLS conversion benchmark, HEVC 1080p ${SECONDS} s → H.264 720p (libx264 ${preset}, peak ${cap} kbit/s), ${os.cpus().length} cores`)
  console.log(
    `first segment: ${firstSegmentMs.toFixed(0)} ms after the playlist (${toFirstSegmentMs.toFixed(0)} ms including probe and playlist)   (raw ffmpeg on the local file, this run: ${rawTranscode.firstMs.toFixed(0)} ms; TOOLCHAIN.md: veryfast 1.98 s; goal < 1.6 s; seed SLO 3 s)`,
  )
  console.log(`real-time factor: ${rtf.toFixed(2)}×   (raw ffmpeg, this run: ${rawTranscode.rtf.toFixed(2)}×; TOOLCHAIN.md: veryfast 3.1×; goal ≥ 3×)`)
  console.log(`${STARTS} simultaneous starts: first segments p50 ${s.p50} ms, max ${s.max} ms; ${refused} refused; peak queue depth ${peakQueue}`)
  console.log(
    `remux (H.264 1080p MKV, ${remuxUrls.length} segments at its keyframes): first segment ${remuxFirstMs.toFixed(0)} ms after the playlist (${remuxWithProbeMs.toFixed(0)} ms including probe, keyframe index and playlist); whole file at ${remuxRtf.toFixed(1)}× real time   (raw ffmpeg on the local file, this run: ${rawRemux.firstMs.toFixed(0)} ms; TOOLCHAIN.md 0.28 s; goal < 0.4 s)`,
  )
  console.log(
    JSON.stringify({
      x264_preset: preset,
      transcode_first_segment_ms: Math.round(firstSegmentMs),
      transcode_start_with_probe_ms: Math.round(toFirstSegmentMs),
      realtime_factor_x: Math.round(rtf * 100) / 100,
      starts_p50_ms: s.p50,
      starts_max_ms: s.max,
      starts_refused: refused,
      peak_queue_depth: peakQueue,
      remux_first_segment_ms: Math.round(remuxFirstMs),
      remux_start_with_probe_ms: Math.round(remuxWithProbeMs),
      remux_realtime_factor_x: Math.round(remuxRtf * 10) / 10,
      baseline_remux_first_segment_ms: Math.round(rawRemux.firstMs),
      goal_remux_first_segment_ms: 400,
      baseline_transcode_first_segment_ms: Math.round(rawTranscode.firstMs),
      baseline_realtime_factor_x: Math.round(rawTranscode.rtf * 100) / 100,
      goal_transcode_first_segment_ms: 1600,
      goal_realtime_factor_x: 3,
      seed_slo_start_ms: 3000,
    }),
  )
} finally {
  await group.stop()
  await rm(work, { recursive: true, force: true, maxRetries: 5 })
}
