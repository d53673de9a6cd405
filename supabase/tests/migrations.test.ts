import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { listMigrations, migrate, MigrationError } from '../src/migrate.ts'
import { migrationsDir, seedFile } from '../src/paths.ts'
import { withClient } from '../src/run-with-client.ts'
import { seed } from '../src/seed.ts'
import { createTestDatabase, testTarget, type TestDatabase } from './helpers/test-database.ts'
import { schemaFingerprint } from './helpers/schema-fingerprint.ts'

let db: TestDatabase
let scratch: string
beforeEach(async () => {
  db = await createTestDatabase()
  scratch = await mkdtemp(join(tmpdir(), 'bt-migrations-'))
})
afterEach(async () => {
  await db.drop()
  await rm(scratch, { recursive: true, force: true })
})

describe(`migrations on ${testTarget()}`, () => {
  test('every migration applies to a fresh database and provides the Supabase shims', async () => {
    const migrations = await listMigrations(migrationsDir)
    expect(migrations.length).toBeGreaterThan(0)
    await withClient(db.url, async (c) => {
      const result = await migrate(c, migrations)
      expect(result.applied.map((m) => m.version)).toEqual(migrations.map((m) => m.version))
      const { rows: roles } = await c.query(`select rolname, rolbypassrls from pg_roles where rolname in ('anon', 'authenticated', 'service_role') order by rolname`)
      expect(roles).toEqual([
        { rolname: 'anon', rolbypassrls: false },
        { rolname: 'authenticated', rolbypassrls: false },
        { rolname: 'service_role', rolbypassrls: true },
      ])
      const { rows: ext } = await c.query(`select extensions.similarity('bittorrent', 'bitorrent') > 0.5 as close`)
      expect(ext[0].close).toBe(true)
    })
  })

  test('auth.uid(), auth.role() and auth.jwt() read request.jwt.claims inside a transaction only', async () => {
    await withClient(db.url, async (c) => {
      await migrate(c, await listMigrations(migrationsDir))
      const sub = '00000000-0000-4000-8000-0000000000aa'
      await c.query('begin')
      await c.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub, role: 'authenticated', profile_id: 'p1' })])
      await c.query('set local role authenticated')
      const { rows } = await c.query(`select auth.uid() as uid, auth.role() as role, auth.jwt() ->> 'profile_id' as profile, current_user as who`)
      expect(rows[0]).toEqual({ uid: sub, role: 'authenticated', profile: 'p1', who: 'authenticated' })
      await c.query('commit')
      const { rows: after } = await c.query(`select auth.uid() as uid, current_user as who`)
      expect(after[0]).toEqual({ uid: null, who: 'postgres' })
    })
  })

  test('running the migrations twice changes nothing the second time', async () => {
    const migrations = await listMigrations(migrationsDir)
    await withClient(db.url, async (c) => {
      await migrate(c, migrations)
      const before = await schemaFingerprint(c)
      const second = await migrate(c, migrations)
      expect(second).toEqual({ applied: [], alreadyApplied: migrations.length })
      expect(await schemaFingerprint(c)).toBe(before)
    })
  })

  test('a migration with a syntax error names the file, the line and the message, and leaves the database as it was', async () => {
    await cp(migrationsDir, scratch, { recursive: true })
    await withClient(db.url, async (c) => {
      await migrate(c, await listMigrations(scratch))
      const before = await schemaFingerprint(c)
      await writeFile(
        join(scratch, '20991231000000_create_broken.sql'),
        '-- a table that must vanish with the failed migration\ncreate table public.should_vanish (id int);\ncreate tabel public.oops (x int);\n',
      )
      const error = await migrate(c, await listMigrations(scratch)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(MigrationError)
      const e = error as MigrationError
      expect(e.file).toMatch(/20991231000000_create_broken\.sql$/)
      expect(e.line).toBe(3)
      expect(e.databaseMessage).toMatch(/syntax error at or near "tabel"/)
      expect(e.message).toContain('20991231000000_create_broken.sql:3: syntax error')
      expect(await schemaFingerprint(c)).toBe(before)
      const { rows } = await c.query(`select to_regclass('public.should_vanish') as t`)
      expect(rows[0].t).toBeNull()
    })
  })

  test('a migration edited after it was applied is refused', async () => {
    await cp(migrationsDir, scratch, { recursive: true })
    await withClient(db.url, async (c) => {
      await migrate(c, await listMigrations(scratch))
      const [first] = await listMigrations(scratch)
      await writeFile(first!.file, `${first!.sql}\n-- edited\n`)
      await expect(migrate(c, await listMigrations(scratch))).rejects.toThrow(/edited after it was applied/)
    })
  })

  test('a file that does not follow the naming scheme is refused before anything runs', async () => {
    await writeFile(join(scratch, '1_tables.sql'), 'create table x (id int);')
    await expect(listMigrations(scratch)).rejects.toThrow(/file name must be <14-digit version>_<snake_case_name>\.sql/)
  })

  test('users who signed up before accounts existed get an account and a first profile from the migration', async () => {
    const migrations = await listMigrations(migrationsDir)
    const accountsAt = migrations.findIndex((m) => m.name === 'create_accounts_and_profiles')
    expect(accountsAt).toBeGreaterThan(0)
    await withClient(db.url, async (c) => {
      await migrate(c, migrations.slice(0, accountsAt))
      await c.query(`insert into auth.users (email, raw_user_meta_data) values ('early@example.test', '{"display_name": "Early Bird"}')`)
      await migrate(c, migrations)
      const { rows } = await c.query(
        `select a.name, m.role, p.name as profile from auth.users u join public.accounts a on a.owner_id = u.id
           join public.account_members m on m.account_id = a.id join public.profiles p on p.account_id = a.id
          where u.email = 'early@example.test'`,
      )
      expect(rows).toEqual([{ name: 'Early Bird', role: 'owner', profile: 'Early Bird' }])
    })
  })

  test('the demo seed loads and loading it again changes nothing', async () => {
    await withClient(db.url, async (c) => {
      await migrate(c, await listMigrations(migrationsDir))
      await seed(c, seedFile)
      const count = async () =>
        (
          await c.query(`select (select count(*) from auth.users) + (select count(*) from public.profiles) + (select count(*) from public.watch_history)
                          + (select count(*) from public.search_history) + (select count(*) from public.collection_items) as n`)
        ).rows[0].n as string
      const first = await count()
      expect(Number(first)).toBeGreaterThan(2)
      await seed(c, seedFile)
      expect(await count()).toBe(first)
    })
  })
})
