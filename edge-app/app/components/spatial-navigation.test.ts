import { describe, expect, test } from 'vitest'
import { nearestInDirection } from './spatial-navigation.ts'

const rect = (left: number, top: number, width = 100, height = 50) => ({ left, top, width, height, right: left + width, bottom: top + height })
// Two rows of three tiles, a nav link far up on the right, a button under the first row's end.
const tiles = {
  a1: rect(0, 100),
  a2: rect(120, 100),
  a3: rect(240, 100),
  b1: rect(0, 200),
  b2: rect(120, 200),
  b3: rect(240, 200),
  nav: rect(600, 0, 60, 20),
}
const all = Object.entries(tiles).map(([el, r]) => ({ el, r }))
const from = (name: keyof typeof tiles) => all.filter((c) => c.el !== name)

describe('spatial navigation', () => {
  test('right and left move along the row; down and up move to the tile below or above', () => {
    expect(nearestInDirection(tiles.a1, 'ArrowRight', from('a1'))).toBe('a2')
    expect(nearestInDirection(tiles.a2, 'ArrowLeft', from('a2'))).toBe('a1')
    expect(nearestInDirection(tiles.a2, 'ArrowDown', from('a2'))).toBe('b2')
    expect(nearestInDirection(tiles.b3, 'ArrowUp', from('b3'))).toBe('a3')
  })
  test('nothing that way: null, so the key does nothing rather than jump somewhere odd', () => {
    expect(nearestInDirection(tiles.a1, 'ArrowLeft', from('a1'))).toBeNull()
    expect(nearestInDirection(tiles.b1, 'ArrowDown', from('b1'))).toBeNull()
  })
  test('a row end going right prefers what is level with it over what is far off to the side', () => {
    expect(nearestInDirection(tiles.a3, 'ArrowRight', from('a3'))).toBe('nav')
    expect(nearestInDirection(tiles.a1, 'ArrowUp', from('a1'))).toBe('nav')
    const withNear = [...from('a3'), { el: 'near', r: rect(400, 110) }]
    expect(nearestInDirection(tiles.a3, 'ArrowRight', withNear)).toBe('near')
  })
})
