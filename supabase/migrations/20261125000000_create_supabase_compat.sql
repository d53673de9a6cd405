-- purpose: what Supabase provides, created only where it is absent (plain PostgreSQL, PGlite),
-- so every later migration runs unchanged on Supabase, PostgreSQL 15 and PGlite (PostgreSQL 18).
-- creates: roles anon, authenticated, service_role; schema auth with auth.users (the columns
-- our local sign-in uses, named as in Supabase's GoTrue schema), auth.uid(), auth.role(),
-- auth.jwt(), all reading the request.jwt.claims setting as PostgREST sets it.
-- destructive: nothing; existing roles, tables and functions are left as they are.

-- Roles are cluster-wide: several databases on one server (the test suite) may create them at
-- the same moment, so a concurrent creator's win is not an error.
do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    if not exists (select 1 from pg_roles where rolname = r) then
      begin
        execute format('create role %I nologin noinherit', r);
        if r = 'service_role' then
          -- As on Supabase: services (ETL, webhooks) are trusted and bypass RLS.
          execute 'alter role service_role bypassrls';
        end if;
      exception when duplicate_object or unique_violation then
        null;
      end;
    end if;
  end loop;
end
$$;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

-- auth.users: Supabase's table when present; else the subset of its columns we use.
do $$
begin
  if to_regclass('auth.users') is null then
    create table auth.users (
      instance_id uuid,
      id uuid primary key default gen_random_uuid(),
      aud varchar(255) default 'authenticated',
      role varchar(255) default 'authenticated',
      email varchar(255),
      encrypted_password varchar(255),
      email_confirmed_at timestamptz,
      last_sign_in_at timestamptz,
      raw_app_meta_data jsonb not null default '{}'::jsonb,
      raw_user_meta_data jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    -- Emails are compared case-insensitively at sign-in; one account per address.
    create unique index users_email_key on auth.users (lower(email));
  end if;
end
$$;

-- auth.uid(), auth.role(), auth.jwt(): Supabase's definitions, which read both the legacy
-- per-claim settings and the request.jwt.claims JSON.
do $$
begin
  if not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'auth' and p.proname = 'uid') then
    create function auth.uid() returns uuid
      language sql stable
      as $fn$
        select coalesce(
          nullif(current_setting('request.jwt.claim.sub', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
        )::uuid
      $fn$;
    grant execute on function auth.uid() to anon, authenticated, service_role;
  end if;
  if not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'auth' and p.proname = 'role') then
    create function auth.role() returns text
      language sql stable
      as $fn$
        select coalesce(
          nullif(current_setting('request.jwt.claim.role', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
        )::text
      $fn$;
    grant execute on function auth.role() to anon, authenticated, service_role;
  end if;
  if not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'auth' and p.proname = 'jwt') then
    create function auth.jwt() returns jsonb
      language sql stable
      as $fn$
        select coalesce(
          nullif(current_setting('request.jwt.claim', true), ''),
          nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
      $fn$;
    grant execute on function auth.jwt() to anon, authenticated, service_role;
  end if;
end
$$;
