import { useEffect } from 'react'

/**
 * Plays an HLS playlist: natively where the browser can (Safari, iOS), else through hls.js,
 * loaded only when needed so direct plays never download it.
 */
export function useHls(media: React.RefObject<HTMLMediaElement | null>, url: string | null) {
  useEffect(() => {
    const el = media.current
    if (!el || !url) return
    if (el.canPlayType('application/vnd.apple.mpegurl')) {
      el.src = url
      return
    }
    let destroyed = false
    let hls: { destroy(): void } | null = null
    void import('hls.js').then(({ default: Hls }) => {
      if (destroyed || !Hls.isSupported()) return
      const player = new Hls({ maxBufferLength: 30 })
      player.loadSource(url)
      player.attachMedia(el as HTMLVideoElement)
      hls = player
    })
    return () => {
      destroyed = true
      hls?.destroy()
    }
  }, [media, url])
}
