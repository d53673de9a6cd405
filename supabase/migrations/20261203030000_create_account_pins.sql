-- purpose: the account's optional profile PIN (like Netflix's profile lock): when set, managing
-- profiles and leaving a kids profile for another profile need it.
-- scope: account-level (a credential, step 1 of the decision tree in ../shared/DESIGN.md). It is
-- never shown to a person, so it is not readable through RLS at all: schema private, no grants
-- to anon or authenticated; the edge app's auth code (database login role) sets and checks it,
-- bcrypt-hashed like a password, with attempts limited through private.sign_in_attempts.
-- creates: private.account_pins.
-- destructive: nothing.
create table private.account_pins (
  account_id uuid primary key references public.accounts (id) on delete cascade,
  pin_hash text not null,
  updated_at timestamptz not null default now()
);
alter table private.account_pins enable row level security;
revoke all on private.account_pins from public, anon, authenticated;
