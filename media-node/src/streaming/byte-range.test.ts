import { describe, expect, test } from 'vitest'
import { parseByteRange } from './byte-range.ts'

describe('byte ranges', () => {
  const size = 1000
  test('no header or an unparseable one means the whole file', () => {
    expect(parseByteRange(undefined, size)).toEqual({ kind: 'whole' })
    expect(parseByteRange('items=0-5', size)).toEqual({ kind: 'whole' })
    expect(parseByteRange('bytes=-', size)).toEqual({ kind: 'whole' })
    expect(parseByteRange('bytes=9-3', size)).toEqual({ kind: 'whole' })
  })
  test('start, middle, open-ended and last byte', () => {
    expect(parseByteRange('bytes=0-0', size)).toEqual({ kind: 'partial', start: 0, end: 0 })
    expect(parseByteRange('bytes=100-199', size)).toEqual({ kind: 'partial', start: 100, end: 199 })
    expect(parseByteRange('bytes=500-', size)).toEqual({ kind: 'partial', start: 500, end: 999 })
    expect(parseByteRange('bytes=999-999', size)).toEqual({ kind: 'partial', start: 999, end: 999 })
  })
  test('an end past the file is cut to the last byte; a suffix range takes the tail', () => {
    expect(parseByteRange('bytes=900-5000', size)).toEqual({ kind: 'partial', start: 900, end: 999 })
    expect(parseByteRange('bytes=-100', size)).toEqual({ kind: 'partial', start: 900, end: 999 })
    expect(parseByteRange('bytes=-5000', size)).toEqual({ kind: 'partial', start: 0, end: 999 })
  })
  test('a start at or past the end is unsatisfiable (416)', () => {
    expect(parseByteRange('bytes=1000-', size)).toEqual({ kind: 'unsatisfiable' })
    expect(parseByteRange('bytes=-0', size)).toEqual({ kind: 'unsatisfiable' })
    expect(parseByteRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' })
  })
  test('several ranges: the first one is served', () => {
    expect(parseByteRange('bytes=0-9, 20-29', size)).toEqual({ kind: 'partial', start: 0, end: 9 })
  })
})
