import { describe, expect, test } from 'vitest'
import { fitsCeiling, ratingRank } from './programme-rating.ts'

describe('programme ratings against a profile ceiling', () => {
  test('US TV, MPAA and numeric ages on one scale', () => {
    expect(['TV-Y', 'TV-G', 'G', 'tv-y7'].map(ratingRank)).toEqual([0, 0, 0, 0])
    expect(['TV-PG', 'PG'].map(ratingRank)).toEqual([1, 1])
    expect(['TV-14', 'PG-13', '12', 'FSK 12'].map(ratingRank)).toEqual([2, 2, 2, 2])
    expect(['TV-MA', 'R', '16', '16+'].map(ratingRank)).toEqual([3, 3, 3, 3])
    expect(['18', 'NC-17'].map(ratingRank)).toEqual([4, 4])
    expect(['', null, 'Unrated', 'E10+'].map(ratingRank)).toEqual([null, null, null, null])
  })

  test('a PG kids profile: up to TV-PG fits, TV-14 and TV-MA do not, an unknown rating does; no ceiling, everything', () => {
    expect(['TV-Y', 'TV-PG', '6', null, 'Unrated'].every((r) => fitsCeiling(r, 'PG'))).toBe(true)
    expect(['TV-14', 'TV-MA', '16', '18'].some((r) => fitsCeiling(r, 'PG'))).toBe(false)
    expect(fitsCeiling('TV-PG', 'G')).toBe(false)
    expect(fitsCeiling('TV-MA', null)).toBe(true)
  })
})
