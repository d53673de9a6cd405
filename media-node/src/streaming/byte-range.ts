/**
 * HTTP Range for one file (RFC 9110 §14): a single `bytes=` range. Several ranges are answered
 * with the whole first one, as browsers and players only ever ask for one.
 */
export type ByteRange = { kind: 'whole' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' }

const RANGE = /^bytes=(\d*)-(\d*)$/

export function parseByteRange(header: string | undefined | null, size: number): ByteRange {
  if (!header) return { kind: 'whole' }
  const first = header.split(',')[0]!.trim()
  const m = RANGE.exec(first)
  // A Range we cannot parse is ignored (RFC 9110: the server may ignore it) → whole file.
  if (!m) return { kind: 'whole' }
  const [, from, to] = m
  if (from === '' && to === '') return { kind: 'whole' }
  if (size === 0) return { kind: 'unsatisfiable' }
  if (from === '') {
    // Suffix range: the last N bytes.
    const n = Number(to)
    if (n === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(from)
  if (start >= size) return { kind: 'unsatisfiable' }
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1)
  if (end < start) return { kind: 'whole' }
  return { kind: 'partial', start, end }
}
