/**
 * Live TV's scopes as the database enforces them: providers are the family's and only the
 * account manager changes them, nobody signed in reads credentials or stream URLs, channels are
 * seen by their family only and by a kids profile only in the groups an adult allowed it.
 */
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { seed } from '../src/seed.ts'
import { seedFile } from '../src/paths.ts'
import { asPerson, sqlStateOf } from './helpers/as-person.ts'
import { connect, createMigratedDatabase, testTarget, type TestDatabase } from './helpers/test-database.ts'

const DEMO = '00000000-0000-4000-8000-000000000001'
const NEIGHBOR = '00000000-0000-4000-8000-000000000002'
const MIA = '00000000-0000-4000-9000-000000000013'
const SAM = '00000000-0000-4000-9000-000000000012'
const DEMO_PROVIDER = '00000000-0000-4000-a000-000000000001'

let db: TestDatabase
let client: pg.Client
let alex: string

beforeAll(async () => {
  db = await createMigratedDatabase()
  client = await connect(db.url)
  await seed(client, seedFile)
  alex = (await client.query<{ id: string }>(`select p.id from public.profiles p join public.accounts a on a.id = p.account_id where a.owner_id = $1 and p.name = 'Alex'`, [DEMO])).rows[0]!.id
})
afterAll(async () => {
  await client?.end()
  await db?.drop()
})

const names = async () => (await client.query<{ name: string }>('select name from catalog.iptv_channels order by position')).rows.map((r) => r.name)

describe(`Live TV scopes on ${testTarget()}`, () => {
  test("a grown-up sees the family's channels; another family sees only its own", async () => {
    const mine = await asPerson(client, { sub: DEMO, profile_id: alex }, async () => ({
      channels: await names(),
      providers: (await client.query<{ id: string }>('select id from public.iptv_providers')).rows.map((r) => r.id),
    }))
    expect(mine.channels).toEqual(['Test Card Clock', 'Colour Bars', 'Tone and Bars', 'Game of Life', 'Mandelbrot Zoom', 'Cellular Automaton'])
    expect(mine.providers).toEqual([DEMO_PROVIDER])
    const theirs = await asPerson(client, { sub: NEIGHBOR }, async () => (await client.query<{ provider_id: string }>('select distinct provider_id from catalog.iptv_channels')).rows)
    expect(theirs.map((r) => r.provider_id)).not.toContain(DEMO_PROVIDER)
  })

  test('a kids profile sees only the groups allowed to it, and their programmes only', async () => {
    await client.query('begin')
    const channel = (await client.query<{ id: string; name: string }>(`select id, name from catalog.iptv_channels where provider_id = $1 order by position`, [DEMO_PROVIDER])).rows
    for (const c of channel) await client.query(`insert into catalog.iptv_programmes (channel_id, starts_at, ends_at, title) values ($1, now(), now() + interval '1 hour', $2)`, [c.id, `On ${c.name}`])
    await client.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [JSON.stringify({ role: 'authenticated', sub: DEMO, profile_id: MIA })])
    expect(await names()).toEqual(['Game of Life', 'Mandelbrot Zoom'])
    const programmes = (await client.query<{ title: string }>('select title from catalog.iptv_programmes order by title')).rows.map((r) => r.title)
    expect(programmes).toEqual(['On Game of Life', 'On Mandelbrot Zoom'])
    await client.query('rollback')
  })

  test('stream URLs, catch-up templates, playlist text and credentials are not readable by anyone signed in', async () => {
    await asPerson(client, { sub: DEMO, profile_id: alex }, async () => {
      for (const q of [
        'select stream_url from catalog.iptv_channels',
        'select catchup_source from catalog.iptv_channels',
        'select * from catalog.iptv_channels',
        'select secret_ciphertext from public.iptv_providers',
        'select playlist_text from public.iptv_providers',
        'select * from public.iptv_providers',
      ]) {
        expect(await sqlStateOf(client, () => client.query(q)), q).toBe('42501')
      }
    })
  })

  test('only the account manager, from a grown-up profile, adds or changes providers and allows groups', async () => {
    const account = (await client.query<{ id: string }>('select id from public.accounts where owner_id = $1', [DEMO])).rows[0]!.id
    const add = () => client.query(`insert into public.iptv_providers (account_id, name, kind, playlist_url) values ($1, 'Mine', 'm3u', 'http://example.com/a.m3u')`, [account])
    await asPerson(client, { sub: DEMO, profile_id: alex }, async () => {
      expect(await sqlStateOf(client, add)).toBeNull()
      expect((await client.query(`update public.iptv_providers set name = 'Renamed' where id = $1`, [DEMO_PROVIDER])).rowCount).toBe(1)
    })
    // From the kids profile: refused, even by the owner's own session.
    await asPerson(client, { sub: DEMO, profile_id: MIA }, async () => {
      expect(await sqlStateOf(client, add)).toBe('42501')
      expect((await client.query(`update public.iptv_providers set name = 'Kid renamed' where id = $1`, [DEMO_PROVIDER])).rowCount).toBe(0)
      expect(
        await sqlStateOf(client, () =>
          client.query(`insert into public.live_kids_groups (account_id, kids_profile_id, provider_id, group_name) values ($1, $2, $3, 'News')`, [account, MIA, DEMO_PROVIDER]),
        ),
      ).toBe('42501')
    })
    // Another family's owner cannot add one to this account.
    await asPerson(client, { sub: NEIGHBOR }, async () => {
      expect(await sqlStateOf(client, add)).toBe('42501')
    })
    // A group can be allowed to a kids profile only (not to a grown-up one).
    await asPerson(client, { sub: DEMO, profile_id: alex }, async () => {
      const allow = (profile: string) =>
        client.query(`insert into public.live_kids_groups (account_id, kids_profile_id, provider_id, group_name) values ($1, $2, $3, 'News')`, [account, profile, DEMO_PROVIDER])
      expect(await sqlStateOf(client, () => allow(MIA))).toBeNull()
      expect(await sqlStateOf(client, () => allow(SAM))).toBe('42501')
    })
  })

  test("a profile cannot favourite another family's channel", async () => {
    const foreign = (await client.query<{ id: string }>(`select id from catalog.iptv_channels where provider_id <> $1 limit 1`, [DEMO_PROVIDER])).rows[0]!.id
    await asPerson(client, { sub: DEMO, profile_id: alex }, async () => {
      expect(await sqlStateOf(client, () => client.query('insert into public.live_favorites (profile_id, channel_id) values ($1, $2)', [alex, foreign]))).toBe('42501')
    })
  })
})
