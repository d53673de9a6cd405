/** What Live TV's pages show (read in live-tv.server.ts). */
import type { ChannelPlayability } from '@bittorrented/common'

export interface LiveChannel {
  id: number
  providerId: string
  name: string
  number: number | null
  group: string | null
  logo: string | null
  playable: ChannelPlayability
  catchupDays: number | null
  favorite: boolean
  now: { title: string; start: string; end: string; rating?: string | null } | null
  next: { title: string; start: string; rating?: string | null } | null
}

export interface LiveProgramme {
  channelId: number
  title: string
  subtitle: string | null
  description: string | null
  rating: string | null
  start: string
  end: string
}

export interface LiveProvider {
  id: string
  name: string
  kind: 'm3u' | 'xtream'
  /** Where it comes from, shown without path or query (those can carry credentials). */
  host: string | null
  refreshMinutes: number
  lastRefreshAt: string | null
  state: 'never' | 'running' | 'ok' | 'failed'
  message: string | null
}
