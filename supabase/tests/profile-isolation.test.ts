/**
 * Absolute profile isolation, enforced by the database. The profile-level tables are found in
 * the catalog (every public table with a profile_id column), so a table added later is covered
 * without touching this file.
 */
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { seed } from '../src/seed.ts'
import { seedFile } from '../src/paths.ts'
import { asPerson, sqlStateOf } from './helpers/as-person.ts'
import { connect, createMigratedDatabase, testTarget, type TestDatabase } from './helpers/test-database.ts'

interface SeedProfile {
  id: string
  name: string
  account_id: string
  owner_id: string
}

let db: TestDatabase
let client: pg.Client
let profileTables: string[]
let profiles: SeedProfile[]

beforeAll(async () => {
  db = await createMigratedDatabase()
  client = await connect(db.url)
  await seed(client, seedFile)
  profileTables = (
    await client.query<{ table_name: string }>(
      `select c.table_name from information_schema.columns c
         join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and c.column_name = 'profile_id' and t.table_type = 'BASE TABLE'
        order by 1`,
    )
  ).rows.map((r) => r.table_name)
  profiles = (await client.query<SeedProfile>(`select p.id, p.name, p.account_id, a.owner_id from public.profiles p join public.accounts a on a.id = p.account_id order by p.name`)).rows
})
afterAll(async () => {
  await client?.end()
  await db?.drop()
})

const countAll = async (table: string, profileId: string) => (await client.query<{ n: number }>(`select count(*)::int as n from public.${table} where profile_id = $1`, [profileId])).rows[0]!.n

