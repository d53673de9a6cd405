/**
 * What the node knows about one torrent file for playback, and how it decides what to send:
 * the probe (once per file), the Matroska keyframe index (once per file), the playback
 * decision, the HLS rendition a request gets, the album view of a torrent's audio files, and
 * text subtitles as WebVTT. The HTTP routes (http/routes/playback.ts) parse, authorize and call
 * these; nothing here knows about requests.
 */
import type { Logger } from 'pino'
import { fileResource, SIGNED_TTL_S, signUrl, type Album, type AlbumTrack, type ClientCapabilities, type PlaybackAnswer, type ProbedMedia, type WithDatabase } from '@bittorrented/common'
import type { TorrentEngine } from '../adapters/torrent-engine.ts'
import { inCatalogTransaction, recordTaggedArtist } from '../catalog/catalog-writer.ts'
import { AppError } from '../errors.ts'
import { gridStarts, keyframeStarts } from '../transcode/hls-playlist.ts'
import type { SegmentPlan } from '../transcode/hls-jobs.ts'
import { TEXT_SUBTITLE_CODECS, toWebVtt } from '../transcode/webvtt.ts'
import { readMatroskaKeyframes } from './matroska-keyframes.ts'
import { decidePlayback, mainVideoStream, REMUX_AUDIO, remuxUnavailable } from './playback-decision.ts'
import { ProbeCache } from './probe-cache.ts'

export interface MediaFilesDeps {
  engine: TorrentEngine
  /** Where the node reaches itself (ffprobe and FFmpeg read files through the node's own stream route). */
  selfUrl: string
  signingKey: string
  log?: Logger
  /** The catalog: what the album view learns from the files' tags (the artist) is written back. */
  withDb?: WithDatabase
}

const NO_INDEX = 'The file has no keyframe index the node can read without fetching all of it.'
/** At most this many audio files are probed for one album view. */
const ALBUM_TRACKS = 200

/** The album's artist by its tracks' tags: the one most tracks name (ties: the first track's). */
export function albumArtist(tracks: Array<{ artist: string | null }>): string | null {
  const counts = new Map<string, number>()
  for (const t of tracks) if (t.artist) counts.set(t.artist, (counts.get(t.artist) ?? 0) + 1)
  let best: string | null = null
  for (const [artist, n] of counts) if (best === null || n > counts.get(best)!) best = artist
  return best
}

