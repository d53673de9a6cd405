/**
 * "Download for offline" for a podcast episode, where the browser can (the Cache API; an
 * installed PWA keeps it): the audio is fetched once through its signed URL and stored under a
 * stable key in a cache of the profile's own (`bt-downloads-<profile>`), so on a shared device
 * one profile's downloads are not another's. The player plays the stored copy when there is one.
 * The service worker leaves these caches alone when it updates.
 */
import { useCallback, useEffect, useState } from 'react'

export type DownloadState = { kind: 'unsupported' } | { kind: 'none' } | { kind: 'downloading'; fraction: number | null } | { kind: 'saved'; url: string } | { kind: 'failed'; message: string }

export const downloadsCache = (profileId: string) => `bt-downloads-${profileId}`
const keyOf = (episodeId: number) => `/offline/episode/${episodeId}`

export function useEpisodeDownload(profileId: string, episodeId: number, src: string) {
  const [state, setState] = useState<DownloadState>({ kind: 'none' })

  useEffect(() => {
    if (typeof caches === 'undefined') {
      setState({ kind: 'unsupported' })
      return
    }
    let objectUrl: string | null = null
    let stop = false
    void caches
      .open(downloadsCache(profileId))
      .then((c) => c.match(keyOf(episodeId)))
      .then(async (hit) => {
        if (stop || !hit) return
        objectUrl = URL.createObjectURL(await hit.blob())
        setState({ kind: 'saved', url: objectUrl })
      })
      .catch(() => {})
    return () => {
      stop = true
      if (objectUrl) URL.revokeObjectURL(objectUrl)
    }
  }, [profileId, episodeId])

  const download = useCallback(async () => {
    setState({ kind: 'downloading', fraction: 0 })
    try {
      const res = await fetch(src)
      if (!res.ok || !res.body) throw new Error(`the media node answered ${res.status}`)
      const total = Number(res.headers.get('content-length')) || null
      const reader = res.body.getReader()
      const parts: Uint8Array[] = []
      let got = 0
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        parts.push(value)
        got += value.length
        setState({ kind: 'downloading', fraction: total ? got / total : null })
      }
      const blob = new Blob(parts as BlobPart[], { type: res.headers.get('content-type') ?? 'audio/mpeg' })
      const cache = await caches.open(downloadsCache(profileId))
      await cache.put(keyOf(episodeId), new Response(blob, { headers: { 'Content-Type': blob.type, 'Content-Length': String(blob.size) } }))
      setState({ kind: 'saved', url: URL.createObjectURL(blob) })
    } catch (err) {
      setState({ kind: 'failed', message: `The download did not finish (${(err as Error).message}).` })
    }
  }, [profileId, episodeId, src])

  const remove = useCallback(async () => {
    await caches.open(downloadsCache(profileId)).then((c) => c.delete(keyOf(episodeId)))
    setState({ kind: 'none' })
  }, [profileId, episodeId])

  return { state, download, remove }
}
