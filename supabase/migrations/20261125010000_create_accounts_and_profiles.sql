-- purpose: accounts (a family), their members and plans, and Netflix-style profiles.
-- scopes (../shared/DESIGN.md): plans = catalog (read by signed-in users, written by services);
-- accounts, account_members = account-level (membership); profiles = account-level too: the
-- picker lists them before any profile is selected. Profile-level data lives in the next migration.
-- creates: schema private (policy helpers), public.plans, public.accounts, public.account_members,
-- public.profiles; private.is_account_member(), private.selected_profile_id(); the trigger that
-- gives every new auth.users row an account and a first profile; the plan's profile limit.
-- destructive: nothing.

create schema if not exists private;
-- `authenticated` calls the policy helpers; it gets nothing else in this schema.
grant usage on schema private to authenticated, service_role;

-- plans: what an account may do. The family plan allows 10 profiles.
create table public.plans (
  id text primary key check (id ~ '^[a-z][a-z0-9_]{1,31}$'),
  name text not null,
  max_profiles integer not null check (max_profiles between 1 and 100)
);
alter table public.plans enable row level security;
grant select on public.plans to anon, authenticated;
grant all on public.plans to service_role;
create policy "anyone reads the plans" on public.plans for select to anon, authenticated using (true);
insert into public.plans (id, name, max_profiles) values ('free', 'Free', 1), ('family', 'Family', 10)
on conflict (id) do nothing;

-- accounts: one per family; billing and IPTV providers hang off it later.
create table public.accounts (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null unique references auth.users (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 80),
  plan_id text not null default 'family' references public.plans (id),
  created_at timestamptz not null default now()
);
alter table public.accounts enable row level security;
grant select on public.accounts to authenticated;
-- Only the name is the family's to change; the plan changes through billing (service role).
grant update (name) on public.accounts to authenticated;
grant all on public.accounts to service_role;
create index accounts_plan_id_idx on public.accounts (plan_id);

-- account_members: who may sign in to an account (the owner, later invited adults).
create table public.account_members (
  account_id uuid not null references public.accounts (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member' check (role in ('owner', 'member')),
  created_at timestamptz not null default now(),
  primary key (account_id, user_id)
);
alter table public.account_members enable row level security;
grant select on public.account_members to authenticated;
grant all on public.account_members to service_role;
create index account_members_user_id_idx on public.account_members (user_id);

-- profiles: one per person of the family.
create table public.profiles (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 40 and name !~ '[[:cntrl:]]' and name = btrim(name)),
  avatar text not null default 'avatar-1' check (avatar ~ '^[a-z0-9-]{1,32}$'),
  is_kids boolean not null default false,
  -- MPAA-style ceiling; null = no ceiling. A kids profile never goes above PG.
  max_rating text check (max_rating in ('G', 'PG', 'PG-13', 'R', 'NC-17')),
  language text not null default 'en' check (language ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
  created_at timestamptz not null default now(),
  constraint profiles_kids_rating_check check (not is_kids or max_rating in ('G', 'PG'))
);
create unique index profiles_account_id_name_idx on public.profiles (account_id, lower(name));
alter table public.profiles enable row level security;
grant select, insert, delete on public.profiles to authenticated;
-- account_id is not the client's to change.
grant update (name, avatar, is_kids, max_rating, language) on public.profiles to authenticated;
grant all on public.profiles to service_role;

-- Is the signed-in user a member of this account? Definer: reads account_members without
-- recursing through its own policies; search_path pinned so nothing can be shadowed.
create function private.is_account_member(target_account uuid) returns boolean
  language sql stable security definer set search_path = ''
  as $$
    select exists (
      select 1 from public.account_members m
       where m.account_id = target_account and m.user_id = (select auth.uid())
    )
  $$;
revoke all on function private.is_account_member(uuid) from public;
grant execute on function private.is_account_member(uuid) to authenticated, service_role;

-- The selected profile: the profile_id claim, but only if that profile belongs to an account
-- of auth.uid(). Null — so profile-level policies match no row — when no profile is selected,
-- the claim is not a uuid, or it names another family's profile.
create function private.selected_profile_id() returns uuid
  language sql stable security definer set search_path = ''
  as $$
    select p.id
      from public.profiles p
      join public.account_members m on m.account_id = p.account_id
     where m.user_id = (select auth.uid())
       and p.id = (
         select case when c ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then c::uuid end
           from (select (select auth.jwt()) ->> 'profile_id' as c) claim
       )
  $$;
revoke all on function private.selected_profile_id() from public;
grant execute on function private.selected_profile_id() to authenticated, service_role;

create policy "members read their accounts" on public.accounts
  for select to authenticated using ((select private.is_account_member(id)));
create policy "owners rename their accounts" on public.accounts
  for update to authenticated using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));

