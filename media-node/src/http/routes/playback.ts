import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import type { HttpBindings } from '@hono/node-server'
import type { Hono } from 'hono'
import type { Logger } from 'pino'
import { fileResource, grantsTorrent, SIGNED_TTL_S, signUrl } from '@bittorrented/common'
import type { TorrentEngine } from '../../adapters/torrent-engine.ts'
import { AppError } from '../../errors.ts'
import { ClientCapabilitiesSchema, decidePlayback, mainVideoStream, REMUX_AUDIO, remuxUnavailable } from '../../playback/playback-decision.ts'
import { readMatroskaKeyframes } from '../../playback/matroska-keyframes.ts'
import { ProbeCache } from '../../playback/probe-cache.ts'
import { parseInfoHash } from '../../streaming/torrent-id.ts'
import { buildHlsPlaylist, gridStarts, keyframeStarts } from '../../transcode/hls-playlist.ts'
import { TEXT_SUBTITLE_CODECS, toWebVtt } from '../../transcode/webvtt.ts'
import type { HlsJobs, SegmentPlan } from '../../transcode/hls-jobs.ts'
import type { ProbedMedia } from '../../adapters/ffmpeg.ts'
import type { WithDatabase } from '@bittorrented/common'
import { inCatalogTransaction, recordTaggedArtist } from '../../catalog/catalog-writer.ts'
import { signedFileTarget, signedPathFor, type SignedEnv } from '../require-signature.ts'

const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [])
const SEGMENT = /^seg-(\d{1,6})\.ts$/
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

/** The album's artist by its tracks' tags: the one most tracks name (ties: the first track's). */
export function albumArtist(tracks: Array<{ artist: string | null }>): string | null {
  const counts = new Map<string, number>()
  for (const t of tracks) if (t.artist) counts.set(t.artist, (counts.get(t.artist) ?? 0) + 1)
  let best: string | null = null
  for (const [artist, n] of counts) if (best === null || n > counts.get(best)!) best = artist
  return best
}

/**
 * `GET /v1/playback/:infoHash/:fileIndex?c=…&v=…&a=…` — what the file holds (ffprobe, once per
 * file) and how this player should get it: direct, remux or transcode. The capability
 * parameters are not signed: they only describe the asking browser.
 * `GET /v1/hls/:infoHash/:fileIndex/index.m3u8` and `…/seg-N.ts` — the file as HLS, each
 * segment made when first asked for: converted to H.264/AAC, or with `?mode=remux` the H.264
 * video copied at its own keyframes (when the file's keyframe index can be read; converted
 * otherwise). The playlist's segment URLs are signed for the same person.
 */
