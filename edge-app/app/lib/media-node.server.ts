/**
 * The edge app's one client of the media node. The node trusts nothing but URLs signed for a
 * person (common/signed-url.ts), so every method signs for the person the client was made for:
 * URLs handed to that person's browser (stream, HLS, subtitles, comic pages), and calls this
 * server makes itself (playback decision, album, peers), each with a timeout, its answer parsed
 * by the shared wire types (common/media-node-wire.ts) and its refusals turned into our AppError.
 */
import {
  AddedFeedSchema,
  AlbumSchema,
  artworkResource,
  DirectoryAnswerSchema,
  episodeResource,
  feedResource,
  OpmlImportedSchema,
  PODCASTS_RESOURCE,
  RADIO_RESOURCE,
  StationListSchema,
  stationResource,
  type AddedFeed,
  type DirectoryAnswerWire,
  type OpmlImported,
  type StationList,
  capabilitiesQuery,
  channelResource,
  fileResource,
  MediaNodeErrorSchema,
  PlaybackAnswerSchema,
  SIGNATURE_PARAMS,
  SIGNED_TTL_S,
  signUrl,
  torrentResource,
  type Album,
  type Alternative,
  type ClientCapabilities,
  type MediaNodeError,
  type PlaybackAnswer,
} from '@bittorrented/common'
import { z } from 'zod'
import type { EdgeConfig } from './env.server.ts'
import { AppError, type ErrorCode } from './errors.ts'
import type { Person } from './person.ts'

export type { Album, AlbumTrack, Alternative } from '@bittorrented/common'

/** A stream URL lives long enough to watch a film; what the server reads itself, a minute. */
const MEDIA_TTL_S = SIGNED_TTL_S.media
const METADATA_TTL_S = SIGNED_TTL_S.metadata
const CALL_TIMEOUT_MS = 20_000
/** The decision may wait on the torrent's metadata and a probe. */
const PLAYBACK_TIMEOUT_MS = 30_000

export type PeerCheck = { state: 'ok' } | { state: 'no_peers'; message: string; alternatives: Alternative[] } | { state: 'unreachable'; message: string }

/** How a call went: the parsed answer, a refusal in the node's words, or no answer at all. */
type Outcome<T> = { ok: true; value: T } | { ok: false; status: number; error: MediaNodeError } | { ok: false; status: null; error: MediaNodeError }

/** The node's codes, in ours. */
const EDGE_CODE: Record<string, ErrorCode> = {
  invalid_input: 'invalid_input',
  not_allowed: 'not_allowed',
  not_found: 'not_found',
  no_peers: 'no_peers',
  unplayable_media: 'unplayable_media',
  busy: 'unavailable',
  upstream_unavailable: 'unavailable',
}

export class MediaNodeClient {
  constructor(
    private readonly config: Pick<EdgeConfig, 'mediaNodeUrl' | 'keys'>,
    private readonly person: Person,
  ) {}

  /** A media-node URL for `path`, signed for this person and `resource`. */
  private sign(path: string, resource: string, ttlSeconds: number, query?: Record<string, string>, method = 'GET'): Promise<string> {
    const url = new URL(path, this.config.mediaNodeUrl)
    // Unsigned choices (the browser's capabilities, a search) go after the signature's own parameters.
    return signUrl({ secret: this.config.keys.mediaUrl, method, url: url.toString(), subject: { userId: this.person.userId, profileId: this.person.profileId, resource }, ttlSeconds }).then(
      (signed) => {
        if (!query) return signed
        const withChoices = new URL(signed)
        for (const [k, v] of Object.entries(query)) {
          // A choice named like a signature parameter would overwrite it (and break the signature).
          if ((Object.values(SIGNATURE_PARAMS) as string[]).includes(k)) throw new Error(`query parameter "${k}" is a signature parameter`)
          withChoices.searchParams.set(k, v)
        }
        return withChoices.toString()
      },
    )
  }

  private async call<S extends z.ZodTypeAny>(
    path: string,
    resource: string,
    schema: S,
    opts: { timeoutMs: number; query?: Record<string, string>; method?: 'GET' | 'POST'; body?: string; contentType?: string },
  ): Promise<Outcome<z.infer<S>>> {
    const method = opts.method ?? 'GET'
    const url = await this.sign(path, resource, METADATA_TTL_S, opts.query, method)
    let res: Response
    try {
      res = await fetch(url, {
        method,
        signal: AbortSignal.timeout(opts.timeoutMs),
        ...(opts.body !== undefined ? { body: opts.body, headers: { 'Content-Type': opts.contentType ?? 'text/plain' } } : {}),
      })
    } catch {
      return { ok: false, status: null, error: { error: 'unreachable', message: 'The media node did not answer in time.' } }
    }
    const body: unknown = await res.json().catch(() => null)
    if (res.ok) {
      const parsed = schema.safeParse(body)
      if (parsed.success) return { ok: true, value: parsed.data }
      return { ok: false, status: 502, error: { error: 'bad_answer', message: 'The media node gave an answer this app does not understand.' } }
    }
    const refusal = MediaNodeErrorSchema.safeParse(body)
    return { ok: false, status: res.status, error: refusal.success ? refusal.data : { error: 'unknown', message: `The media node answered ${res.status}.` } }
  }

