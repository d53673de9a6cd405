import { Link } from '@remix-run/react'
import type { LiveChannel, LiveProgramme } from '../../lib/live-tv-types.ts'

const SLOT_MS = 30 * 60_000

const clock = (iso: string | number) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })

/**
 * The guide: channels down, time across (a few hours around now), the now line, each programme
 * a link — to the channel live while it is on, to its catch-up when it is past and the channel
 * keeps one, plain text otherwise. Rows and programmes are reached with Tab or the arrow keys.
 */
export function GuideGrid({ channels, programmes, from, to, now }: { channels: LiveChannel[]; programmes: LiveProgramme[]; from: number; to: number; now: number }) {
  const span = to - from
  const pct = (t: number) => `${(((Math.min(Math.max(t, from), to) - from) / span) * 100).toFixed(3)}%`
  const slots: number[] = []
  for (let t = from; t < to; t += SLOT_MS) slots.push(t)
  const byChannel = new Map<number, LiveProgramme[]>()
  for (const p of programmes) byChannel.set(p.channelId, [...(byChannel.get(p.channelId) ?? []), p])
  return (
    <section aria-labelledby="guide-heading" className="guide">
      <h2 id="guide-heading">Guide</h2>
      <div className="guide-inner">
        <div className="guide-times" aria-hidden="true">
          {slots.map((t) => (
            <span key={t} style={{ left: pct(t) }}>
              {clock(t)}
            </span>
          ))}
        </div>
        <ul className="guide-rows">
          {channels.map((c) => (
            <li key={c.id} className="guide-row">
              <span className="guide-channel">{c.name}</span>
              <ol className="guide-line" aria-label={`${c.name} guide`} style={{ '--slots': slots.length } as React.CSSProperties}>
                {(byChannel.get(c.id) ?? []).map((p) => {
                  const start = Date.parse(p.start)
                  const end = Date.parse(p.end)
                  const onNow = start <= now && end > now
                  const past = end <= now
                  const canCatchUp = past && c.catchupDays !== null && now - start < c.catchupDays * 86_400_000
                  const label = `${clock(p.start)}–${clock(p.end)} ${p.title}${onNow ? ' (on now)' : ''}`
                  const style = { left: pct(start), width: `calc(${pct(end)} - ${pct(start)})` }
                  const href = onNow ? `?channel=${c.id}` : canCatchUp ? `?channel=${c.id}&start=${Math.floor(start / 1000)}&duration=${Math.round((end - start) / 1000)}` : null
                  return (
                    <li key={p.start} className={`guide-programme${onNow ? ' on-now' : ''}${past ? ' past' : ''}`} style={style}>
                      {href ? (
                        <Link to={href} aria-label={canCatchUp ? `${label} — watch from the start` : label} title={p.description ?? undefined}>
                          {p.title}
                        </Link>
                      ) : (
                        <span title={p.description ?? undefined}>
                          <span className="visually-hidden">{`${clock(p.start)}–${clock(p.end)} `}</span>
                          {p.title}
                        </span>
                      )}
                    </li>
                  )
                })}
              </ol>
            </li>
          ))}
        </ul>
        <div className="guide-now-line" style={{ '--at': (now - from) / span } as React.CSSProperties} aria-hidden="true" />
      </div>
    </section>
  )
}
