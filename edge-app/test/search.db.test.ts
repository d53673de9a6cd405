/**
 * Catalog search through the edge app's own code, as a person with a selected profile, on a
 * fresh database — once on PGlite and once on PostgreSQL (a db:* project).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { seed, seedFile, withClient } from '@bittorrented/db'
import { connect, createMigratedDatabase, testTarget, type TestDatabase } from '@bittorrented/db/test-helpers'
import { RequestDb } from '../app/lib/db.server.ts'
import { searchStatements } from './helpers/search-statements.ts'
import { estimateQuery, searchCatalog, searchParamsFrom, SearchParamsSchema, searchedViewFor, SEARCHED_VIEWS, type MatchMode } from '../app/lib/search/index.ts'
import { listHomeShelves, listRecentTorrents, listVersions, findTorrent } from '../app/lib/catalog.server.ts'

let db: TestDatabase
let requestDb: RequestDb
/** The profile context as the app's middleware gives it: ids and the profile's ceiling. */
type Ctx = { userId: string; profileId: string; profile: { maxRating: string | null } }
/** Sam: a grown-up of the seed, no rating ceiling. */
let ctx: Ctx
/** Mia: a kids profile of the seed, rated up to PG. */
let kid: Ctx

interface Row {
  name: string
  type: string
  title: string
  year: number | null
  resolution: string | null
  mb: number
  seeders: number | null
  adult: boolean
  rating: string | null
}
const rows: Row[] = [
  { name: 'Hercules.2014.1080p.BluRay.x264-RARBG', type: 'movie', title: 'Hercules', year: 2014, resolution: '1080p', mb: 2000, seeders: 50, adult: false, rating: 'PG-13' },
  { name: 'Hercules.2014.720p.WEB-DL.x264', type: 'movie', title: 'Hercules', year: 2014, resolution: '720p', mb: 900, seeders: 80, adult: false, rating: 'PG-13' },
  { name: 'Hercules.1997.Animated.720p.BluRay', type: 'movie', title: 'Hercules', year: 1997, resolution: '720p', mb: 800, seeders: 20, adult: false, rating: 'G' },
  { name: 'The.Walking.Dead.S05E03.720p.HDTV.x264-ASAP', type: 'tv_episode', title: 'The Walking Dead', year: null, resolution: '720p', mb: 400, seeders: 300, adult: false, rating: 'R' },
  { name: 'Guardians.of.the.Galaxy.2014.1080p.WEB-DL', type: 'movie', title: 'Guardians of the Galaxy', year: 2014, resolution: '1080p', mb: 3000, seeders: 120, adult: false, rating: 'PG-13' },
  { name: 'Test Tones - Sine Waves (2026) [MP3 128]', type: 'music_album', title: 'Test Tones - Sine Waves', year: 2026, resolution: null, mb: 15, seeders: 1, adult: false, rating: 'G' },
  { name: 'Hercules XXX Parody 2014', type: 'adult', title: 'Hercules XXX Parody', year: 2014, resolution: '1080p', mb: 1000, seeders: 999, adult: true, rating: null },
]

beforeAll(async () => {
  db = await createMigratedDatabase()
  const c = await connect(db.url)
  c.on('error', () => {})
  await seed(c, seedFile)
  for (const [i, r] of rows.entries()) {
    await c.query(
      `insert into catalog.torrents (info_hash, name, size_bytes, file_count, source, content_type, title, year, resolution, seeders, is_adult, discovered_at, language, content_rating)
       values ($1, $2, $3, 1, 'demo', $4, $5, $6, $7, $8, $9, now() - make_interval(mins => $10), $11, $12)`,
      [(i + 1).toString(16).repeat(40), r.name, r.mb * 1024 * 1024, r.type, r.title, r.year, r.resolution, r.seeders, r.adult, i, r.name.includes('1997') ? 'French' : null, r.rating],
    )
  }
  const { rows: p } = await c.query<{ id: string; owner_id: string; name: string; max_rating: string | null }>(
    `select p.id, a.owner_id, p.name, p.max_rating from public.profiles p join public.accounts a on a.id = p.account_id where p.name in ('Sam', 'Mia') order by p.name desc`,
  )
  ctx = { userId: p[0]!.owner_id, profileId: p[0]!.id, profile: { maxRating: p[0]!.max_rating } }
  kid = { userId: p[1]!.owner_id, profileId: p[1]!.id, profile: { maxRating: p[1]!.max_rating } }
  await c.query('analyze catalog.torrents')
  await c.end()
  requestDb = new RequestDb(db.url)
})
afterAll(async () => {
  await requestDb?.close()
  await db?.drop()
})

