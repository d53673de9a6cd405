/**
 * Podcasts' and radio's scopes as the database enforces them: feeds, episodes and stations are
 * the catalog's (readable by signed-in people, written by services only); a kids profile sees
 * only the feeds and stations an adult allowed it and no explicit episode, and cannot subscribe
 * itself to anything else; only the account manager, from a grown-up profile, allows.
 */
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { seed } from '../src/seed.ts'
import { seedFile } from '../src/paths.ts'
import { asPerson, sqlStateOf } from './helpers/as-person.ts'
import { connect, createMigratedDatabase, testTarget, type TestDatabase } from './helpers/test-database.ts'

const DEMO = '00000000-0000-4000-8000-000000000001'
const MIA = '00000000-0000-4000-9000-000000000013'

let db: TestDatabase
let client: pg.Client
let alex: string
let feeds: Record<string, string>
let stations: Record<string, string>

beforeAll(async () => {
  db = await createMigratedDatabase()
  client = await connect(db.url)
  await seed(client, seedFile)
  alex = (await client.query<{ id: string }>(`select p.id from public.profiles p join public.accounts a on a.id = p.account_id where a.owner_id = $1 and p.name = 'Alex'`, [DEMO])).rows[0]!.id
  feeds = Object.fromEntries((await client.query<{ title: string; id: string }>('select title, id from catalog.podcast_feeds')).rows.map((r) => [r.title, r.id]))
  stations = Object.fromEntries((await client.query<{ name: string; id: string }>('select name, id from catalog.radio_stations')).rows.map((r) => [r.name, r.id]))
})
afterAll(async () => {
  await client?.end()
  await db?.drop()
})

const titles = async (sql: string) => (await client.query<{ t: string }>(sql)).rows.map((r) => r.t)

describe(`podcast and radio scopes on ${testTarget()}`, () => {
  test('a grown-up sees every feed, episode and station; a kids profile only the allowed ones, and no explicit episode', async () => {
    const grownUp = await asPerson(client, { sub: DEMO, profile_id: alex }, async () => ({
      feeds: await titles('select title as t from catalog.podcast_feeds order by title'),
      episodes: await titles('select title as t from catalog.podcast_episodes order by title'),
      stations: await titles('select name as t from catalog.radio_stations order by name'),
    }))
    expect(grownUp).toEqual({
      feeds: ['Little Signals', 'The Loopback Hour'],
      episodes: ['Episode 1 — Hello, Loopback', 'Episode 2 — Packets After Dark', 'The Humming Bee'],
      stations: ['Loopback FM', 'Sine Wave Radio'],
    })
    const kid = await asPerson(client, { sub: DEMO, profile_id: MIA }, async () => ({
      feeds: await titles('select title as t from catalog.podcast_feeds'),
      episodes: await titles('select title as t from catalog.podcast_episodes'),
      stations: await titles('select name as t from catalog.radio_stations'),
    }))
    expect(kid).toEqual({ feeds: ['Little Signals'], episodes: ['The Humming Bee'], stations: ['Sine Wave Radio'] })
    // An explicit episode in an allowed feed stays hidden from the kids profile.
    await client.query(`update catalog.podcast_episodes set explicit = true where guid = 'little-signals-1'`)
    expect(await asPerson(client, { sub: DEMO, profile_id: MIA }, () => titles('select title as t from catalog.podcast_episodes'))).toEqual([])
    await client.query(`update catalog.podcast_episodes set explicit = false where guid = 'little-signals-1'`)
  })

  test('a kids profile cannot subscribe to, queue or favourite what it was not allowed', async () => {
    await asPerson(client, { sub: DEMO, profile_id: MIA }, async () => {
      expect(await sqlStateOf(client, () => client.query('insert into public.podcast_subscriptions (profile_id, feed_id) values ($1, $2)', [MIA, feeds['The Loopback Hour']]))).toBe('42501')
      expect(await sqlStateOf(client, () => client.query('insert into public.radio_favorites (profile_id, station_id) values ($1, $2)', [MIA, stations['Loopback FM']]))).toBe('42501')
      const explicitEpisode = (await client.query(`select 1 from catalog.podcast_episodes where guid = 'loopback-hour-2'`)).rowCount
      expect(explicitEpisode).toBe(0)
    })
  })

  test('only the account manager, from a grown-up profile, allows a feed or a station to a kids profile', async () => {
    await asPerson(client, { sub: DEMO, profile_id: MIA }, async () => {
      expect(
        await sqlStateOf(client, () =>
          client.query(`insert into public.podcast_kids_allowed (account_id, kids_profile_id, feed_id) select account_id, id, $2 from public.profiles where id = $1`, [
            MIA,
            feeds['The Loopback Hour'],
          ]),
        ),
      ).toBe('42501')
    })
    // One transaction: the grown-up allows, then the kids profile looks (asPerson rolls back after each call).
    const claims = (profileId: string) =>
      client.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [JSON.stringify({ role: 'authenticated', sub: DEMO, profile_id: profileId })])
    await client.query('begin')
    await claims(alex)
    await client.query(`insert into public.podcast_kids_allowed (account_id, kids_profile_id, feed_id) select account_id, id, $2 from public.profiles where id = $1`, [MIA, feeds['The Loopback Hour']])
    await client.query(`insert into public.radio_kids_allowed (account_id, kids_profile_id, station_id) select account_id, id, $2 from public.profiles where id = $1`, [MIA, stations['Loopback FM']])
    await claims(MIA)
    const now = {
      feeds: await titles('select title as t from catalog.podcast_feeds order by title'),
      episodes: await titles('select title as t from catalog.podcast_episodes order by title'),
      stations: await titles('select name as t from catalog.radio_stations order by name'),
    }
    await client.query('rollback')
    // The explicit episode of the newly allowed feed stays out.
    expect(now).toEqual({ feeds: ['Little Signals', 'The Loopback Hour'], episodes: ['Episode 1 — Hello, Loopback', 'The Humming Bee'], stations: ['Loopback FM', 'Sine Wave Radio'] })
  })

  test('the catalog is written by services only, and a feed’s fetch state is not readable by people', async () => {
    await asPerson(client, { sub: DEMO, profile_id: alex }, async () => {
      expect(await sqlStateOf(client, () => client.query(`insert into catalog.podcast_feeds (url, title) values ('https://example.com/f.xml', 'Mine')`))).toBe('42501')
      expect(await sqlStateOf(client, () => client.query(`update catalog.radio_stations set name = 'Renamed'`))).toBe('42501')
      expect(await sqlStateOf(client, () => client.query(`delete from catalog.podcast_episodes`))).toBe('42501')
      expect(await sqlStateOf(client, () => client.query('select etag from catalog.podcast_feeds'))).toBe('42501')
    })
  })
})
