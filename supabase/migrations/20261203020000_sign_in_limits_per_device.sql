-- purpose: sign-in limits per (email, client, device) instead of per email, so five wrong
-- passwords from someone else no longer lock the owner out: a device that has signed in to an
-- email before carries a signed cookie naming it, and its attempts are counted apart.
-- scope: as private.sign_in_attempts (auth server bookkeeping, no grants).
-- creates: column private.sign_in_attempts.device ('' = a device not known for that email).
-- destructive: nothing.
alter table private.sign_in_attempts add column device text not null default '';
create index sign_in_attempts_email_ip_device_idx on private.sign_in_attempts (email, ip, device, attempted_at desc);

-- Sign-ups per client address (at most SIGN_UP_LIMIT an hour each), so accounts cannot be made,
-- or emails probed, in bulk. Same scope as sign_in_attempts; rows older than a day are deleted
-- by the auth code.
create table private.sign_up_attempts (
  id bigint generated always as identity primary key,
  ip text not null,
  attempted_at timestamptz not null default now()
);
alter table private.sign_up_attempts enable row level security;
revoke all on private.sign_up_attempts from public, anon, authenticated;
create index sign_up_attempts_ip_attempted_at_idx on private.sign_up_attempts (ip, attempted_at desc);