const search = (query: Record<string, unknown>) => searchCatalog(requestDb, ctx, SearchParamsSchema.parse(query))
const names = (r: { hits: Array<{ name: string }> }) => r.hits.map((h) => h.name)

describe(`catalog search on ${testTarget()}`, () => {
  test('words find titles, ranked; adult titles stay hidden for a profile that does not allow them', async () => {
    const r = await search({ q: 'hercules' })
    expect(names(r).sort()).toEqual(['Hercules.1997.Animated.720p.BluRay', 'Hercules.2014.1080p.BluRay.x264-RARBG', 'Hercules.2014.720p.WEB-DL.x264'])
    expect(r.matchedBy).toBe('words')
    expect(r.total).toEqual({ count: 3, estimate: false })
  })

  test('quoted phrases, excluded words and the prefix being typed', async () => {
    expect(names(await search({ q: '"walking dead"' }))).toEqual(['The.Walking.Dead.S05E03.720p.HDTV.x264-ASAP'])
    expect(names(await search({ q: 'hercules -1997' })).sort()).toEqual(['Hercules.2014.1080p.BluRay.x264-RARBG', 'Hercules.2014.720p.WEB-DL.x264'])
    expect(names(await search({ q: 'guard' }))).toEqual(['Guardians.of.the.Galaxy.2014.1080p.WEB-DL'])
  })

  test('a word that matches as typed is not widened to a prefix; one that matches nothing yet is', async () => {
    const hash = 'c'.repeat(40)
    await withClient(db.url, (c) =>
      c.query(
        `insert into catalog.torrents (info_hash, name, title, content_type, size_bytes, file_count, source, content_rating) values ($1, 'Galaxyland.2020.1080p.WEB', 'Galaxyland', 'movie', 1, 1, 'test', 'PG')`,
        [hash],
      ),
    )
    try {
      expect(names(await search({ q: 'galaxy' }))).toEqual(['Guardians.of.the.Galaxy.2014.1080p.WEB-DL'])
      expect(names(await search({ q: 'galax' })).sort()).toEqual(['Galaxyland.2020.1080p.WEB', 'Guardians.of.the.Galaxy.2014.1080p.WEB-DL'])
    } finally {
      await withClient(db.url, (c) => c.query(`delete from catalog.torrents where info_hash = $1`, [hash]))
    }
  })

  test('a typo still finds the title (the catalog word most like it), marked as a fuzzy match', async () => {
    const r = await search({ q: 'hercles' })
    expect(r.matchedBy).toBe('fuzzy')
    expect(r.correctedTo).toBe('hercules')
    expect(names(r)).toContain('Hercules.2014.720p.WEB-DL.x264')
    expect((await search({ q: 'hercules' })).correctedTo).toBeNull()
    // Every word corrected on its own; an excluded word is not searched for.
    expect(names(await search({ q: 'gaurdians galxy' }))).toEqual(['Guardians.of.the.Galaxy.2014.1080p.WEB-DL'])
    expect(names(await search({ q: 'gaurdians -galxy' }))).toEqual(['Guardians.of.the.Galaxy.2014.1080p.WEB-DL'])
    // Nothing like any catalog word: nothing, not an error.
    expect((await search({ q: 'zzqxj' })).hits).toEqual([])
  })

  test('a typo is corrected for a kids profile only to words of titles it may see: no hint of hidden titles', async () => {
    const asSam = await search({ q: 'walkng' })
    expect(asSam.correctedTo).toBe('walking')
    expect(names(asSam)).toEqual(['The.Walking.Dead.S05E03.720p.HDTV.x264-ASAP'])
    // The only title with 'walking' is rated R: Mia (up to PG) is told nothing about it.
    const asMia = await searchCatalog(requestDb, kid, SearchParamsSchema.parse({ q: 'walkng' }))
    expect(asMia.correctedTo).toBeNull()
    expect(asMia.hits).toEqual([])
    // A word of a title she may see is still corrected for her.
    expect((await searchCatalog(requestDb, kid, SearchParamsSchema.parse({ q: 'hercles' }))).correctedTo).toBe('hercules')
  })

  test("the catalog's words follow what is added, and never include an adult title's words", async () => {
    const words = async () => (await withClient(db.url, (c) => c.query<{ word: string }>(`select word from catalog.search_words`))).rows.map((r) => r.word)
    expect(await words()).toContain('hercules')
    expect(await words()).not.toContain('parody')
    const hash = 'd'.repeat(40)
    await withClient(db.url, (c) =>
      c.query(
        `insert into catalog.torrents (info_hash, name, title, content_type, size_bytes, file_count, source, content_rating) values ($1, 'Quixotic.Voyage.2020.1080p', 'Quixotic Voyage', 'movie', 1, 1, 'test', 'PG')`,
        [hash],
      ),
    )
    try {
      expect(await words()).toEqual(expect.arrayContaining(['quixotic', 'voyage']))
      const r = await search({ q: 'quixotik' })
      expect(r.matchedBy).toBe('fuzzy')
      expect(names(r)).toEqual(['Quixotic.Voyage.2020.1080p'])
      // An update that leaves the words alone (seeders) records nothing new; a new name's words are recorded.
      await withClient(db.url, (c) => c.query(`update catalog.torrents set seeders = 7 where info_hash = $1`, [hash]))
      await withClient(db.url, (c) => c.query(`update catalog.torrents set name = 'Quixotic.Voyage.Returns.2020.1080p' where info_hash = $1`, [hash]))
      expect(await words()).toContain('returns')
      // Catalog data: people read it, only the catalog's own writers write it.
      await expect(
        withClient(db.url, async (c) => {
          await c.query('begin')
          await c.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [
            JSON.stringify({ sub: ctx.userId, role: 'authenticated', profile_id: ctx.profileId }),
          ])
          try {
            await c.query(`insert into catalog.search_words (word) values ('forged')`)
          } finally {
            await c.query('rollback')
          }
        }),
      ).rejects.toThrow(/permission denied/)
    } finally {
      await withClient(db.url, (c) => c.query(`delete from catalog.torrents where info_hash = $1`, [hash]))
    }
  })

  test('filters with counts: a facet counts as if its own filter were not set', async () => {
    const r = await search({ q: 'hercules', resolution: ['720p'] })
    expect(names(r).sort()).toEqual(['Hercules.1997.Animated.720p.BluRay', 'Hercules.2014.720p.WEB-DL.x264'])
    expect(r.facets.resolution).toEqual([
      { value: '720p', count: 2 },
      { value: '1080p', count: 1 },
    ])
    // Without a facet filter the count and the facets come from one grouped scan: the same numbers.
    const all = await search({ q: 'hercules' })
    expect(all.total).toEqual({ count: 3, estimate: false })
    expect(all.facets).toMatchObject({
      type: [{ value: 'movie', count: 3 }],
      resolution: [
        { value: '720p', count: 2 },
        { value: '1080p', count: 1 },
      ],
      language: [{ value: 'french', count: 1 }],
      estimate: false,
    })
    expect(names(await search({ q: 'hercules', yearFrom: 2000 })).length).toBe(2)
    expect(names(await search({ type: ['tv_episode'] }))).toEqual(['The.Walking.Dead.S05E03.720p.HDTV.x264-ASAP'])
    expect(names(await search({ sizeMinMb: 2500 }))).toEqual(['Guardians.of.the.Galaxy.2014.1080p.WEB-DL'])
    const french = await search({ q: 'hercules', language: ['french'] })
    expect(names(french)).toEqual(['Hercules.1997.Animated.720p.BluRay'])
    expect(french.facets.language).toEqual([{ value: 'french', count: 1 }])
  })

  test('a head term (more matches than are counted exactly): an estimated total, facets scaled from a sample, relevance among the best-seeded matches', async () => {
    // Counting exactly up to 2 matches here stands for the 1,000 of real searches.
    const r = await searchCatalog(requestDb, ctx, SearchParamsSchema.parse({ q: 'hercules' }), false, { exactUpTo: 2 })
    expect(r.total.estimate).toBe(true)
    expect(r.total.count).toBeGreaterThanOrEqual(3)
    expect(r.facets.estimate).toBe(true)
    expect(r.facets.type[0]).toMatchObject({ value: 'movie' })
    expect(r.facets.type[0]!.count).toBeGreaterThanOrEqual(3)
    // Ranked among the 2 best-seeded matches (80 and 50 seeders), not the one with 20.
    expect(names(r).sort()).toEqual(['Hercules.2014.1080p.BluRay.x264-RARBG', 'Hercules.2014.720p.WEB-DL.x264'])
    // Sorted by seeders the search pages through every match: pages within the candidates come
    // from them, the page past them from the seeders index; none repeated or skipped.
    expect(names(await searchCatalog(requestDb, ctx, SearchParamsSchema.parse({ q: 'hercules', sort: 'seeders' }), false, { exactUpTo: 2 }))).toHaveLength(3)
    const bySeeders: string[] = []
    let after: string | undefined
    do {
      const page = await searchCatalog(requestDb, ctx, SearchParamsSchema.parse({ q: 'hercules', sort: 'seeders', limit: 1, ...(after ? { after } : {}) }), false, { exactUpTo: 2 })
      bySeeders.push(...names(page))
      after = page.next ?? undefined
    } while (after)
    expect(bySeeders).toEqual(['Hercules.2014.720p.WEB-DL.x264', 'Hercules.2014.1080p.BluRay.x264-RARBG', 'Hercules.1997.Animated.720p.BluRay'])
    // Below the threshold nothing is estimated.
    expect((await search({ q: 'hercules' })).total).toEqual({ count: 3, estimate: false })
    // Past it, a set filter's own facet (the filter left out) still counts all its matches when
    // they fit in its sample: 2 of 720p and the 1080p one the filter hides.
    const filtered = await searchCatalog(requestDb, ctx, SearchParamsSchema.parse({ q: 'hercules', resolution: ['720p'] }), false, { exactUpTo: 1 })
    expect(filtered.total.estimate).toBe(true)
    expect(filtered.facets.resolution).toEqual([
      { value: '720p', count: 2 },
      { value: '1080p', count: 1 },
    ])
    expect(filtered.facets.type[0]).toMatchObject({ value: 'movie' })
  })

  test('a search the planner expects to be common takes only its best-seeded few as candidates; its later pages keep them', async () => {
    // headEstimate 1: every search counts as expected to be common; 1 candidate stands for 200.
    const head = { exactUpTo: 3, headCandidates: 1, headEstimate: 1 }
    const r = await searchCatalog(requestDb, ctx, SearchParamsSchema.parse({ q: 'hercules' }), false, head)
    expect(r.total.estimate).toBe(true)
    expect(r.total.count).toBeGreaterThanOrEqual(2)
    // Relevance among the candidates: the best-seeded one (80 seeders), and no page past it.
    expect(names(r)).toEqual(['Hercules.2014.720p.WEB-DL.x264'])
    expect(r.next).toBeNull()
    // Expected to be rare, the same search reads up to exactUpTo + 1 and counts them.
    const rare = await searchCatalog(requestDb, ctx, SearchParamsSchema.parse({ q: 'hercules' }), false, { ...head, headEstimate: 1e9 })
    expect(rare.total).toEqual({ count: 3, estimate: false })
    expect(names(rare)).toHaveLength(3)
    // Sorted by seeders it still pages through every match, each page from the cursor on.
    const bySeeders: string[] = []
    let after: string | undefined
    do {
      const page = await searchCatalog(requestDb, ctx, SearchParamsSchema.parse({ q: 'hercules', sort: 'seeders', limit: 1, ...(after ? { after } : {}) }), false, head)
      bySeeders.push(...names(page))
      after = page.next ?? undefined
    } while (after)
    expect(bySeeders).toEqual(['Hercules.2014.720p.WEB-DL.x264', 'Hercules.2014.1080p.BluRay.x264-RARBG', 'Hercules.1997.Animated.720p.BluRay'])
    // A cursor with a nonsensical candidate count is no cursor: the first page.
    for (const k of [0, -5, 1.5, 'all']) {
      const bad = Buffer.from(JSON.stringify({ v: 80, h: '2'.repeat(40), k })).toString('base64url')
      const page = await searchCatalog(requestDb, ctx, SearchParamsSchema.parse({ q: 'hercules', sort: 'seeders', limit: 1, after: bad }), false, head)
      expect(names(page), String(k)).toEqual(['Hercules.2014.720p.WEB-DL.x264'])
    }
  })

  test('sorting by seeders and keyset pages that never repeat or skip', async () => {
    const first = await search({ sort: 'seeders', limit: 2 })
    expect(names(first)).toEqual(['The.Walking.Dead.S05E03.720p.HDTV.x264-ASAP', 'Guardians.of.the.Galaxy.2014.1080p.WEB-DL'])
    const seen = [...names(first)]
    let next = first.next
    while (next) {
      const page = await search({ sort: 'seeders', limit: 2, after: next })
      seen.push(...names(page))
      next = page.next
    }
    expect(seen).toHaveLength(6)
    expect(new Set(seen).size).toBe(6)
  })

  test('anything unreadable in the query string is dropped, never an error', async () => {
    const p = searchParamsFrom(new URL('http://x/search?q=%22unbalanced&type=spaceship&yearFrom=soon&sort=best&after=%%%'))
    expect(p).toMatchObject({ q: '"unbalanced', type: [], sort: 'relevance' })
    const r = await searchCatalog(requestDb, ctx, p)
    expect(Array.isArray(r.hits)).toBe(true)
    const garbage = await search({ q: '&|!():*<->' })
    expect(Array.isArray(garbage.hits)).toBe(true)
  })

  test('hostile and odd input: results or nothing, never an error', async () => {
    const odd = ['', '%', '_', '\\', '& | ! ( ) : *', '"unbalanced', 'hercules "', '🎬 Hércules 赫拉克勒斯', "'; drop table catalog.torrents; --", '-', '""', '-hercules']
    for (const q of odd) {
      const r = await search({ q })
      expect(Array.isArray(r.hits), q).toBe(true)
    }
    const long = searchParamsFrom(new URL(`http://x/search?q=${'a'.repeat(10_000)}`))
    expect(long.q).toBe('')
    const absurd = searchParamsFrom(new URL('http://x/search?limit=100000&after=eyJ2IjoxZTMwMCwiaCI6InoifQ&type=movie&resolution=9999999p'))
    expect(absurd).toMatchObject({ limit: 20, type: ['movie'] })
    expect(Array.isArray((await searchCatalog(requestDb, ctx, absurd)).hits)).toBe(true)
    const { rows } = await withClient(db.url, (c) => c.query(`select count(*)::int as n from catalog.torrents`))
    expect(rows[0].n).toBe(7)
  })

  test('no search reads the whole table: every statement of every shape has an index to use (EXPLAIN, not timings)', async () => {
    const shapes: Array<[string, Record<string, unknown>, MatchMode]> = [
      ['words', { q: 'hercules' }, 'words'],
      ['words with facet filters', { q: 'hercules', type: ['movie'], resolution: ['1080p'], language: ['french'] }, 'words'],
      ['phrase and exclusion', { q: '"walking dead" -1997' }, 'words'],
      ['prefix', { q: 'guard' }, 'prefix'],
      ['typo', { q: 'hercles' }, { fuzzy: "('hercules' | 'herc')" }],
      ['type filter, no words', { type: ['movie'] }, 'words'],
      ['by seeders', { sort: 'seeders' }, 'words'],
      ['by size, deep page', { q: 'hercules', sort: 'size', after: Buffer.from(JSON.stringify({ v: 1e9, h: 'a'.repeat(40) })).toString('base64url') }, 'words'],
      ['by date', { sort: 'date' }, 'words'],
    ]
    await withClient(db.url, async (c) => {
      // As Sam (no ceiling) and as the kids profile (the rating condition must not cost an index either).
      for (const who of [ctx, kid])
        for (const [label, query, mode] of shapes)
          for (const statement of searchStatements(SearchParamsSchema.parse(query), mode, searchedViewFor(who))) {
            await c.query('begin')
            // As the person (role, claims), as the search really runs: row-level security changes plans.
            await c.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [
              JSON.stringify({ sub: who.userId, role: 'authenticated', profile_id: who.profileId }),
            ])
            // With sequential scans priced out, a plan that still scans the table has no index to use.
            await c.query('set local enable_seqscan = off')
            const text = statement.text.startsWith('explain') ? statement.text.replace(/^explain \(format json\)/, '') : statement.text
            const { rows } = await c.query(`explain (format json) ${text}`, statement.values)
            await c.query('rollback')
            const plan = JSON.stringify(rows[0]['QUERY PLAN'])
            expect(plan, `${label} (${statement.label}) as ${who === kid ? 'the kid' : 'Sam'}`).not.toMatch(/"Node Type":"Seq Scan"/)
          }
    })
  })

  test('a torrent whose words are too many for the covering index (search_head null) is still found, counted and ranked', async () => {
    // 330 distinct two-letter words: a tsvector past what one index entry may hold.
    const words = Array.from({ length: 330 }, (_, i) => String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + Math.floor(i / 26)))
    const hash = 'b'.repeat(40)
    await withClient(db.url, (c) =>
      c.query(
        `insert into catalog.torrents (info_hash, name, title, content_type, size_bytes, file_count, source, seeders, content_rating) values ($1, $2, 'Longwinded', 'movie', 1, 1, 'test', 5, 'PG')`,
        [hash, `Longwinded ${words.join(' ')}`.slice(0, 1000)],
      ),
    )
    try {
      const { rows } = await withClient(db.url, (c) => c.query(`select search_head is null as long from catalog.torrents where info_hash = $1`, [hash]))
      expect(rows[0].long).toBe(true)
      const r = await search({ q: 'longwinded' })
      expect(r.total).toEqual({ count: 1, estimate: false })
      expect(names(r)).toEqual([expect.stringMatching(/^Longwinded /)])
      // A word from far into the name, with the others that match it.
      expect(names(await search({ q: words[300]!, type: ['movie'] }))).toEqual([expect.stringMatching(/^Longwinded /)])
      expect(names(await search({ q: 'longwinded', sort: 'seeders' }))).toHaveLength(1)
    } finally {
      await withClient(db.url, (c) => c.query(`delete from catalog.torrents where info_hash = $1`, [hash]))
    }
  })

  test('a profile without a rating ceiling searches its own view: the same results, estimates from the real row counts; a profile with a ceiling finds nothing there', async () => {
    expect(ctx.profile.maxRating).toBeNull()
    expect(searchedViewFor(ctx)).toBe(SEARCHED_VIEWS.withoutCeiling)
    expect(searchedViewFor(kid)).toBe(SEARCHED_VIEWS.anyProfile)
    // Without the profile's row (a caller that has only the ids) the general view is searched.
    const idsOnly = { userId: ctx.userId, profileId: ctx.profileId }
    expect(searchedViewFor(idsOnly)).toBe(SEARCHED_VIEWS.anyProfile)
    for (const query of [{ q: 'hercules' }, { q: 'hercules', resolution: ['720p'] }, { sort: 'seeders' }, { q: 'walking dead' }]) {
      const own = await searchCatalog(requestDb, ctx, SearchParamsSchema.parse(query), false)
      expect(own.hits.length, JSON.stringify(query)).toBeGreaterThan(0)
      expect(own, JSON.stringify(query)).toEqual(await searchCatalog(requestDb, idsOnly, SearchParamsSchema.parse(query), false))
    }
    // A kids profile sent to the view without a ceiling (a stale profile row, a bug): nothing, never more.
    const wrong = await searchCatalog(requestDb, { ...kid, profile: { maxRating: null } }, SearchParamsSchema.parse({ q: 'hercules' }), false)
    expect(wrong.hits).toEqual([])
    expect(wrong.total).toEqual({ count: 0, estimate: false })
    // The planner's estimate of the matches — what a head term's "about N" shows — is the table's
    // own, not a third of it (the general view's ceiling test is priced at 1/3 for every profile).
    const planRows = async (who: Ctx, text: string, values: unknown[]) =>
      withClient(db.url, async (c) => {
        await c.query('begin')
        await c.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [
          JSON.stringify({ sub: who.userId, role: 'authenticated', profile_id: who.profileId }),
        ])
        const { rows } = await c.query(text, values)
        await c.query('rollback')
        return rows[0]['QUERY PLAN'][0].Plan['Plan Rows'] as number
      })
    const p = SearchParamsSchema.parse({ q: 'hercules' })
    const own = estimateQuery(p, 'words', SEARCHED_VIEWS.withoutCeiling)
    const table = await withClient(db.url, async (c) => {
      const { rows } = await c.query(`explain (format json) select 1 from catalog.torrents t where t.search_head @@ websearch_to_tsquery('simple', 'hercules') and not t.is_adult`)
      return rows[0]['QUERY PLAN'][0].Plan['Plan Rows'] as number
    })
    expect(table).toBeGreaterThanOrEqual(2)
    expect(await planRows(ctx, own.text, own.values)).toBeGreaterThanOrEqual(table * 0.9)
  })

  test('a kids profile (up to PG) finds, browses and opens only titles rated for it; the same search as Sam finds more', async () => {
    const asKid = (query: Record<string, unknown>) => searchCatalog(requestDb, kid, SearchParamsSchema.parse(query))
    expect(names(await asKid({ q: 'hercules' }))).toEqual(['Hercules.1997.Animated.720p.BluRay'])
    expect((await asKid({ q: 'hercules' })).facets.resolution).toEqual([{ value: '720p', count: 1 }])
    expect(names(await asKid({ sort: 'seeders' })).sort()).toEqual(['Hercules.1997.Animated.720p.BluRay', 'Test Tones - Sine Waves (2026) [MP3 128]'])
    const shelves = await listHomeShelves(requestDb, kid)
    expect([...shelves.movies, ...shelves.music, ...shelves.books].map((t) => t.name).sort()).toEqual(['Hercules.1997.Animated.720p.BluRay', 'Test Tones - Sine Waves (2026) [MP3 128]'])
    expect(shelves.shows).toEqual([])
    expect((await listRecentTorrents(requestDb, kid)).map((t) => t.name).sort()).toEqual(['Hercules.1997.Animated.720p.BluRay', 'Test Tones - Sine Waves (2026) [MP3 128]'])
    // A title page the kid is not allowed: not found; its versions: none the kid may not see.
    expect(await findTorrent(requestDb, kid, '1'.repeat(40))).toBeNull()
    const allowed = await findTorrent(requestDb, kid, '3'.repeat(40))
    expect(allowed?.torrent).toMatchObject({ name: 'Hercules.1997.Animated.720p.BluRay', contentRating: 'G' })
    const film2014 = (await findTorrent(requestDb, ctx, '1'.repeat(40)))!.torrent
    expect(film2014.contentRating).toBe('PG-13')
    expect((await listVersions(requestDb, ctx, film2014)).map((t) => t.name)).toEqual(['Hercules.2014.720p.WEB-DL.x264'])
    expect(await listVersions(requestDb, kid, film2014)).toEqual([])
    expect(names(await search({ q: 'hercules' }))).toHaveLength(3)
  })

  test('searches are remembered in the profile’s own history', async () => {
    await search({ q: 'galaxy' })
    const { rows: h } = await withClient(db.url, (c) => c.query(`select query from public.search_history where profile_id = $1 order by searched_at desc limit 1`, [ctx.profileId]))
    expect(h[0]?.query).toBe('galaxy')
  })

  test('Recently added holds only what can be watched, heard or read (issue #24)', async () => {
    await withClient(db.url, async (c) => {
      await c.query(`insert into catalog.torrents (info_hash, name, size_bytes, file_count, source, discovered_at) values ($1, 'alice.txt', 15, 1, 'demo', now() + interval '1 day')`, [
        'a1'.repeat(20),
      ])
      await c.query(`insert into catalog.torrent_files (info_hash, file_index, path, size_bytes, media_type) values ($1, 0, 'alice.txt', 15, 'other')`, ['a1'.repeat(20)])
    })
    const recent = (await listRecentTorrents(requestDb, ctx)).map((t) => t.name)
    expect(recent.length).toBeGreaterThan(0)
    expect(recent).not.toContain('alice.txt')
  })

  test('the same search again is one entry, moved to the top (issue #24)', async () => {
    for (const q of ['test card', 'lanterns', 'Test Card', 'test card']) await search({ q })
    const { rows } = await withClient(db.url, (c) => c.query(`select query from public.search_history where profile_id = $1 order by searched_at desc`, [ctx.profileId]))
    expect(rows.map((r) => r.query).slice(0, 3)).toEqual(['test card', 'lanterns', 'galaxy'])
    expect(rows.filter((r) => r.query.toLowerCase() === 'test card')).toHaveLength(1)
  })
})
