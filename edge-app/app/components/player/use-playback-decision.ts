import { useEffect, useState } from 'react'
import type { AudioTrackInfo, PlaybackDecision, PlaybackMode } from '@bittorrented/common'
import { browserCapabilities, capabilitiesQuery } from '../../lib/media-capabilities.ts'

export type AudioTrack = Omit<AudioTrackInfo, 'codec'>

export interface SubtitleTrack {
  label: string
  language: string | null
  url: string
}

export type Decision = { state: 'checking' } | { state: 'ready'; mode: PlaybackMode; reason: string; subtitles: SubtitleTrack[]; audioTracks: AudioTrack[] } | { state: 'error'; message: string }

/** Asks (through the edge app) how this browser should get the file; plays it only when it can. */
export function usePlaybackDecision(infoHash: string, fileIndex: number): Decision {
  const [decision, setDecision] = useState<Decision>({ state: 'checking' })
  useEffect(() => {
    let live = true
    fetch(`/api/playback/${infoHash}/${fileIndex}?${capabilitiesQuery(browserCapabilities())}`)
      .then(async (res) => {
        const body = (await res.json()) as {
          decision?: PlaybackDecision
          subtitles?: Array<{ language: string | null; title: string | null; url: string }>
          audioTracks?: AudioTrack[]
          message?: string
        }
        if (!live) return
        const subtitles = (body.subtitles ?? []).map((t, i) => ({ label: t.title ?? (t.language ? `${t.language} (in file)` : `Track ${i + 1}`), language: t.language, url: t.url }))
        if (res.ok && body.decision) setDecision({ state: 'ready', mode: body.decision.mode, reason: body.decision.reason, subtitles, audioTracks: body.audioTracks ?? [] })
        else setDecision({ state: 'error', message: body.message ?? 'This file cannot be played.' })
      })
      .catch(() => live && setDecision({ state: 'error', message: 'The media node did not answer.' }))
    return () => {
      live = false
    }
  }, [infoHash, fileIndex])
  return decision
}
