import { useEffect, useState } from 'react'

type Status = { state: 'queued'; position: number } | { state: 'starting' } | { state: 'converting'; ready: number } | { state: 'idle' }

const ordinal = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`

/**
 * Until the converted stream plays: where its conversion stands on the media node (the playlist
 * URL with `status=1`), once a second — "you are 2nd in line", "starting…" — so a person whose
 * film waits for a free converter sees why and for how long, not a spinner.
 */
export function useConversionStatus(media: React.RefObject<HTMLMediaElement | null>, hlsUrl: string | null, mode: 'remux' | 'transcode'): string | null {
  const [line, setLine] = useState<string | null>(null)
  useEffect(() => {
    const el = media.current
    if (!el || !hlsUrl) return
    let done = false
    const verb = mode === 'remux' ? 'Re-packing' : 'Converting'
    const stop = () => {
      done = true
      setLine(null)
    }
    const poll = async () => {
      while (!done) {
        try {
          const status = (await (await fetch(`${hlsUrl}&status=1`)).json()) as Status
          if (done) return
          if (status.state === 'queued') setLine(`Waiting for a free converter: you are ${ordinal(status.position)} in line.`)
          else if (status.state === 'starting' || (status.state === 'converting' && status.ready === 0)) setLine(`${verb}: starting…`)
          else setLine(null)
        } catch {
          setLine(null)
        }
        await new Promise((r) => setTimeout(r, 1000))
      }
    }
    setLine(`${verb}: starting…`)
    el.addEventListener('playing', stop)
    void poll()
    return () => {
      done = true
      el.removeEventListener('playing', stop)
    }
  }, [media, hlsUrl, mode])
  return line
}
