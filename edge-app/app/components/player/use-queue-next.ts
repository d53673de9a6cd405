import { useNavigate, useSearchParams } from '@remix-run/react'
import { useEffect } from 'react'

/** `?queue=3,4,5`: when a track ends, the next one of the queue plays (an album, in order), unless `autoplay` is off. */
export function useQueueNext(media: React.RefObject<HTMLMediaElement | null>, infoHash: string, fileIndex: number, autoplay = true): number | null {
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const queue = (params.get('queue') ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n >= 0)
  const at = queue.indexOf(fileIndex)
  const next = at >= 0 && at + 1 < queue.length ? queue[at + 1]! : null
  useEffect(() => {
    const el = media.current
    if (!el || next === null || !autoplay) return
    const onEnded = () => navigate(`/watch/${infoHash}/${next}?queue=${queue.join(',')}`)
    el.addEventListener('ended', onEnded)
    return () => el.removeEventListener('ended', onEnded)
  }, [media, next, infoHash, queue.join(','), autoplay])
  return next
}
