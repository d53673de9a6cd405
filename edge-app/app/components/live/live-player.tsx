import { useRef } from 'react'
import { useHls } from '../player/use-hls.ts'

/** A channel playing: HLS from the media node (natively or through hls.js), with the programme's name. */
export function LivePlayer({ src, title, subtitle }: { src: string; title: string; subtitle: string | null }) {
  const video = useRef<HTMLVideoElement>(null)
  useHls(video, src)
  return (
    <section className="live-player" aria-labelledby="live-now">
      <video ref={video} controls autoPlay playsInline className="player" data-live-src={src} aria-label={`${title} — live`} />
      <h2 id="live-now">{title}</h2>
      {subtitle && <p className="tagline">{subtitle}</p>}
    </section>
  )
}
