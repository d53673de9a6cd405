/** Where a page of results starts: the sort value and info hash of the last row shown, opaque to the browser. */
import { fromBase64Url, isInfoHash, toBase64Url } from '@bittorrented/common'

export interface Cursor {
  v: number | string
  h: string
  /** How many candidates the first page took: later pages take as many (same set), without asking for an estimate. */
  k?: number
}

export const encodeCursor = (c: Cursor) => toBase64Url(new TextEncoder().encode(JSON.stringify(c)))
export function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null
  try {
    const c = JSON.parse(new TextDecoder().decode(fromBase64Url(s))) as Cursor
    const fine = (typeof c.v === 'number' || typeof c.v === 'string') && typeof c.h === 'string' && isInfoHash(c.h)
    return fine && (c.k === undefined || (Number.isInteger(c.k) && c.k >= 1)) ? c : null
  } catch {
    return null
  }
}
