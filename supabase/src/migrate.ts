/**
 * Applies `supabase/migrations/*.sql` in version order, each in its own transaction, and
 * records what it applied in `bt_migrations.applied`. Safe to run again: applied versions are
 * skipped, and a file edited after it was applied is refused (forward-only migrations).
 *
 * Our own table rather than Supabase CLI's `supabase_migrations.schema_migrations`, so the
 * runner can share a Supabase project with the CLI without either rewriting the other's rows.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type pg from 'pg'
import { repoRoot } from './paths.ts'

export interface Migration {
  version: string
  name: string
  file: string
  sql: string
  checksum: string
}

/** A migration that could not be applied: names the file, the line and the database's message. */
export class MigrationError extends Error {
  constructor(
    readonly file: string,
    readonly databaseMessage: string,
    readonly line: number | null,
    opts?: { cause?: unknown },
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${databaseMessage}`, opts)
    this.name = 'MigrationError'
  }
}

const FILE_PATTERN = /^(\d{14})_([a-z0-9_]+)\.sql$/

export async function listMigrations(dir: string): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort()
  const migrations: Migration[] = []
  for (const name of names) {
    const file = join(dir, name)
    const match = FILE_PATTERN.exec(name)
    if (!match) throw new MigrationError(displayPath(file), 'file name must be <14-digit version>_<snake_case_name>.sql', null)
    const sql = await readFile(file, 'utf8')
    migrations.push({ version: match[1]!, name: match[2]!, file, sql, checksum: createHash('sha256').update(sql).digest('hex') })
  }
  const seen = new Set<string>()
  for (const m of migrations) {
    if (seen.has(m.version)) throw new MigrationError(displayPath(m.file), `version ${m.version} is used by two files`, null)
    seen.add(m.version)
  }
  return migrations
}

function displayPath(file: string): string {
  const rel = relative(repoRoot, file)
  return rel.startsWith('..') ? file : rel
}

function lineOf(sql: string, position: string | undefined): number | null {
  const offset = Number(position)
  if (!Number.isInteger(offset) || offset < 1) return null
  return sql.slice(0, offset - 1).split('\n').length
}

const BOOTSTRAP = `
  create schema if not exists bt_migrations;
  create table if not exists bt_migrations.applied (
    version text primary key,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
  );`

export interface MigrateResult {
  applied: Migration[]
  alreadyApplied: number
}

export interface MigrateOptions {
  onApplied?: (m: Migration, ms: number) => void
}

export async function migrate(client: pg.ClientBase, migrations: Migration[], opts: MigrateOptions = {}): Promise<MigrateResult> {
  await client.query(BOOTSTRAP)
  const { rows } = await client.query<{ version: string; checksum: string }>('select version, checksum from bt_migrations.applied')
  const done = new Map(rows.map((r) => [r.version, r.checksum]))
  const applied: Migration[] = []
  for (const m of migrations) {
    const recorded = done.get(m.version)
    if (recorded !== undefined) {
      if (recorded !== m.checksum) {
        throw new MigrationError(displayPath(m.file), 'this migration was edited after it was applied; add a new migration instead', null)
      }
      continue
    }
    const started = Date.now()
    await client.query('begin')
    try {
      await client.query(m.sql)
      await client.query('insert into bt_migrations.applied (version, name, checksum) values ($1, $2, $3)', [m.version, m.name, m.checksum])
      await client.query('commit')
    } catch (err) {
      await client.query('rollback').catch(() => {})
      const e = err as { message?: string; position?: string }
      throw new MigrationError(displayPath(m.file), e.message ?? String(err), lineOf(m.sql, e.position), { cause: err })
    }
    applied.push(m)
    opts.onApplied?.(m, Date.now() - started)
  }
  return { applied, alreadyApplied: migrations.length - applied.length }
}