  /** A refusal as our error: the node's sentence, under our code for it. */
  private static refused(outcome: { error: MediaNodeError }): AppError {
    return new AppError(EDGE_CODE[outcome.error.error] ?? 'unavailable', outcome.error.message)
  }

  /** The file itself, with byte ranges. */
  streamUrl(infoHash: string, fileIndex: number): Promise<string> {
    return this.sign(`/v1/stream/${infoHash}/${fileIndex}`, fileResource(infoHash, fileIndex), MEDIA_TTL_S)
  }

  /** The file as HLS (converted on the fly by the media node), for players that cannot take it as it is. */
  hlsUrl(infoHash: string, fileIndex: number): Promise<string> {
    return this.sign(`/v1/hls/${infoHash}/${fileIndex}/index.m3u8`, fileResource(infoHash, fileIndex), MEDIA_TTL_S)
  }

  /** A subtitle track as WebVTT: `file` for a subtitle file, or the stream index of a track inside the file. */
  subtitleUrl(infoHash: string, fileIndex: number, track: 'file' | number): Promise<string> {
    return this.sign(`/v1/subtitles/${infoHash}/${fileIndex}/${track}.vtt`, fileResource(infoHash, fileIndex), MEDIA_TTL_S)
  }

  /** A comic's page list, each page with its own signed URL. */
  comicPagesUrl(infoHash: string, fileIndex: number): Promise<string> {
    return this.sign(`/v1/comic/${infoHash}/${fileIndex}/pages`, fileResource(infoHash, fileIndex), MEDIA_TTL_S)
  }

  /**
   * A Live TV channel as HLS through the node; with `catchup` a past programme from its start
   * (the window is a choice, not a grant: the signature names the channel).
   */
  liveUrl(channelId: number, catchup?: { startS: number; durationS: number }): Promise<string> {
    const query = catchup ? { start: String(catchup.startS), duration: String(catchup.durationS) } : undefined
    return this.sign(`/v1/live/${channelId}/index.m3u8`, channelResource(channelId), MEDIA_TTL_S, query)
  }

  /** A channel's logo, through the node (the provider's URL is never loaded by the browser). */
  liveLogoUrl(channelId: number): Promise<string> {
    return this.sign(`/v1/live/${channelId}/logo`, channelResource(channelId), MEDIA_TTL_S)
  }

  /** Calls the node and gives its answer, or throws its refusal as our error. */
  private async required<S extends z.ZodTypeAny>(path: string, resource: string, schema: S, opts: Parameters<MediaNodeClient['call']>[3]): Promise<z.infer<S>> {
    const outcome = await this.call(path, resource, schema, opts)
    if (!outcome.ok) throw outcome.status === null ? new AppError('unavailable', outcome.error.message) : MediaNodeClient.refused(outcome)
    return outcome.value
  }

  /** Podcast Index and iTunes, merged (a directory that is down is named in `unavailable`). */
  podcastSearch(q: string): Promise<DirectoryAnswerWire> {
    return this.required('/v1/podcasts/search', PODCASTS_RESOURCE, DirectoryAnswerSchema, { timeoutMs: CALL_TIMEOUT_MS, query: { q } })
  }

  podcastTrending(category?: string): Promise<DirectoryAnswerWire> {
    return this.required('/v1/podcasts/trending', PODCASTS_RESOURCE, DirectoryAnswerSchema, { timeoutMs: CALL_TIMEOUT_MS, query: category ? { cat: category } : {} })
  }

  /** A feed by address into the catalog (the node fetches it now if it is new): its id. */
  addFeed(feedUrl: string): Promise<AddedFeed> {
    return this.required('/v1/podcasts/feeds', PODCASTS_RESOURCE, AddedFeedSchema, { timeoutMs: PLAYBACK_TIMEOUT_MS, method: 'POST', query: { url: feedUrl } })
  }

  /** An OPML file's feeds into the catalog (fetched by the node in the background). */
  importOpml(text: string): Promise<OpmlImported> {
    return this.required('/v1/podcasts/opml', PODCASTS_RESOURCE, OpmlImportedSchema, { timeoutMs: PLAYBACK_TIMEOUT_MS, method: 'POST', body: text, contentType: 'text/x-opml' })
  }