create policy "members read the memberships of their accounts" on public.account_members
  for select to authenticated using ((select private.is_account_member(account_id)));

create policy "members read their family's profiles" on public.profiles
  for select to authenticated using ((select private.is_account_member(account_id)));
create policy "members add profiles to their family" on public.profiles
  for insert to authenticated with check ((select private.is_account_member(account_id)));
create policy "members edit their family's profiles" on public.profiles
  for update to authenticated using ((select private.is_account_member(account_id))) with check ((select private.is_account_member(account_id)));
create policy "members delete their family's profiles" on public.profiles
  for delete to authenticated using ((select private.is_account_member(account_id)));

-- The plan's profile limit, whoever inserts: the account row is locked so two concurrent
-- inserts cannot both take the last place.
create function private.enforce_profile_limit() returns trigger
  language plpgsql security definer set search_path = ''
  as $$
  declare
    allowed integer;
    plan_name text;
    existing integer;
  begin
    select pl.max_profiles, pl.name into allowed, plan_name
      from public.accounts a join public.plans pl on pl.id = a.plan_id
     where a.id = new.account_id
       for update of a;
    select count(*) into existing from public.profiles where account_id = new.account_id;
    if existing >= allowed then
      raise exception 'profile limit reached: the % plan allows % profiles', plan_name, allowed
        using errcode = 'check_violation', constraint = 'profiles_plan_limit',
              hint = 'Delete a profile or change the plan.';
    end if;
    return new;
  end
  $$;
create trigger profiles_enforce_plan_limit before insert on public.profiles
  for each row execute function private.enforce_profile_limit();

-- Every new user (local sign-up or Supabase Auth) gets an account they own and a first profile,
-- named from the sign-up's display name, else the email's local part.
create function private.create_account_for_new_user_row(user_id uuid) returns void
  language plpgsql security definer set search_path = ''
  as $$
  declare
    u auth.users%rowtype;
    new_account uuid;
    display_name text;
    first_profile text;
  begin
    select * into u from auth.users where id = user_id;
    display_name := left(btrim(coalesce(nullif(u.raw_user_meta_data ->> 'display_name', ''), nullif(split_part(u.email, '@', 1), ''), 'Me')), 80);
    first_profile := left(btrim(regexp_replace(coalesce(nullif(u.raw_user_meta_data ->> 'first_profile_name', ''), display_name), '[[:cntrl:]]', '', 'g')), 40);
    insert into public.accounts (owner_id, name) values (u.id, display_name) returning id into new_account;
    insert into public.account_members (account_id, user_id, role) values (new_account, u.id, 'owner');
    insert into public.profiles (account_id, name) values (new_account, coalesce(nullif(first_profile, ''), 'Me'));
  end
  $$;
revoke all on function private.create_account_for_new_user_row(uuid) from public;

create function private.create_account_for_new_user() returns trigger
  language plpgsql security definer set search_path = ''
  as $$
  begin
    perform private.create_account_for_new_user_row(new.id);
    return new;
  end
  $$;
create trigger on_auth_user_created after insert on auth.users
  for each row execute function private.create_account_for_new_user();

-- Users who signed up before this migration get their account and first profile now.
do $$
declare
  u record;
begin
  for u in select * from auth.users usr where not exists (select 1 from public.account_members m where m.user_id = usr.id) loop
    perform private.create_account_for_new_user_row(u.id);
  end loop;
end
$$;
