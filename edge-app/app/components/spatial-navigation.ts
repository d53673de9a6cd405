import { useEffect } from 'react'

/**
 * Arrow keys move the focus to the nearest control in that direction, as a TV remote's D-pad
 * expects (a remote has no Tab key). The geometry is the one the WICG spatial-navigation draft
 * uses: among the focusable elements lying in the pressed direction, the one with the smallest
 * distance along it plus twice the offset across it. Written here because the polyfill of that
 * draft has not been maintained since 2020, and the React libraries for it want every control
 * registered through their own components.
 *
 * It stays out of the way of what owns the arrows already: text fields, selects and sliders
 * (the caret, the value — a one-line field keeps only ← and →), a handler that called preventDefault (the profile picker), the
 * players (they act when no control has focus: ←/→ seek, ↑/↓ volume), and a page element that
 * declares `data-own-keys="ArrowLeft ArrowRight"` (the readers turn pages with those).
 */
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])'
const OWN_ARROWS = /^(text|search|email|password|number|range|url|tel|date|time)$/
/** One-line text fields need ← and → for the caret, not ↑ and ↓: those move on (a remote must be able to leave a search box). */
const ONE_LINE = /^(text|search|email|password|url|tel)$/
export type Direction = 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight'
type Rect = Pick<DOMRect, 'left' | 'right' | 'top' | 'bottom' | 'width' | 'height'>

function ownsArrows(el: Element, dir: Direction): boolean {
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true
  if (el instanceof HTMLInputElement) {
    if (ONE_LINE.test(el.type) && (dir === 'ArrowUp' || dir === 'ArrowDown')) return false
    return OWN_ARROWS.test(el.type) || el.type === 'radio'
  }
  return el instanceof HTMLMediaElement
}

function visible(el: HTMLElement): DOMRect | null {
  const r = el.getBoundingClientRect()
  if (r.width === 0 || r.height === 0) return null
  const style = getComputedStyle(el)
  return style.visibility === 'hidden' || style.display === 'none' ? null : r
}

/** The nearest of `candidates` from the rectangle `from` in direction `dir`, or null when none lies that way. */
export function nearestInDirection<T>(from: Rect, dir: Direction, candidates: Array<{ el: T; r: Rect }>): T | null {
  const cx = from.left + from.width / 2
  const cy = from.top + from.height / 2
  let best: { el: T; score: number } | null = null
  for (const { el, r } of candidates) {
    const x = r.left + r.width / 2
    const y = r.top + r.height / 2
    // How far along the direction (must be ahead), and how far off to the side.
    const along = dir === 'ArrowRight' ? r.left - from.right : dir === 'ArrowLeft' ? from.left - r.right : dir === 'ArrowDown' ? r.top - from.bottom : from.top - r.bottom
    const ahead = dir === 'ArrowRight' ? x > cx + 1 : dir === 'ArrowLeft' ? x < cx - 1 : dir === 'ArrowDown' ? y > cy + 1 : y < cy - 1
    if (!ahead || along < -Math.min(from.width, from.height) / 2) continue
    const across =
      dir === 'ArrowLeft' || dir === 'ArrowRight' ? Math.max(0, Math.max(r.top, from.top) - Math.min(r.bottom, from.bottom)) : Math.max(0, Math.max(r.left, from.left) - Math.min(r.right, from.right))
    const score = Math.max(0, along) + 2 * across
    if (!best || score < best.score) best = { el, score }
  }
  return best?.el ?? null
}

export function useSpatialNavigation(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'].includes(e.key) || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return
      const dir = e.key as Direction
      if (document.querySelector(`[data-own-keys~="${dir}"]`)) return
      const active = document.activeElement as HTMLElement | null
      const onControl = active && active !== document.body && active.matches(FOCUSABLE)
      // Nothing focused: on a page with a player, the arrows are the player's; elsewhere they start at the first control of the page.
      if (!onControl) {
        if (document.querySelector('main video, main audio')) return
        const first = document.querySelector<HTMLElement>(`main ${FOCUSABLE.split(', ').join(', main ')}`)
        if (first) {
          e.preventDefault()
          first.focus()
        }
        return
      }
      if (ownsArrows(active, dir)) return
      // A control may name where ↓ leads (the search box: its results, past the filters).
      const jump = dir === 'ArrowDown' ? active.dataset.arrowDown : undefined
      const target = jump ? document.querySelector(jump)?.querySelector<HTMLElement>(FOCUSABLE) : null
      if (target) {
        e.preventDefault()
        target.focus()
        target.scrollIntoView({ block: 'nearest', inline: 'nearest' })
        return
      }
      const from = active.getBoundingClientRect()
      const candidates = [...document.querySelectorAll<HTMLElement>(FOCUSABLE)].flatMap((el) => {
        if (el === active || el.closest('[inert], [aria-hidden="true"]')) return []
        const r = visible(el)
        return r ? [{ el, r }] : []
      })
      const next = nearestInDirection(from, dir, candidates)
      if (!next) return
      e.preventDefault()
      next.focus()
      next.scrollIntoView({ block: 'nearest', inline: 'nearest' })
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
