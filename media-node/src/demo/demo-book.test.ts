import { describe, expect, test } from 'vitest'
import { PDFDocument } from 'pdf-lib'
import { makeDemoPdf } from './demo-book.ts'

describe('the demo PDF', () => {
  test('is a six-page PDF with the same bytes every time (so the same info hash on every machine)', async () => {
    const [a, b] = [await makeDemoPdf(), await makeDemoPdf()]
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    expect(Buffer.from(a.subarray(0, 5)).toString('latin1')).toBe('%PDF-')
    const doc = await PDFDocument.load(a)
    expect(doc.getPageCount()).toBe(6)
    expect(doc.getTitle()).toBe('The Family Handbook of Swarms')
  })
})