/** A map that forgets its oldest entry past `max`. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): V {
  map.set(key, value)
  if (map.size > max) map.delete(map.keys().next().value!)
  return value
}

export class MediaFiles {
  private readonly probes = new ProbeCache()
  /** Keyframe times of Matroska files (null: not Matroska, or no index). */
  private readonly keyframes = new Map<string, Promise<number[] | null>>()
  private readonly vtts = new Map<string, Promise<string>>()

  constructor(private readonly deps: MediaFilesDeps) {}

  /** A URL of the node's own stream route for the file: what ffprobe and FFmpeg read. */
  selfStream(infoHash: string, fileIndex: number): () => Promise<string> {
    return () =>
      signUrl({
        secret: this.deps.signingKey,
        method: 'GET',
        url: `${this.deps.selfUrl}/v1/stream/${infoHash}/${fileIndex}`,
        subject: { userId: 'media-node', resource: fileResource(infoHash, fileIndex) },
        ttlSeconds: SIGNED_TTL_S.media,
      })
  }

  async probe(infoHash: string, fileIndex: number): Promise<ProbedMedia> {
    await this.deps.engine.file(infoHash, fileIndex)
    return this.probes.get(`${infoHash}/${fileIndex}`, this.selfStream(infoHash, fileIndex))
  }

  private keyframesOf(infoHash: string, fileIndex: number, media: ProbedMedia): Promise<number[] | null> {
    if (!media.format.split(',').includes('matroska')) return Promise.resolve(null)
    const key = `${infoHash}/${fileIndex}`
    const known = this.keyframes.get(key)
    if (known) return known
    const found = (async () => {
      const file = await this.deps.engine.file(infoHash, fileIndex)
      // In process, straight from the torrent (ffprobe and FFmpeg, other processes, use the HTTP route).
      const read = async (start: number, end: number) => {
        const parts: Uint8Array[] = []
        for await (const part of this.deps.engine.read(infoHash, fileIndex, start, end - 1)) parts.push(part)
        return new Uint8Array(Buffer.concat(parts))
      }
      return readMatroskaKeyframes(read, file.length)
    })().catch((err: Error) => {
      this.deps.log?.warn({ err: err.message, infoHash, fileIndex }, 'keyframe index unreadable')
      return null
    })
    return remember(this.keyframes, key, found, 1000)
  }

  /** What the file holds and how a player with `caps` should get it: direct, remux or transcode. */
  async playback(infoHash: string, fileIndex: number, caps: ClientCapabilities): Promise<PlaybackAnswer> {
    const file = await this.deps.engine.file(infoHash, fileIndex)
    const media = await this.probe(infoHash, fileIndex)
    const audioTracks = media.streams
      .filter((st) => st.type === 'audio')
      .map((st) => ({ index: st.index, language: st.language ?? null, title: st.title ?? null, codec: st.codec, channels: st.channels ?? null, isDefault: st.isDefault }))
    const subtitles = media.streams
      .filter((st) => st.type === 'subtitle' && TEXT_SUBTITLE_CODECS.has(st.codec))
      .map((st) => ({ index: st.index, language: st.language ?? null, title: st.title ?? null, isDefault: st.isDefault }))
    let decision = decidePlayback(media, caps)
    if (decision.mode === 'remux' && !(await this.keyframesOf(infoHash, fileIndex, media))) decision = remuxUnavailable(decision, NO_INDEX)
    return { file: { name: file.name, length: file.length, contentType: file.contentType }, media, subtitles, audioTracks, decision }
  }

  /**
   * The HLS rendition a request gets: the file's own video copied at its keyframes where remux
   * was asked for and is possible, else a conversion; `audio` is a stream index or null (the
   * first audio track).
   */
  async hlsPlan(infoHash: string, fileIndex: number, want: { remux: boolean; audio: number | null }): Promise<{ media: ProbedMedia & { durationS: number }; plan: SegmentPlan }> {
    const media = await this.probe(infoHash, fileIndex)
    const durationS = media.durationS
    if (!durationS) throw new AppError('unplayable_media', 'This file has no duration to build a playlist from.')
    const { audio } = want
    if (audio !== null && !media.streams.some((st) => st.index === audio && st.type === 'audio')) throw new AppError('invalid_input', 'There is no such audio track.')
    const video = mainVideoStream(media)
    const track = audio === null ? media.streams.find((st) => st.type === 'audio') : media.streams.find((st) => st.index === audio)
    const base = { source: `${infoHash}-${fileIndex}`, audioStream: audio, sourceStartS: media.startS }
    let plan: SegmentPlan = { ...base, starts: gridStarts(durationS), video: 'encode', audio: 'encode' }
    if (want.remux && video?.codec === 'h264') {
      const times = await this.keyframesOf(infoHash, fileIndex, media)
      if (times) plan = { ...base, starts: keyframeStarts(times, durationS), video: 'copy', audio: !track || REMUX_AUDIO.has(track.codec) ? 'copy' : 'encode' }
    }
    return { media: { ...media, durationS }, plan }
  }

  /** The torrent's audio files with their tags, in album order; the artist goes back to the catalog. */
  async album(infoHash: string): Promise<Album> {
    const info = await this.deps.engine.info(infoHash)
    const tracks: AlbumTrack[] = []
    for (const f of info.files.filter((file) => file.kind === 'audio').slice(0, ALBUM_TRACKS)) {
      const media = await this.probe(infoHash, f.index).catch(() => null)
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
    const { withDb, log } = this.deps
    if (artist && withDb)
      await withDb((db) => inCatalogTransaction(db, () => recordTaggedArtist(db, infoHash, artist))).catch((err: unknown) => log?.warn({ err, infoHash }, 'could not record the album artist'))
    return { infoHash, name: info.name, album: first?.album ?? null, artist: artist ?? first?.artist ?? null, tracks }
  }

  /** `track` 'file': the file itself is a subtitle file; a number: a text track inside it. As WebVTT. */
  async subtitles(infoHash: string, fileIndex: number, track: 'file' | number): Promise<string> {
    const media = await this.probe(infoHash, fileIndex)
    const stream = track === 'file' ? null : track
    const wanted = stream === null ? media.streams.find((s) => s.type === 'subtitle') : media.streams.find((s) => s.index === stream)
    if (wanted?.type !== 'subtitle') throw new AppError('not_found', 'There is no such subtitle track.')
    if (!TEXT_SUBTITLE_CODECS.has(wanted.codec)) throw new AppError('unplayable_media', `${wanted.codec} subtitles are pictures, not text; they cannot be shown as WebVTT.`)
    const key = `${infoHash}/${fileIndex}/${track}`
    const known = this.vtts.get(key)
    if (known) return known
    const vtt = this.selfStream(infoHash, fileIndex)().then((url) => toWebVtt(url, stream))
    vtt.catch(() => this.vtts.delete(key))
    return remember(this.vtts, key, vtt, 500)
  }
}
