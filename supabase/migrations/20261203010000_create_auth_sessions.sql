-- purpose: server-side sessions, so a session can be revoked (sign-out, "sign out this device",
-- password change) and a stolen cookie stops working at once instead of after its 7 days.
-- scope: none of the four in ../shared/DESIGN.md — like auth.users it is the auth server's own
-- bookkeeping (GoTrue keeps exactly this table on Supabase: a JWT's session_id is an
-- auth.sessions id), read and written only by the edge app's auth code through the database
-- login role; no grants to anon or authenticated, RLS on with no policies.
-- creates: auth.sessions when Supabase's is absent (the subset of its columns we use).
-- destructive: nothing.
do $$
begin
  if to_regclass('auth.sessions') is null then
    create table auth.sessions (
      id uuid primary key,
      user_id uuid not null references auth.users (id) on delete cascade,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      not_after timestamptz,
      user_agent text,
      ip inet
    );
    create index sessions_user_id_idx on auth.sessions (user_id);
    alter table auth.sessions enable row level security;
    revoke all on auth.sessions from public, anon, authenticated;
  end if;
end
$$;
