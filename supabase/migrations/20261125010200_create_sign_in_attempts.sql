-- purpose: rate limiting of the local sign-in, per email and per client IP.
-- scope: none of the four in ../shared/DESIGN.md — it is the auth server's own bookkeeping (as
-- GoTrue keeps its own tables), not a person's data: it lives in schema private, with RLS on and
-- no grants to anon or authenticated; only the edge app's auth code (database login role) uses it.
-- creates: private.sign_in_attempts. Rows older than a day are deleted by the auth code.
-- destructive: nothing.
create table private.sign_in_attempts (
  id bigint generated always as identity primary key,
  email text not null check (email = lower(email)),
  ip text not null,
  succeeded boolean not null,
  attempted_at timestamptz not null default now()
);
alter table private.sign_in_attempts enable row level security;
revoke all on private.sign_in_attempts from public, anon, authenticated;
create index sign_in_attempts_email_attempted_at_idx on private.sign_in_attempts (email, attempted_at desc);
create index sign_in_attempts_ip_attempted_at_idx on private.sign_in_attempts (ip, attempted_at desc);
create index sign_in_attempts_attempted_at_idx on private.sign_in_attempts (attempted_at);
