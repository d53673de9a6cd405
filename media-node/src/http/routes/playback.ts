/**
 * Playback routes: parse the request, check what its signature grants, ask playback/media-files.ts
 * and send the answer.
 * `GET /v1/playback/:infoHash/:fileIndex?c=…&v=…&a=…` — what the file holds and how this player
 * should get it (direct, remux or transcode).
 * `GET /v1/album/:infoHash` — the torrent's audio files with their tags, in album order.
 * `GET /v1/subtitles/:infoHash/:fileIndex/(file|<stream>).vtt` — text subtitles as WebVTT.
 * `GET /v1/hls/:infoHash/:fileIndex/index.m3u8` and `…/seg-N.ts` — the file as HLS, each segment
 * made when first asked for (transcode/hls-jobs.ts); `?mode=remux` copies H.264 video at its
 * own keyframes, `?audio=<stream>` picks an audio track. The playlist's segment URLs are signed
 * for the same person.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import type { HttpBindings } from '@hono/node-server'
import type { Context, Hono } from 'hono'
import type { Logger } from 'pino'
import { capabilitiesFromQuery, grantsTorrent, SIGNED_TTL_S, type WithDatabase } from '@bittorrented/common'
import type { TorrentEngine } from '../../adapters/torrent-engine.ts'
import { AppError } from '../../errors.ts'
import { MediaFiles } from '../../playback/media-files.ts'
import { parseInfoHash } from '../../streaming/torrent-id.ts'
import type { HlsJobs, SegmentBody } from '../../transcode/hls-jobs.ts'
import { buildHlsPlaylist } from '../../transcode/hls-playlist.ts'
import { signedFileTarget, signedPathFor, type SignedEnv } from '../require-signature.ts'

const SEGMENT = /^seg-(\d{1,6})\.ts$/
const SUBTITLE_TRACK = /^(file|\d{1,3})\.vtt$/
const SEGMENT_URL_TTL_S = SIGNED_TTL_S.media

export interface PlaybackDeps {
  engine: TorrentEngine
  hls: HlsJobs
  /** Where the node reaches itself (ffprobe and FFmpeg read files through the node's own stream route). */
  selfUrl: string
  signingKey: string
  log?: Logger
  /** The catalog: what the album view learns from the files' tags (the artist) is written back. */
  withDb?: WithDatabase
}

export function mountPlaybackRoutes(app: Hono<SignedEnv>, deps: PlaybackDeps): void {
  const files = new MediaFiles(deps)

  app.get('/v1/playback/:infoHash/:fileIndex', async (c) => {
    const { infoHash, fileIndex } = signedFileTarget(c, c.get('subject'))
    const caps = capabilitiesFromQuery((name) => c.req.query(name))
    if (!caps) throw new AppError('invalid_input', 'Capabilities are comma-separated known container and codec names.')
    return c.json(await files.playback(infoHash, fileIndex, caps))
  })

  app.get('/v1/album/:infoHash', async (c) => {
    const infoHash = parseInfoHash(c.req.param('infoHash'))
    if (!grantsTorrent(c.get('subject').resource, infoHash)) throw new AppError('not_allowed', 'This URL was signed for something else.')
    return c.json(await files.album(infoHash))
  })

  app.get('/v1/subtitles/:infoHash/:fileIndex/:track', async (c) => {
    const { infoHash, fileIndex } = signedFileTarget(c, c.get('subject'))
    const track = SUBTITLE_TRACK.exec(c.req.param('track'))?.[1]
    if (!track) throw new AppError('not_found', 'Subtitle tracks are file.vtt or <stream index>.vtt.')
    const vtt = await files.subtitles(infoHash, fileIndex, track === 'file' ? 'file' : Number(track))
    return c.body(vtt, 200, { 'Content-Type': 'text/vtt; charset=utf-8', 'Cache-Control': 'private, max-age=86400' })
  })

  app.get('/v1/hls/:infoHash/:fileIndex/:name', async (c) => {
    const subject = c.get('subject')
    const { infoHash, fileIndex } = signedFileTarget(c, subject)
    const name = c.req.param('name')
    // ?audio=<stream index> and ?mode=remux are choices, not grants: they are not signed.
    const audioParam = c.req.query('audio')
    const audio = audioParam === undefined ? null : Number(audioParam)
    if (audio !== null && !Number.isInteger(audio)) throw new AppError('invalid_input', 'There is no such audio track.')
    const remux = c.req.query('mode') === 'remux'
    const { media, plan } = await files.hlsPlan(infoHash, fileIndex, { remux, audio })
    // `index.m3u8?…&status=1`: where this rendition's conversion stands, for the player's "starting…" line.
    if (name === 'index.m3u8' && c.req.query('status') !== undefined) {
      return c.json({ ...deps.hls.status(plan), mode: plan.video === 'copy' ? 'remux' : 'transcode', waiting: deps.hls.queueDepth }, 200, { 'Cache-Control': 'no-store' })
    }
    if (name === 'index.m3u8') {
      const choices = `${audio === null ? '' : `&audio=${audio}`}${remux ? '&mode=remux' : ''}`
      const paths: string[] = []
      for (let n = 0; n < plan.starts.length; n++) paths.push(await signedPathFor(deps.signingKey, deps.selfUrl, `/v1/hls/${infoHash}/${fileIndex}/seg-${n}.ts`, subject, SEGMENT_URL_TTL_S))
      const playlist = buildHlsPlaylist(plan.starts, media.durationS, (n) => `${paths[n]!}${choices}`)
      return c.body(playlist, 200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'private, max-age=300' })
    }
    const n = Number(SEGMENT.exec(name)?.[1] ?? Number.NaN)
    if (Number.isNaN(n)) throw new AppError('not_found', 'No such HLS file.')
    if (n >= plan.starts.length) throw new AppError('not_found', 'The file is shorter than that.')
    const segment = await deps.hls.openSegment(plan, files.selfStream(infoHash, fileIndex), n)
    return sendSegment(c, segment, deps.log, { infoHash, fileIndex, segment: n })
  })
}

/** A segment still being made goes out as it is written (chunked); a whole one as a file stream. */
async function sendSegment(c: Context<SignedEnv>, segment: SegmentBody, log: Logger | undefined, about: Record<string, unknown>): Promise<Response> {
  const headers = { 'Content-Type': 'video/mp2t', 'Cache-Control': 'private, max-age=86400' }
  if ('whole' in segment) {
    const { size } = await stat(segment.whole)
    return c.body(Readable.toWeb(createReadStream(segment.whole)) as ReadableStream<Uint8Array>, 200, { ...headers, 'Content-Length': String(size) })
  }
  const { growing } = segment
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing
  const sent = async function* () {
    try {
      yield* growing
    } catch (err) {
      // Its job stopped before the segment was whole: the connection ends mid-body, so the
      // player sees a failed download (and asks again), never a short segment that looks whole.
      log?.info({ err: (err as Error).message, ...about }, 'segment cut short while being sent')
      if (!outgoing) throw err
      outgoing.destroy()
    }
  }
  return c.body(Readable.toWeb(Readable.from(sent())) as ReadableStream<Uint8Array>, 200, headers)
}
