import { describe, expect, test } from 'vitest'
import { normalizeRating } from './content-rating.ts'

describe('normalizeRating', () => {
  test('MPAA ratings stay as they are, in any case and spacing', () => {
    expect(['G', 'pg', 'PG-13', 'pg13', ' R ', 'NC-17', 'nc 17'].map(normalizeRating)).toEqual(['G', 'PG', 'PG-13', 'PG-13', 'R', 'NC-17', 'NC-17'])
  })
  test('TV Parental Guidelines, BBFC, ages and music flags land on the same scale', () => {
    expect(['TV-Y', 'TV-Y7', 'TV-G', 'TV-PG', 'TV-14', 'TV-MA'].map(normalizeRating)).toEqual(['G', 'PG', 'G', 'PG', 'PG-13', 'R'])
    expect(['U', '12A', '15', '18'].map(normalizeRating)).toEqual(['G', 'PG-13', 'R', 'NC-17'])
    expect(['FSK 0', 'FSK 6', 'FSK12', 'PEGI 16', '18+', '7'].map(normalizeRating)).toEqual(['G', 'G', 'PG-13', 'R', 'NC-17', 'PG'])
    expect(['clean', 'Explicit'].map(normalizeRating)).toEqual(['G', 'R'])
  })
  test('what cannot be placed is unrated, never a guess', () => {
    expect(['', 'NR', 'Unrated', 'Not Rated', 'TV-99', 'PG-14', '123', 'G'.repeat(40), null, undefined].map(normalizeRating)).toEqual(Array(10).fill(null))
  })
})
