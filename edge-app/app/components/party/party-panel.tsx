import { useState } from 'react'
import { MAX_CHAT_CHARS, REACTIONS, type PlaybackState } from '@bittorrented/party/client'
import { ProfileAvatar } from '../profile-avatar.tsx'
import { formatTime } from '../player/use-resume.ts'
import type { PartyActions, PartyView } from './use-watch-party.ts'

function phaseText(p: PlaybackState | null, members: PartyView['members']): string {
  if (!p) return 'Joining…'
  const by = p.by ? ` by ${p.by}` : ''
  if (p.phase === 'waiting') {
    const waitingFor = members.filter((m) => m.connected && m.buffering).map((m) => m.name)
    return `Waiting for ${waitingFor.length ? waitingFor.join(', ') : 'everyone'} to catch up…`
  }
  if (p.phase === 'paused') return p.reason === 'start' ? 'Paused. Press play when everyone is here.' : `Paused${by} at ${formatTime(p.positionS)}.`
  if (p.reason === 'timeout') return 'Playing on without the slowest member.'
  return `Playing${p.reason === 'seek' ? `, moved${by}` : by}.`
}

const CONNECTION_TEXT = { connecting: 'Connecting…', open: 'Live', closed: 'Reconnecting…' } as const

/**
 * The party beside the player: what is happening, the playback controls (the host's, or
 * everyone's), the invite link, who is here and how they are doing, chat and reactions. Chat
 * text is rendered as text (React escapes it), never as HTML.
 */
export function PartyPanel({ view, actions, inviteUrl }: { view: PartyView; actions: PartyActions; inviteUrl: string }) {
  const [draft, setDraft] = useState('')
  const [copied, setCopied] = useState(false)
  const p = view.playback
  const playing = p?.phase === 'playing' || p?.phase === 'waiting'
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(inviteUrl)
      setCopied(true)
    } catch {
      ;(document.getElementById('party-invite') as HTMLInputElement | null)?.select()
    }
  }
  return (
    <aside className="party-panel card" aria-labelledby="party-heading">
      <h2 id="party-heading">
        Watch party <span className={`badge party-connection-${view.connection}`}>{CONNECTION_TEXT[view.connection]}</span>
      </h2>
      <p role="status" className="party-phase">
        {phaseText(p, view.members)}
      </p>
      {view.needsClick && (
        <button type="button" className="button primary" onClick={actions.joinPlayback}>
          Join playback
        </button>
      )}
      <div className="row">
        <button type="button" className="button primary" disabled={!view.canControl || !p} onClick={playing ? actions.pause : actions.play}>
          {playing ? 'Pause for everyone' : 'Play for everyone'}
        </button>
        {view.isHost && (
          <label className="checkbox">
            <input type="checkbox" checked={p?.controls === 'everyone'} onChange={(e) => actions.setControls(e.target.checked ? 'everyone' : 'host')} />
            Everyone can control
          </label>
        )}
      </div>
      {!view.canControl && p && <p className="tile-meta">The host controls playback.</p>}
      {view.error && (
        <p role="alert" className="form-error">
          {view.error}
        </p>
      )}

      <label htmlFor="party-invite">Invite link</label>
      <div className="row">
        <input id="party-invite" readOnly value={inviteUrl} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy link'}
        </button>
      </div>

      <h3 id="party-members">Here ({view.members.filter((m) => m.connected).length})</h3>
      <ul className="party-members" aria-labelledby="party-members">
        {view.members.map((m) => (
          <li key={m.id} className={m.connected ? '' : 'party-away'}>
            <ProfileAvatar name={m.name} avatar={m.avatar} size="small" />
            <span>
              {m.name}
              {m.id === view.you && ' (you)'}
              {m.host && ' · host'}
            </span>
            <span className="tile-meta">{!m.connected ? 'away' : m.buffering ? 'loading…' : 'ready'}</span>
          </li>
        ))}
      </ul>

      <div className="party-reactions" aria-live="polite">
        {view.reactions.map((r) => (
          <span key={r.key} className="party-reaction" title={r.name}>
            {r.emoji} <span className="visually-hidden">from {r.name}</span>
          </span>
        ))}
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: a row of buttons, not a form's set of fields */}
      <div className="row" role="group" aria-label="Reactions">
        {REACTIONS.map((e) => (
          <button key={e} type="button" className="button reaction-button" onClick={() => actions.react(e)} aria-label={`React ${e}`}>
            {e}
          </button>
        ))}
      </div>

      <h3 id="party-chat">Chat</h3>
      <ol className="party-chat" role="log" aria-labelledby="party-chat">
        {view.chat.map((c) => (
          <li key={c.id}>
            <strong>{c.name}</strong> <span className="chat-text">{c.text}</span>
          </li>
        ))}
      </ol>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault()
          if (!draft.trim()) return
          actions.say(draft)
          setDraft('')
        }}
      >
        <label className="visually-hidden" htmlFor="party-say">
          Message
        </label>
        <input id="party-say" value={draft} maxLength={MAX_CHAT_CHARS} onChange={(e) => setDraft(e.target.value)} placeholder="Say something" autoComplete="off" />
        <button type="submit" className="button">
          Send
        </button>
      </form>
    </aside>
  )
}
