import type pg from 'pg'

/**
 * Everything a migration can change, as sorted text: columns, functions (with a hash of their
 * body), indexes, policies, RLS switches, grants, our roles and the migration records.
 * Two equal fingerprints mean nothing a migration touches changed.
 */
export async function schemaFingerprint(client: pg.ClientBase): Promise<string> {
  const { rows } = await client.query<{ line: string }>(`
    select 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' ' || coalesce(column_default, '') as line
      from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema')
    union all
    select 'function ' || n.nspname || '.' || p.proname || ' ' || md5(p.prosrc)
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
    union all
    select 'index ' || schemaname || '.' || indexname || ' ' || indexdef from pg_indexes where schemaname not in ('pg_catalog')
    union all
    select 'policy ' || schemaname || '.' || tablename || '.' || policyname || ' ' || cmd || ' ' || coalesce(qual, '') || ' ' || coalesce(with_check, '') from pg_policies
    union all
    select 'rls ' || n.nspname || '.' || c.relname || ' ' || c.relrowsecurity
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
    union all
    select 'grant ' || grantee || ' ' || table_schema || '.' || table_name || ' ' || privilege_type
      from information_schema.role_table_grants where table_schema not in ('pg_catalog', 'information_schema')
    union all
    select 'role ' || rolname || ' ' || rolbypassrls from pg_roles where rolname in ('anon', 'authenticated', 'service_role')
    union all
    select 'extension ' || extname || ' ' || extnamespace::regnamespace::text from pg_extension
    union all
    select 'migration ' || version || ' ' || checksum || ' ' || applied_at::text from bt_migrations.applied
  `)
  return rows
    .map((r) => r.line)
    .sort()
    .join('\n')
}
