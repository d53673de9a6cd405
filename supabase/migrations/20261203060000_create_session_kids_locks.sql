-- purpose: a session that has entered a kids profile stays "kids-locked" on the server until a
-- grown-up profile is entered the allowed way (with the PIN when the account has one), so
-- deleting the profile cookie does not turn a kids profile into the account holder.
-- scope: auth server bookkeeping, like auth.sessions (which it follows, row for row); no grants
-- to anon or authenticated, RLS on with no policies.
-- creates: private.session_kids_locks.
-- destructive: nothing.
create table private.session_kids_locks (
  session_id uuid primary key references auth.sessions (id) on delete cascade,
  locked_at timestamptz not null default now()
);
alter table private.session_kids_locks enable row level security;
revoke all on private.session_kids_locks from public, anon, authenticated;