export function mountPlaybackRoutes(app: Hono<SignedEnv>, deps: PlaybackDeps): void {
  const probes = new ProbeCache()
  const selfStream = (infoHash: string, fileIndex: number) => () =>
    signUrl({
      secret: deps.signingKey,
      method: 'GET',
      url: `${deps.selfUrl}/v1/stream/${infoHash}/${fileIndex}`,
      subject: { userId: 'media-node', resource: fileResource(infoHash, fileIndex) },
      ttlSeconds: SIGNED_TTL_S.media,
    })
  const probe = async (infoHash: string, fileIndex: number) => {
    await deps.engine.file(infoHash, fileIndex)
    return probes.get(`${infoHash}/${fileIndex}`, selfStream(infoHash, fileIndex))
  }

  // Keyframe times of Matroska files (null: not Matroska, or no index): read once per file.
  const keyframes = new Map<string, Promise<number[] | null>>()
  const keyframesOf = (infoHash: string, fileIndex: number, media: ProbedMedia): Promise<number[] | null> => {
    if (!media.format.split(',').includes('matroska')) return Promise.resolve(null)
    const key = `${infoHash}/${fileIndex}`
    let found = keyframes.get(key)
    if (!found) {
      found = (async () => {
        const file = await deps.engine.file(infoHash, fileIndex)
        // In process, straight from the torrent (ffprobe and FFmpeg, other processes, use the HTTP route).
        const read = async (start: number, end: number) => {
          const parts: Uint8Array[] = []
          for await (const part of deps.engine.read(infoHash, fileIndex, start, end - 1)) parts.push(part)
          return new Uint8Array(Buffer.concat(parts))
        }
        return readMatroskaKeyframes(read, file.length)
      })().catch((err: Error) => {
        deps.log?.warn({ err: err.message, infoHash, fileIndex }, 'keyframe index unreadable')
        return null
      })
      keyframes.set(key, found)
      if (keyframes.size > 1000) keyframes.delete(keyframes.keys().next().value!)
    }
    return found
  }
  const NO_INDEX = 'The file has no keyframe index the node can read without fetching all of it.'

  /** The HLS rendition a request gets: remux where asked for and possible, else a conversion. */
  const planFor = async (infoHash: string, fileIndex: number, media: ProbedMedia, durationS: number, remux: boolean, audio: number | null): Promise<SegmentPlan> => {
    const video = mainVideoStream(media)
    const track = audio === null ? media.streams.find((st) => st.type === 'audio') : media.streams.find((st) => st.index === audio)
    const base = { audioStream: audio, sourceStartS: media.startS }
    const suffix = audio === null ? '' : `-a${audio}`
    if (remux && video?.codec === 'h264') {
      const times = await keyframesOf(infoHash, fileIndex, media)
      if (times) {
        const copyAudio = !track || REMUX_AUDIO.has(track.codec)
        return { ...base, key: `${infoHash}-${fileIndex}-copy${copyAudio ? '' : '-aac'}${suffix}`, starts: keyframeStarts(times, durationS), video: 'copy', audio: copyAudio ? 'copy' : 'encode' }
      }
    }
    return { ...base, key: `${infoHash}-${fileIndex}-h264${suffix}`, starts: gridStarts(durationS), video: 'encode', audio: 'encode' }
  }

  app.get('/v1/playback/:infoHash/:fileIndex', async (c) => {
    const { infoHash, fileIndex } = signedFileTarget(c, c.get('subject'))
    const caps = ClientCapabilitiesSchema.safeParse({ containers: list(c.req.query('c')), videoCodecs: list(c.req.query('v')), audioCodecs: list(c.req.query('a')) })
    if (!caps.success) throw new AppError('invalid_input', 'Capabilities are comma-separated known container and codec names.')
    const file = await deps.engine.file(infoHash, fileIndex)
    const media = await probe(infoHash, fileIndex)
    const audioTracks = media.streams
      .filter((st) => st.type === 'audio')
      .map((st) => ({ index: st.index, language: st.language ?? null, title: st.title ?? null, codec: st.codec, channels: st.channels ?? null, isDefault: st.isDefault }))
    const subtitles = media.streams
      .filter((st) => st.type === 'subtitle' && TEXT_SUBTITLE_CODECS.has(st.codec))
      .map((st) => ({ index: st.index, language: st.language ?? null, title: st.title ?? null, isDefault: st.isDefault }))
    let decision = decidePlayback(media, caps.data)
    if (decision.mode === 'remux' && !(await keyframesOf(infoHash, fileIndex, media))) decision = remuxUnavailable(decision, NO_INDEX)
    return c.json({ file: { name: file.name, length: file.length, contentType: file.contentType }, media, subtitles, audioTracks, decision })
  })

  // `GET /v1/album/:infoHash`: the torrent's audio files with their tags, in album order.
  app.get('/v1/album/:infoHash', async (c) => {
    const infoHash = parseInfoHash(c.req.param('infoHash'))
    if (!grantsTorrent(c.get('subject').resource, infoHash)) throw new AppError('not_allowed', 'This URL was signed for something else.')
    const info = await deps.engine.info(infoHash)
    const tracks = []
    for (const f of info.files.filter((file) => file.kind === 'audio').slice(0, 200)) {
      const media = await probe(infoHash, f.index).catch(() => null)
      tracks.push({
        fileIndex: f.index,
        path: f.path,
        title: media?.tags.title ?? f.name.replace(/\.[^.]+$/, ''),
        artist: media?.tags.artist ?? null,
        album: media?.tags.album ?? null,
        track: media?.tags.track ?? null,
        durationS: media?.durationS ?? null,
        playable: media !== null,
      })
    }
    tracks.sort((a, b) => (a.track ?? 1e9) - (b.track ?? 1e9) || a.path.localeCompare(b.path))
    const first = tracks.find((t) => t.album || t.artist)
    const artist = albumArtist(tracks)
    // The catalog's artist pages go by the tags from now on (a name's "Artist - " part was a guess).
    if (artist && deps.withDb)
      await deps.withDb((db) => inCatalogTransaction(db, () => recordTaggedArtist(db, infoHash, artist))).catch((err: unknown) => deps.log?.warn({ err, infoHash }, 'could not record the album artist'))
    return c.json({ infoHash, name: info.name, album: first?.album ?? null, artist: artist ?? first?.artist ?? null, tracks })
  })

  // `…/file.vtt`: the file itself is a subtitle file; `…/<stream index>.vtt`: a text track inside it.
  const vtts = new Map<string, Promise<string>>()
  app.get('/v1/subtitles/:infoHash/:fileIndex/:track', async (c) => {
    const { infoHash, fileIndex } = signedFileTarget(c, c.get('subject'))
    const track = /^(file|\d{1,3})\.vtt$/.exec(c.req.param('track'))?.[1]
    if (!track) throw new AppError('not_found', 'Subtitle tracks are file.vtt or <stream index>.vtt.')
    const media = await probe(infoHash, fileIndex)
    const stream = track === 'file' ? null : Number(track)
    const wanted = stream === null ? media.streams.find((s) => s.type === 'subtitle') : media.streams.find((s) => s.index === stream)
    if (!wanted || wanted.type !== 'subtitle') throw new AppError('not_found', 'There is no such subtitle track.')
    if (!TEXT_SUBTITLE_CODECS.has(wanted.codec)) throw new AppError('unplayable_media', `${wanted.codec} subtitles are pictures, not text; they cannot be shown as WebVTT.`)
    const key = `${infoHash}/${fileIndex}/${track}`
    let vtt = vtts.get(key)
    if (!vtt) {
      vtt = selfStream(infoHash, fileIndex)().then((url) => toWebVtt(url, stream))
      vtts.set(key, vtt)
      vtt.catch(() => vtts.delete(key))
      if (vtts.size > 500) vtts.delete(vtts.keys().next().value!)
    }
    return c.body(await vtt, 200, { 'Content-Type': 'text/vtt; charset=utf-8', 'Cache-Control': 'private, max-age=86400' })
  })

  app.get('/v1/hls/:infoHash/:fileIndex/:name', async (c) => {
    const subject = c.get('subject')
    const { infoHash, fileIndex } = signedFileTarget(c, subject)
    const name = c.req.param('name')
    const media = await probe(infoHash, fileIndex)
    if (!media.durationS) throw new AppError('unplayable_media', 'This file has no duration to build a playlist from.')
    // ?audio=<stream index>: another audio track of a multi-audio file (not signed: a choice, not a grant).
    const audioParam = c.req.query('audio')
    const audio = audioParam === undefined ? null : Number(audioParam)
    if (audio !== null && !media.streams.some((st) => st.index === audio && st.type === 'audio')) throw new AppError('invalid_input', 'There is no such audio track.')
    const remux = c.req.query('mode') === 'remux'
    const plan = await planFor(infoHash, fileIndex, media, media.durationS, remux, audio)
    const choices = (url: string) => `${url}${audio === null ? '' : `&audio=${audio}`}${remux ? '&mode=remux' : ''}`
    // `index.m3u8?…&status=1`: where this rendition's conversion stands, for the player's "starting…" line.
    if (name === 'index.m3u8' && c.req.query('status') !== undefined) {
      return c.json({ ...deps.hls.status(plan.key), mode: plan.video === 'copy' ? 'remux' : 'transcode', waiting: deps.hls.queueDepth }, 200, { 'Cache-Control': 'no-store' })
    }
    if (name === 'index.m3u8') {
      const paths: string[] = []
      for (let n = 0; n < plan.starts.length; n++) paths.push(await signedPathFor(deps.signingKey, deps.selfUrl, `/v1/hls/${infoHash}/${fileIndex}/seg-${n}.ts`, subject, SEGMENT_URL_TTL_S))
      const playlist = buildHlsPlaylist(plan.starts, media.durationS, (n) => choices(paths[n]!))
      return c.body(playlist, 200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'private, max-age=300' })
    }
    const m = SEGMENT.exec(name)
    if (!m) throw new AppError('not_found', 'No such HLS file.')
    const n = Number(m[1])
    if (n >= plan.starts.length) throw new AppError('not_found', 'The file is shorter than that.')
    const segment = await deps.hls.openSegment(plan, selfStream(infoHash, fileIndex), n)
    const headers = { 'Content-Type': 'video/mp2t', 'Cache-Control': 'private, max-age=86400' }
    // A segment still being made goes out as it is written (chunked); a whole one as a file stream.
    if ('growing' in segment) {
      const { growing } = segment
      const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing
      const sent = async function* () {
        try {
          yield* growing
        } catch (err) {
          // Its job stopped before the segment was whole: the connection ends mid-body, so the
          // player sees a failed download (and asks again), never a short segment that looks whole.
          deps.log?.info({ err: (err as Error).message, infoHash, fileIndex, segment: n }, 'segment cut short while being sent')
          if (!outgoing) throw err
          outgoing.destroy()
        }
      }
      return c.body(Readable.toWeb(Readable.from(sent())) as ReadableStream<Uint8Array>, 200, headers)
    }
    const { size } = await stat(segment.whole)
    return c.body(Readable.toWeb(createReadStream(segment.whole)) as ReadableStream<Uint8Array>, 200, { ...headers, 'Content-Length': String(size) })
  })
}
