/**
 * Title parsing accuracy on real release names (../shared/fixtures/catalog/
 * parse-torrent-title-platelminto, written by others), per field. The catalog issue aims at
 * ≥ 90 % for title, year, season, episode and resolution; the floors below are what we reach,
 * so a change that makes parsing worse fails here.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { repoRoot } from '@bittorrented/db'
import { parseReleaseName, type ReleaseInfo } from '../../src/catalog/release-name.ts'

const rows = readFileSync(join(repoRoot, '..', 'shared', 'fixtures', 'catalog', 'parse-torrent-title-platelminto', 'ptn-names.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { name: string; expected_raw: Record<string, unknown> })

const FIELDS = ['title', 'year', 'season', 'episode', 'resolution'] as const
const FLOORS: Record<(typeof FIELDS)[number], number> = { title: 0.93, year: 0.99, season: 0.95, episode: 0.96, resolution: 0.98 }
const norm = (v: unknown) =>
  String(v ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()

function same(field: (typeof FIELDS)[number], got: ReleaseInfo, want: unknown): boolean {
  const g = got[field]
  if (want === undefined) return g === null
  if (field === 'title' || field === 'resolution') return norm(g) === norm(want)
  return Number(g) === Number(want)
}

test(`per-field accuracy over ${rows.length} real release names`, () => {
  const right = Object.fromEntries(FIELDS.map((f) => [f, 0])) as Record<(typeof FIELDS)[number], number>
  for (const row of rows) {
    const got = parseReleaseName(row.name)
    for (const f of FIELDS) if (same(f, got, row.expected_raw[f])) right[f]++
  }
  const accuracy = Object.fromEntries(FIELDS.map((f) => [f, right[f] / rows.length]))
  console.log('release-name accuracy', Object.fromEntries(Object.entries(accuracy).map(([f, a]) => [f, `${(a * 100).toFixed(1)} %`])))
  for (const f of FIELDS) expect(accuracy[f], f).toBeGreaterThanOrEqual(FLOORS[f])
})