describe(`profile isolation on ${testTarget()}`, () => {
  test('the catalog lists every profile-level table and the seed has several profiles in two accounts', () => {
    expect(profileTables).toEqual(
      expect.arrayContaining(['collection_items', 'collections', 'favorites', 'player_settings', 'reading_progress', 'search_history', 'watch_history', 'watch_progress', 'watchlist']),
    )
    expect(new Set(profiles.map((p) => p.account_id)).size).toBeGreaterThanOrEqual(2)
    expect(Math.max(...Object.values(Object.groupBy(profiles, (p) => p.account_id)).map((ps) => ps!.length))).toBeGreaterThanOrEqual(3)
  })

  test('every table in public and catalog has row level security enabled', async () => {
    const { rows } = await client.query(
      `select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('public', 'catalog') and c.relkind in ('r', 'p') and not c.relrowsecurity`,
    )
    expect(rows).toEqual([])
  })

  test('the catalog is readable by signed-in people and written only by services', async () => {
    const hash = 'c'.repeat(40)
    await client.query('begin')
    await client.query(`select set_config('role', 'service_role', true)`)
    await client.query(`insert into catalog.torrents (info_hash, name, size_bytes, file_count, source) values ($1, 'Shared Film', 10, 1, 'demo')`, [hash])
    await client.query(`insert into catalog.torrent_files (info_hash, file_index, path, size_bytes, media_type) values ($1, 0, 'film.mp4', 10, 'video')`, [hash])
    await client.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [JSON.stringify({ sub: profiles[0]!.owner_id, role: 'authenticated' })])
    expect((await client.query(`select name from catalog.torrents where info_hash = $1`, [hash])).rows).toEqual([{ name: 'Shared Film' }])
    expect((await client.query(`select path from catalog.torrent_files where info_hash = $1`, [hash])).rows).toEqual([{ path: 'film.mp4' }])
    expect(await sqlStateOf(client, () => client.query(`insert into catalog.torrents (info_hash, name, size_bytes, file_count, source) values ($1, 'Mine', 1, 1, 'upload')`, ['d'.repeat(40)]))).toBe(
      '42501',
    )
    expect(await sqlStateOf(client, () => client.query(`update catalog.torrents set name = 'Renamed'`))).toBe('42501')
    expect(await sqlStateOf(client, () => client.query(`delete from catalog.torrents`))).toBe('42501')
    await client.query('rollback')
  })

  test('a selected profile reads, updates and deletes only its own rows, in every profile-level table', async () => {
    for (const p of profiles) {
      for (const table of profileTables) {
        const own = await countAll(table, p.id)
        expect(own, `${table} has seed rows for ${p.name}`).toBeGreaterThan(0)
        await asPerson(client, { sub: p.owner_id, profile_id: p.id }, async () => {
          const read = await client.query<{ profile_id: string }>(`select profile_id from public.${table}`)
          expect(read.rows.length, `${p.name} reads ${table}`).toBe(own)
          expect(new Set(read.rows.map((r) => r.profile_id))).toEqual(new Set([p.id]))
          const updated = await client.query<{ profile_id: string }>(`update public.${table} set profile_id = profile_id returning profile_id`)
          expect(updated.rows.length, `${p.name} updates ${table}`).toBe(own)
          expect(new Set(updated.rows.map((r) => r.profile_id))).toEqual(new Set([p.id]))
          const deleted = await client.query<{ profile_id: string }>(`delete from public.${table} returning profile_id`)
          expect(deleted.rows.length, `${p.name} deletes from ${table}`).toBe(own)
          expect(new Set(deleted.rows.map((r) => r.profile_id))).toEqual(new Set([p.id]))
        })
        // Everyone else's rows are all still there (the transaction above was rolled back anyway,
        // but the counts inside it prove nothing else was touched).
        expect(await countAll(table, p.id)).toBe(own)
      }
    }
  })

  test("inserting a row with another profile's id fails, while the same row with its own id succeeds", async () => {
    for (const p of profiles) {
      const sibling = profiles.find((o) => o.account_id === p.account_id && o.id !== p.id)
      const stranger = profiles.find((o) => o.account_id !== p.account_id)!
      for (const table of profileTables) {
        await asPerson(client, { sub: p.owner_id, profile_id: p.id }, async () => {
          const { rows } = await client.query<{ row: Record<string, unknown> }>(`select to_jsonb(t) as row from public.${table} t limit 1`)
          const row = rows[0]!.row
          await client.query(`delete from public.${table} t where to_jsonb(t) = $1::jsonb`, [JSON.stringify(row)])
          const insert = (profileId: string) =>
            client.query(`insert into public.${table} overriding system value select * from jsonb_populate_record(null::public.${table}, $1::jsonb)`, [
              JSON.stringify({ ...row, profile_id: profileId }),
            ])
          for (const other of [sibling, stranger].filter((o): o is SeedProfile => Boolean(o))) {
            expect(await sqlStateOf(client, () => insert(other.id)), `${p.name} inserts into ${table} as ${other.name}`).toBe('42501')
          }
          expect(await sqlStateOf(client, () => insert(p.id)), `${p.name} re-inserts its own row into ${table}`).toBeNull()
        })
      }
    }
  })

  test('with no profile selected every profile-level table reads empty and nothing can be changed', async () => {
    for (const p of profiles) {
      await asPerson(client, { sub: p.owner_id }, async () => {
        for (const table of profileTables) {
          expect((await client.query(`select 1 from public.${table}`)).rowCount, `${table} without a profile`).toBe(0)
          expect((await client.query(`update public.${table} set profile_id = profile_id`)).rowCount).toBe(0)
          expect((await client.query(`delete from public.${table}`)).rowCount).toBe(0)
        }
      })
    }
  })

  test("a forged claim naming another account's profile, or garbage, reads empty everywhere", async () => {
    for (const p of profiles) {
      const stranger = profiles.find((o) => o.account_id !== p.account_id)!
      for (const forged of [stranger.id, 'not-a-uuid', '', "' or true --"]) {
        await asPerson(client, { sub: p.owner_id, profile_id: forged }, async () => {
          for (const table of profileTables) {
            expect((await client.query(`select 1 from public.${table}`)).rowCount, `${table} with profile_id ${forged}`).toBe(0)
          }
        })
      }
    }
  })

  test('a claim with a profile but no user reads empty everywhere', async () => {
    await asPerson(client, { profile_id: profiles[0]!.id }, async () => {
      for (const table of profileTables) expect((await client.query(`select 1 from public.${table}`)).rowCount).toBe(0)
    })
  })

  test("a family sees its own account and profiles, never another family's", async () => {
    for (const p of profiles) {
      await asPerson(client, { sub: p.owner_id }, async () => {
        const accounts = await client.query<{ id: string }>('select id from public.accounts')
        expect(accounts.rows.map((r) => r.id)).toEqual([p.account_id])
        const visible = await client.query<{ id: string }>('select id from public.profiles order by name')
        expect(visible.rows.map((r) => r.id).sort()).toEqual(
          profiles
            .filter((o) => o.account_id === p.account_id)
            .map((o) => o.id)
            .sort(),
        )
      })
    }
  })

  test('adult titles are hidden unless the selected profile allows them; kids profiles never can', async () => {
    const [adult, film] = ['a'.repeat(40), 'b'.repeat(40)]
    const family = profiles.filter((p) => p.account_id === profiles[0]!.account_id)
    const [grownUp, other] = family
    await client.query('begin')
    await client.query(
      `insert into catalog.torrents (info_hash, name, size_bytes, file_count, source, content_type, is_adult, content_rating) values
         ($1, 'Adult Clip', 1, 1, 'demo', 'adult', true, null), ($2, 'Family Film', 1, 1, 'demo', 'movie', false, 'G')`,
      [adult, film],
    )
    await client.query(`insert into catalog.torrent_files (info_hash, file_index, path, size_bytes, media_type) values ($1, 0, 'clip.mp4', 1, 'video')`, [adult])
    await client.query(`update public.profiles set allow_adult = true where id = $1`, [grownUp!.id])
    const visible = async (claims: { sub: string; profile_id?: string }) => {
      await client.query('savepoint look')
      await client.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [JSON.stringify({ role: 'authenticated', ...claims })])
      const t = (await client.query(`select name from catalog.torrents where info_hash in ($1, $2) order by name`, [adult, film])).rows.map((r) => r.name)
      const f = (await client.query(`select path from catalog.torrent_files where info_hash = $1`, [adult])).rows.length
      await client.query('rollback to savepoint look')
      return { t, f }
    }
    expect(await visible({ sub: grownUp!.owner_id, profile_id: grownUp!.id })).toEqual({ t: ['Adult Clip', 'Family Film'], f: 1 })
    expect(await visible({ sub: other!.owner_id, profile_id: other!.id })).toEqual({ t: ['Family Film'], f: 0 })
    expect(await visible({ sub: grownUp!.owner_id })).toEqual({ t: ['Family Film'], f: 0 })
    // A forged claim naming the allowing profile from another family sees nothing adult either.
    const stranger = profiles.find((p) => p.account_id !== grownUp!.account_id)!
    expect(await visible({ sub: stranger.owner_id, profile_id: grownUp!.id })).toEqual({ t: ['Family Film'], f: 0 })
    const kid = family.find((p) => p.name === 'Mia')
    if (kid) expect(await sqlStateOf(client, () => client.query(`update public.profiles set allow_adult = true where id = $1`, [kid.id]))).toBe('23514')
    await client.query('rollback')
  })

  test('a profile with a rating ceiling sees only titles rated at or under it, in the table, its files and the search view; unrated ones are hidden from it', async () => {
    const family = profiles.filter((p) => p.account_id === profiles[0]!.account_id)
    const kid = family.find((p) => p.name === 'Mia')!
    const grownUp = family.find((p) => p.id !== kid.id)!
    const films = { G: 'c'.repeat(40), PG: 'd'.repeat(40), R: 'e'.repeat(40), unrated: 'f'.repeat(40) }
    await client.query('begin')
    await client.query(`update public.profiles set max_rating = 'PG' where id = $1`, [kid.id])
    await client.query(`update public.profiles set max_rating = null where id = $1`, [grownUp.id])
    for (const [rating, hash] of Object.entries(films)) {
      await client.query(`insert into catalog.torrents (info_hash, name, size_bytes, file_count, source, content_type, content_rating) values ($1, $2, 1, 1, 'demo', 'movie', $3)`, [
        hash,
        `Film ${rating}`,
        rating === 'unrated' ? null : rating,
      ])
      await client.query(`insert into catalog.torrent_files (info_hash, file_index, path, size_bytes, media_type) values ($1, 0, 'film.mkv', 1, 'video')`, [hash])
    }
    const hashes = Object.values(films)
    const visible = async (profile: SeedProfile | null) => {
      await client.query('savepoint look')
      await client.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [
        JSON.stringify({ role: 'authenticated', sub: (profile ?? grownUp).owner_id, ...(profile ? { profile_id: profile.id } : {}) }),
      ])
      const names = async (sql: string) => (await client.query(sql, [hashes])).rows.map((r) => r.name as string)
      const seen = {
        table: await names(`select name from catalog.torrents where info_hash = any($1) order by name`),
        view: await names(`select name from catalog.visible_torrents where info_hash = any($1) order by name`),
        files: await names(`select t.name from catalog.torrent_files f join catalog.torrents t using (info_hash) where f.info_hash = any($1) order by t.name`),
        filesAlone: (await client.query(`select count(*)::int as n from catalog.torrent_files where info_hash = any($1)`, [hashes])).rows[0]!.n as number,
      }
      await client.query('rollback to savepoint look')
      return seen
    }
    const all = ['Film G', 'Film PG', 'Film R', 'Film unrated']
    expect(await visible(grownUp)).toEqual({ table: all, view: all, files: all, filesAlone: 4 })
    expect(await visible(kid)).toEqual({ table: ['Film G', 'Film PG'], view: ['Film G', 'Film PG'], files: ['Film G', 'Film PG'], filesAlone: 2 })
    // A grown-up's own ceiling works the same way.
    await client.query(`update public.profiles set max_rating = 'PG-13' where id = $1`, [grownUp.id])
    expect((await visible(grownUp)).view).toEqual(['Film G', 'Film PG'])
    await client.query('rollback')
  })

  test('the plan and the account of a profile are not the family’s to change', async () => {
    const p = profiles[0]!
    const stranger = profiles.find((o) => o.account_id !== p.account_id)!
    await asPerson(client, { sub: p.owner_id }, async () => {
      expect(await sqlStateOf(client, () => client.query(`update public.accounts set plan_id = 'free'`))).toBe('42501')
      expect(await sqlStateOf(client, () => client.query(`update public.profiles set account_id = $1`, [stranger.account_id]))).toBe('42501')
      expect(await sqlStateOf(client, () => client.query(`insert into public.profiles (account_id, name) values ($1, 'Intruder')`, [stranger.account_id]))).toBe('42501')
      expect((await client.query(`delete from public.profiles where account_id = $1`, [stranger.account_id])).rowCount).toBe(0)
    })
  })

  test('the eleventh profile of a family plan fails with a clear error, whoever inserts it', async () => {
    const owner = profiles[0]!
    const existing = profiles.filter((p) => p.account_id === owner.account_id).length
    await asPerson(client, { sub: owner.owner_id }, async () => {
      for (let i = existing; i < 10; i++) await client.query(`insert into public.profiles (account_id, name) values ($1, $2)`, [owner.account_id, `Extra ${i}`])
      const error = await client.query(`insert into public.profiles (account_id, name) values ($1, 'Eleven')`, [owner.account_id]).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: '23514', constraint: 'profiles_plan_limit', message: 'profile limit reached: the Family plan allows 10 profiles' })
    })
    // The database owner (services, seed scripts) is held to the same limit.
    await client.query('begin')
    for (let i = existing; i < 10; i++) await client.query(`insert into public.profiles (account_id, name) values ($1, $2)`, [owner.account_id, `Extra ${i}`])
    expect(await sqlStateOf(client, () => client.query(`insert into public.profiles (account_id, name) values ($1, 'Eleven')`, [owner.account_id]))).toBe('23514')
    await client.query('rollback')
  })

  test('profile names and settings are checked: length, control characters, kids rating', async () => {
    const p = profiles[0]!
    await asPerson(client, { sub: p.owner_id }, async () => {
      const add =
        (name: string, extra = '') =>
        () =>
          client.query(`insert into public.profiles (account_id, name${extra ? ', is_kids, max_rating' : ''}) values ($1, $2${extra})`, [p.account_id, name])
      expect(await sqlStateOf(client, add('x'.repeat(41)))).toBe('23514')
      expect(await sqlStateOf(client, add(''))).toBe('23514')
      expect(await sqlStateOf(client, add('bad\nname'))).toBe('23514')
      expect(await sqlStateOf(client, add('Kiddo', ", true, 'R'"))).toBe('23514')
      expect(await sqlStateOf(client, add(p.name.toUpperCase()))).toBe('23505')
      expect(await sqlStateOf(client, add('<b>Bold</b> & "quoted"'))).toBeNull()
    })
  })

  test('a new user gets an account they own and a first profile', async () => {
    await client.query('begin')
    const { rows } = await client.query<{ id: string }>(
      `insert into auth.users (email, encrypted_password, raw_user_meta_data) values ('new@example.test', 'x', '{"display_name": "New Family"}') returning id`,
    )
    const user = rows[0]!.id
    const { rows: made } = await client.query(
      `select a.name, a.plan_id, m.role, p.name as profile from public.accounts a
         join public.account_members m on m.account_id = a.id join public.profiles p on p.account_id = a.id where a.owner_id = $1`,
      [user],
    )
    expect(made).toEqual([{ name: 'New Family', plan_id: 'family', role: 'owner', profile: 'New Family' }])
    await client.query('rollback')
  })

  test("deleting a profile deletes that profile's rows and no one else's", async () => {
    const p = profiles.find((o) => profiles.some((s) => s.account_id === o.account_id && s.id !== o.id))!
    const others = profiles.filter((o) => o.id !== p.id)
    const countOthers = async () => {
      const counts: number[] = []
      for (const o of others) for (const t of profileTables) counts.push(await countAll(t, o.id))
      return counts
    }
    const before = await countOthers()
    await asPerson(client, { sub: p.owner_id }, async () => {
      expect((await client.query('delete from public.profiles where id = $1', [p.id])).rowCount).toBe(1)
      await client.query(`select set_config('role', 'postgres', true)`)
      for (const table of profileTables) expect(await countAll(table, p.id)).toBe(0)
      expect(await countOthers()).toEqual(before)
    })
  })
})
