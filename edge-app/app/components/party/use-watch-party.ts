import { useEffect, useRef, useState } from 'react'
import { PartyClient, type ChatEntry, type ConnectionState, type MemberView, type PartyPlayer, type PlaybackState, type Reaction } from '@bittorrented/party/client'

export interface PartyView {
  connection: ConnectionState
  you: string | null
  playback: PlaybackState | null
  members: MemberView[]
  chat: ChatEntry[]
  canControl: boolean
  isHost: boolean
  error: string | null
  /** The browser refused to start playback without a click (autoplay policy). */
  needsClick: boolean
  reactions: Array<{ key: number; name: string; emoji: string }>
}

export interface PartyActions {
  play(): void
  pause(): void
  say(text: string): void
  react(emoji: Reaction): void
  setControls(mode: 'host' | 'everyone'): void
  /** Starts playback from a click, so that the browser allows sound. */
  joinPlayback(): void
}

/** HAVE_FUTURE_DATA: below it the element cannot play on. */
const HAVE_FUTURE_DATA = 3
const REACTION_SHOWN_MS = 4000

/**
 * Joins the party at `connectUrl` (signed by the server for this profile) and keeps `media` with
 * it. The person's own play, pause and seek — with the native controls or the keys — become the
 * party's commands; the room's state decides what the element does.
 */
export function useWatchParty(media: React.RefObject<HTMLMediaElement | null>, connectUrl: string): [PartyView, PartyActions] {
  const [view, setView] = useState<PartyView>({
    connection: 'connecting',
    you: null,
    playback: null,
    members: [],
    chat: [],
    canControl: false,
    isHost: false,
    error: null,
    needsClick: false,
    reactions: [],
  })
  const client = useRef<PartyClient | null>(null)
  const reactionKey = useRef(0)

  useEffect(() => {
    const el = media.current
    if (!el) return
    let needsClick = false
    const player: PartyPlayer = {
      position: () => el.currentTime,
      paused: () => el.paused,
      buffering: () => !el.ended && el.readyState < HAVE_FUTURE_DATA,
      ended: () => el.ended,
      play: () => {
        el.play().then(
          () => {
            if (needsClick) {
              needsClick = false
              publish()
            }
          },
          (err: unknown) => {
            if (err instanceof DOMException && err.name === 'NotAllowedError') {
              needsClick = true
              publish()
            }
          },
        )
      },
      pause: () => el.pause(),
      seek: (s) => {
        el.currentTime = s
      },
      setRate: (r) => {
        el.playbackRate = r
      },
    }
    const publish = () => {
      const c = client.current
      if (!c) return
      setView((v) => ({
        ...v,
        connection: c.connection,
        you: c.you,
        playback: c.playback,
        members: c.members,
        chat: c.chat,
        canControl: c.canControl,
        isHost: c.isHost,
        error: c.lastError?.message ?? null,
        needsClick,
      }))
    }
    const c = new PartyClient({
      url: connectUrl,
      player,
      onChange: publish,
      onMessage: (m) => {
        if (m.type !== 'reaction') return
        const key = ++reactionKey.current
        setView((v) => ({ ...v, reactions: [...v.reactions, { key, name: m.name, emoji: m.emoji }].slice(-8) }))
        setTimeout(() => setView((v) => ({ ...v, reactions: v.reactions.filter((r) => r.key !== key) })), REACTION_SHOWN_MS)
      },
    })
    client.current = c
    const onPlay = () => c.onPlayerEvent('play')
    const onPause = () => c.onPlayerEvent('pause')
    const onSeeked = () => c.onPlayerEvent('seeked')
    el.addEventListener('play', onPlay)
    el.addEventListener('pause', onPause)
    el.addEventListener('seeked', onSeeked)
    return () => {
      el.removeEventListener('play', onPlay)
      el.removeEventListener('pause', onPause)
      el.removeEventListener('seeked', onSeeked)
      c.close()
      client.current = null
    }
  }, [media, connectUrl])

  const actions: PartyActions = {
    play: () => client.current?.play(),
    pause: () => client.current?.pause(),
    say: (text) => client.current?.say(text),
    react: (emoji) => client.current?.react(emoji),
    setControls: (mode) => client.current?.setControls(mode),
    joinPlayback: () => {
      const el = media.current
      if (el)
        void el
          .play()
          .then(() => setView((v) => ({ ...v, needsClick: false })))
          .catch(() => {})
    },
  }
  return [view, actions]
}
