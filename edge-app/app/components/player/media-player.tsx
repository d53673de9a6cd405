import { useEffect, useRef, useState } from 'react'
import type { CatalogFile, CatalogTorrent } from '../../lib/catalog-types.ts'
import { useHls } from './use-hls.ts'
import { useConversionStatus } from './use-conversion-status.ts'
import { usePlaybackDecision, type SubtitleTrack } from './use-playback-decision.ts'
import { fileName } from '../../lib/format.ts'
import type { PlayerSettings } from '../../lib/player-settings.ts'
import { languageCode, usePlaybackRate, useSubtitleChoice } from './use-player-settings.ts'

export interface MediaPlayerProps {
  media: React.MutableRefObject<HTMLMediaElement | null>
  torrent: CatalogTorrent
  file: CatalogFile
  /** Signed media-node URLs: the file as it is, and as HLS. */
  src: string
  hlsSrc: string
  subtitleFiles: SubtitleTrack[]
  autoPlay?: boolean
  /** The profile's player settings: subtitle and audio language, subtitle size, speed. */
  settings: PlayerSettings
  /** A watch party sets the pace itself: the profile's speed is not applied there. */
  inParty?: boolean
}

/**
 * The player element of one file: asks the media node how this browser can play it, then plays
 * it as it is or converted to HLS (hls.js, or the browser's own HLS), with the subtitle tracks
 * (inside the file and beside it), menus of its subtitle and audio tracks, and the profile's
 * settings: subtitles on in the profile's language (off when the file has none), the audio
 * track in the profile's language, the subtitle size, the speed. Used by the watch page and the
 * watch-party page, which add their own behaviour around the element through `media`.
 */
export function MediaPlayer({ media, torrent, file, src, hlsSrc, subtitleFiles, autoPlay = true, settings, inParty = false }: MediaPlayerProps) {
  const title = fileName(file.path)
  const decision = usePlaybackDecision(torrent.infoHash, file.index)
  // Another audio track than the file's first one comes through HLS, which can pick any track.
  const [audio, setAudio] = useState<number | null>(null)
  const keepPosition = useRef<number | null>(null)
  const direct = decision.state === 'ready' && decision.mode === 'direct' && audio === null
  const converted = decision.state === 'ready' && !direct
  // Remux (the video copied at its own keyframes) where the node said so; converted otherwise.
  const remux = decision.state === 'ready' && decision.mode === 'remux'
  const hlsUrl = converted ? `${hlsSrc}${remux ? '&mode=remux' : ''}${audio === null ? '' : `&audio=${audio}`}` : null
  useHls(media, hlsUrl)
  const conversion = useConversionStatus(media, hlsUrl, remux ? 'remux' : 'transcode')
  useEffect(() => {
    const el = media.current
    if (!el) return
    const restore = () => {
      if (keepPosition.current !== null) el.currentTime = keepPosition.current
      keepPosition.current = null
    }
    el.addEventListener('loadedmetadata', restore)
    return () => el.removeEventListener('loadedmetadata', restore)
  }, [media, audio])
  const audioTracks = decision.state === 'ready' ? decision.audioTracks : []
  const tracks = [...(decision.state === 'ready' ? decision.subtitles : []), ...subtitleFiles]
  const [subtitle, setSubtitle] = useSubtitleChoice(media, tracks, settings.subtitleLanguage)
  usePlaybackRate(media, inParty ? null : settings.playbackRate)
  // The profile's audio language, when the file's first track is another one (through HLS, which carries any track).
  const preferredAudio = settings.audioLanguage ? audioTracks.findIndex((t) => languageCode(t.language) === settings.audioLanguage) : -1
  useEffect(() => {
    if (preferredAudio > 0) setAudio(audioTracks[preferredAudio]!.index)
  }, [preferredAudio])
  return (
    <>
      {file.mediaType === 'audio' ? (
        <audio ref={media as React.RefObject<HTMLAudioElement>} className="player" controls autoPlay={autoPlay} src={direct ? src : undefined} aria-label={`Playing ${title}`} />
      ) : (
        <video
          ref={media as React.RefObject<HTMLVideoElement>}
          className={`player subtitles-${settings.subtitleSize}`}
          controls
          autoPlay={autoPlay}
          playsInline
          crossOrigin="anonymous"
          src={direct ? src : undefined}
          aria-label={`Playing ${title}`}
        >
          {tracks.map((t) => (
            <track key={t.url} kind="subtitles" src={t.url} label={t.label} srcLang={t.language ?? undefined} />
          ))}
        </video>
      )}
      {tracks.length > 0 && file.mediaType !== 'audio' && (
        <label className="row">
          Subtitles
          <select value={subtitle === null ? '' : String(subtitle)} onChange={(e) => setSubtitle(e.target.value === '' ? null : Number(e.target.value))}>
            <option value="">Off</option>
            {tracks.map((t, i) => (
              <option key={t.url} value={String(i)}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {audioTracks.length > 1 && (
        <label className="row">
          Audio
          <select
            value={audio ?? ''}
            onChange={(e) => {
              keepPosition.current = media.current?.currentTime ?? null
              setAudio(e.target.value === '' ? null : Number(e.target.value))
            }}
          >
            {audioTracks.map((t, i) => (
              <option key={t.index} value={i === 0 ? '' : String(t.index)}>
                {[t.title, t.language, t.channels ? `${t.channels} ch` : null].filter(Boolean).join(' · ') || `Track ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
      )}
      {decision.state === 'checking' && (
        <p role="status" className="tile-meta">
          Checking the file…
        </p>
      )}
      {decision.state === 'error' && (
        <p role="alert" className="form-error">
          {decision.message}
        </p>
      )}
      {converted && (
        <p role="status" className="tile-meta">
          {decision.reason} {remux ? 'It is re-packed as you watch.' : 'It is converted as you watch.'}
        </p>
      )}
      {conversion && (
        <p role="status" className="tile-meta" data-conversion>
          {conversion}
        </p>
      )}
    </>
  )
}