  /** The profile's subscriptions as OPML, a download link for the browser. */
  opmlExportUrl(): Promise<string> {
    return this.sign('/v1/podcasts/subscriptions.opml', PODCASTS_RESOURCE, 600)
  }

  episodeAudioUrl(episodeId: number): Promise<string> {
    return this.sign(`/v1/podcasts/episodes/${episodeId}/audio`, episodeResource(episodeId), MEDIA_TTL_S)
  }

  /** Chapters and transcript, parsed (the player fetches it). */
  episodeExtrasUrl(episodeId: number): Promise<string> {
    return this.sign(`/v1/podcasts/episodes/${episodeId}/extras`, episodeResource(episodeId), MEDIA_TTL_S)
  }

  feedArtworkUrl(feedId: number): Promise<string> {
    return this.sign(`/v1/podcasts/feeds/${feedId}/artwork`, feedResource(feedId), MEDIA_TTL_S)
  }

  /** A picture a directory named (a search result's cover), through the node. */
  async artworkUrl(imageUrl: string): Promise<string> {
    return this.sign('/v1/podcasts/art', await artworkResource(imageUrl), MEDIA_TTL_S, { src: imageUrl })
  }

  radioSearch(query: Record<string, string>): Promise<StationList> {
    return this.required('/v1/radio/search', RADIO_RESOURCE, StationListSchema, { timeoutMs: CALL_TIMEOUT_MS, query })
  }

  radioTop(): Promise<StationList> {
    return this.required('/v1/radio/top', RADIO_RESOURCE, StationListSchema, { timeoutMs: CALL_TIMEOUT_MS })
  }

  /** The stations of a .pls, .m3u or .xspf playlist into the catalog. */
  radioPlaylist(playlistUrl: string): Promise<StationList> {
    return this.required('/v1/radio/playlist', RADIO_RESOURCE, StationListSchema, { timeoutMs: CALL_TIMEOUT_MS, method: 'POST', query: { url: playlistUrl } })
  }

  stationStreamUrl(stationId: number): Promise<string> {
    return this.sign(`/v1/radio/${stationId}/stream`, stationResource(stationId), MEDIA_TTL_S)
  }

  /** An HLS station's playlist through the node. */
  stationHlsUrl(stationId: number): Promise<string> {
    return this.sign(`/v1/radio/${stationId}/index.m3u8`, stationResource(stationId), MEDIA_TTL_S)
  }

  stationNowPlayingUrl(stationId: number): Promise<string> {
    return this.sign(`/v1/radio/${stationId}/now-playing`, stationResource(stationId), MEDIA_TTL_S)
  }

  stationLogoUrl(stationId: number): Promise<string> {
    return this.sign(`/v1/radio/${stationId}/logo`, stationResource(stationId), MEDIA_TTL_S)
  }

  /** How a browser with `caps` should get the file (direct, remux, transcode); a refusal throws AppError. */
  async playback(infoHash: string, fileIndex: number, caps: ClientCapabilities): Promise<PlaybackAnswer> {
    const outcome = await this.call(`/v1/playback/${infoHash}/${fileIndex}`, fileResource(infoHash, fileIndex), PlaybackAnswerSchema, {
      timeoutMs: PLAYBACK_TIMEOUT_MS,
      query: capabilitiesQuery(caps),
    })
    if (!outcome.ok) throw MediaNodeClient.refused(outcome)
    return outcome.value
  }

  /** The torrent's audio files with their tags (the media node probes them), or null if it cannot tell. */
  async album(infoHash: string): Promise<Album | null> {
    const outcome = await this.call(`/v1/album/${infoHash}`, torrentResource(infoHash), AlbumSchema, { timeoutMs: CALL_TIMEOUT_MS })
    return outcome.ok ? outcome.value : null
  }

  /** Asks the media node for the torrent's metadata: are there peers to stream it from? */
  async peers(infoHash: string): Promise<PeerCheck> {
    const outcome = await this.call(`/v1/torrents/${infoHash}`, torrentResource(infoHash), z.unknown(), { timeoutMs: CALL_TIMEOUT_MS })
    if (outcome.ok) return { state: 'ok' }
    if (outcome.error.error === 'no_peers') return { state: 'no_peers', message: outcome.error.message, alternatives: (outcome.error.alternatives ?? []).slice(0, 5) }
    return { state: 'unreachable', message: outcome.error.message }
  }
}

/** The media-node client signing for `person`. */
export function mediaNode(config: Pick<EdgeConfig, 'mediaNodeUrl' | 'keys'>, person: Person): MediaNodeClient {
  return new MediaNodeClient(config, person)
}
