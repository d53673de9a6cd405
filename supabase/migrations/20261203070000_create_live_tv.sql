-- purpose: Live TV — the family's IPTV subscriptions, their channels and guide, and what each
-- person does with them. Scopes, by the tree in ../shared/DESIGN.md:
--   account level  public.iptv_providers (a paid subscription the family shares; its credentials
--                  are written by the owner but never readable by anyone signed in: column
--                  grants leave them out of every select) and public.live_kids_groups (which
--                  groups an adult allowed each kids profile; default: none).
--   catalog level  catalog.iptv_channels and catalog.iptv_programmes, per provider, written by
--                  the media node (service role) only and readable by members of the provider's
--                  account — a kids profile only the channels of groups allowed to it. Stream
--                  URLs and catch-up templates (they carry Xtream credentials) are not readable.
--   profile level  public.live_favorites, public.live_recent, public.live_hidden_groups: the
--                  four standard policies of profile data.
-- destructive: nothing.

-- Is the signed-in user the owner (the account manager) of this account, acting from a profile
-- that is not a kids profile? Definer: reads accounts and profiles past their policies.
create function private.is_account_manager(target_account uuid) returns boolean
  language plpgsql stable security definer set search_path = ''
  as $$
  begin
    return exists (select 1 from public.accounts a where a.id = target_account and a.owner_id = (select auth.uid()))
       and not coalesce((select p.is_kids from public.profiles p where p.id = (select private.selected_profile_id())), false);
  end
  $$;
revoke all on function private.is_account_manager(uuid) from public;
grant execute on function private.is_account_manager(uuid) to authenticated, service_role;

create table public.iptv_providers (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 80 and name !~ '[[:cntrl:]]'),
  kind text not null check (kind in ('m3u', 'xtream')),
  -- m3u: the playlist URL, or null when the playlist was uploaded (then playlist_text holds it).
  playlist_url text check (char_length(playlist_url) <= 2048),
  playlist_text text check (octet_length(playlist_text) <= 16 * 1024 * 1024),
  -- xtream: the panel's base URL; the user name and password are in secret_ciphertext.
  xtream_server text check (char_length(xtream_server) <= 2048),
  -- Guide URL override (else the playlist header's, or the panel's xmltv.php).
  epg_url text check (char_length(epg_url) <= 2048),
  -- AES-256-GCM under the key named by secret_key_id (iptv-credentials purpose key).
  secret_key_id text check (secret_key_id ~ '^[0-9a-f]{8}$'),
  secret_ciphertext text check (char_length(secret_ciphertext) <= 4096),
  refresh_minutes integer not null default 720 check (refresh_minutes between 15 and 10080),
  refresh_requested_at timestamptz,
  last_refresh_at timestamptz,
  last_refresh_state text not null default 'never' check (last_refresh_state in ('never', 'running', 'ok', 'failed')),
  last_refresh_message text check (char_length(last_refresh_message) <= 500),
  last_refresh_counts jsonb,
  created_at timestamptz not null default now(),
  constraint iptv_providers_source_check check (
    (kind = 'm3u' and (playlist_url is not null or playlist_text is not null)) or
    (kind = 'xtream' and xtream_server is not null and secret_ciphertext is not null))
);
create index iptv_providers_account_id_idx on public.iptv_providers (account_id);
alter table public.iptv_providers enable row level security;
-- Everything but the playlist text and the credentials.
grant select (id, account_id, name, kind, playlist_url, xtream_server, epg_url, refresh_minutes, refresh_requested_at,
              last_refresh_at, last_refresh_state, last_refresh_message, last_refresh_counts, created_at)
  on public.iptv_providers to authenticated;
grant insert (account_id, name, kind, playlist_url, playlist_text, xtream_server, epg_url, secret_key_id, secret_ciphertext, refresh_minutes, refresh_requested_at)
  on public.iptv_providers to authenticated;
grant update (name, playlist_url, playlist_text, xtream_server, epg_url, secret_key_id, secret_ciphertext, refresh_minutes, refresh_requested_at)
  on public.iptv_providers to authenticated;
grant delete on public.iptv_providers to authenticated;
grant all on public.iptv_providers to service_role;
create policy "members see their family's providers" on public.iptv_providers
  for select to authenticated using ((select private.is_account_member(account_id)));
create policy "the account manager adds providers" on public.iptv_providers
  for insert to authenticated with check ((select private.is_account_manager(account_id)));
create policy "the account manager changes providers" on public.iptv_providers
  for update to authenticated using ((select private.is_account_manager(account_id))) with check ((select private.is_account_manager(account_id)));
create policy "the account manager removes providers" on public.iptv_providers
  for delete to authenticated using ((select private.is_account_manager(account_id)));

-- Which groups of a provider an adult allowed a kids profile. Account level: the adult writes
-- it for the child; the child's own session reads it (so its channel list can be filtered).
create table public.live_kids_groups (
  account_id uuid not null references public.accounts (id) on delete cascade,
  kids_profile_id uuid not null references public.profiles (id) on delete cascade,
  provider_id uuid not null references public.iptv_providers (id) on delete cascade,
  group_name text not null check (char_length(group_name) between 1 and 200),
  primary key (kids_profile_id, provider_id, group_name)
);
create index live_kids_groups_provider_id_idx on public.live_kids_groups (provider_id);
alter table public.live_kids_groups enable row level security;
grant select, insert, delete on public.live_kids_groups to authenticated;
grant all on public.live_kids_groups to service_role;
create policy "members see the groups allowed to their kids" on public.live_kids_groups
  for select to authenticated using ((select private.is_account_member(account_id)));
create policy "the account manager allows groups" on public.live_kids_groups
  for insert to authenticated with check ((select private.is_account_manager(account_id))
    and exists (select 1 from public.profiles p where p.id = kids_profile_id and p.account_id = live_kids_groups.account_id and p.is_kids)
    and exists (select 1 from public.iptv_providers v where v.id = provider_id and v.account_id = live_kids_groups.account_id));
create policy "the account manager withdraws groups" on public.live_kids_groups
  for delete to authenticated using ((select private.is_account_manager(account_id)));

-- The selected profile is a kids profile (null profile: not).
create function private.selected_profile_is_kids() returns boolean
  language plpgsql stable security definer set search_path = ''
  as $$
  begin
    return coalesce((select p.is_kids from public.profiles p where p.id = (select private.selected_profile_id())), false);
  end
  $$;
revoke all on function private.selected_profile_is_kids() from public;
grant execute on function private.selected_profile_is_kids() to authenticated, service_role;

-- Is this provider the signed-in user's family's? Definer: reads providers past their policy.
create function private.can_see_provider(target_provider uuid) returns boolean
  language plpgsql stable security definer set search_path = ''
  as $$
  begin
    return exists (select 1 from public.iptv_providers v join public.account_members m on m.account_id = v.account_id
                    where v.id = target_provider and m.user_id = (select auth.uid()));
  end
  $$;
revoke all on function private.can_see_provider(uuid) from public;
grant execute on function private.can_see_provider(uuid) to authenticated, service_role;

create table catalog.iptv_channels (
  id bigint generated always as identity primary key,
  provider_id uuid not null references public.iptv_providers (id) on delete cascade,
  -- Stable across refreshes: the Xtream stream id, else tvg-id and name (favourites survive a refresh).
  channel_key text not null check (char_length(channel_key) between 1 and 600),
  position integer not null default 0,
  name text not null check (char_length(name) between 1 and 300),
  number integer,
  group_name text check (char_length(group_name) <= 200),
  logo_url text check (char_length(logo_url) <= 2048),
  tvg_id text check (char_length(tvg_id) <= 300),
  -- The guide's channel this one was matched to (by tvg-id, then by normalized name).
  epg_channel text check (char_length(epg_channel) <= 300),
  -- Not readable by people: the provider's URL (Xtream puts credentials in it) and its headers.
  stream_url text not null check (char_length(stream_url) <= 4096),
  stream_headers jsonb not null default '{}',
  catchup_type text check (char_length(catchup_type) <= 32),
  catchup_days integer check (catchup_days between 0 and 365),
  catchup_source text check (char_length(catchup_source) <= 4096),
  -- 'multicast': rtp:// or udp:// — shown, with the reason it cannot be played here.
  playable text not null default 'yes' check (playable in ('yes', 'multicast', 'unsupported')),
  seen_at timestamptz not null default now(),
  unique (provider_id, channel_key)
);
create index iptv_channels_provider_position_idx on catalog.iptv_channels (provider_id, position);
create index iptv_channels_provider_group_idx on catalog.iptv_channels (provider_id, group_name);
alter table catalog.iptv_channels enable row level security;
grant select (id, provider_id, channel_key, position, name, number, group_name, logo_url, tvg_id, epg_channel, catchup_type, catchup_days, playable, seen_at)
  on catalog.iptv_channels to authenticated;
grant all on catalog.iptv_channels to service_role;
create policy "members see their providers' channels, kids only allowed groups" on catalog.iptv_channels
  for select to authenticated using (
    (select private.can_see_provider(provider_id))
    and (not (select private.selected_profile_is_kids())
         or exists (select 1 from public.live_kids_groups g
                     where g.kids_profile_id = (select private.selected_profile_id()) and g.provider_id = iptv_channels.provider_id and g.group_name = iptv_channels.group_name)));

create table catalog.iptv_programmes (
  channel_id bigint not null references catalog.iptv_channels (id) on delete cascade,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  title text not null check (char_length(title) between 1 and 500),
  subtitle text check (char_length(subtitle) <= 500),
  description text check (char_length(description) <= 16384),
  categories text[] not null default '{}',
  season integer,
  episode integer,
  rating text check (char_length(rating) <= 32),
  icon_url text check (char_length(icon_url) <= 2048),
  primary key (channel_id, starts_at),
  check (ends_at > starts_at)
);
create index iptv_programmes_channel_ends_idx on catalog.iptv_programmes (channel_id, ends_at);
alter table catalog.iptv_programmes enable row level security;
grant select on catalog.iptv_programmes to authenticated;
grant all on catalog.iptv_programmes to service_role;
-- A programme is visible with its channel (the channel's policy applies inside this one).
create policy "programmes are seen with their channel" on catalog.iptv_programmes
  for select to authenticated using (exists (select 1 from catalog.iptv_channels c where c.id = iptv_programmes.channel_id));

-- Profile level: favourites (in the person's order), recently watched, hidden groups.
create table public.live_favorites (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  channel_id bigint not null references catalog.iptv_channels (id) on delete cascade,
  position integer not null default 0,
  added_at timestamptz not null default now(),
  primary key (profile_id, channel_id)
);
create table public.live_recent (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  channel_id bigint not null references catalog.iptv_channels (id) on delete cascade,
  watched_at timestamptz not null default now(),
  primary key (profile_id, channel_id)
);
create index live_recent_profile_watched_idx on public.live_recent (profile_id, watched_at desc);
create table public.live_hidden_groups (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  provider_id uuid not null references public.iptv_providers (id) on delete cascade,
  group_name text not null check (char_length(group_name) between 1 and 200),
  primary key (profile_id, provider_id, group_name)
);
create index live_favorites_channel_idx on public.live_favorites (channel_id);
create index live_recent_channel_idx on public.live_recent (channel_id);
create index live_hidden_groups_provider_idx on public.live_hidden_groups (provider_id);

-- Inserts and updates also need the channel (or provider) to be one this profile can see: a
-- foreign key alone would let anyone point at another family's channel.
do $$
declare
  t text;
  visible text;
begin
  foreach t in array array['live_favorites', 'live_recent', 'live_hidden_groups'] loop
    visible := case when t = 'live_hidden_groups' then '(select private.can_see_provider(provider_id))'
                    else 'exists (select 1 from catalog.iptv_channels c where c.id = channel_id)' end;
    execute format('alter table public.%I enable row level security', t);
    execute format('grant select, insert, update, delete on public.%I to authenticated', t);
    execute format('grant all on public.%I to service_role', t);
    execute format('create policy %I on public.%I for select to authenticated using (profile_id = (select private.selected_profile_id()))',
                   'the selected profile reads its ' || replace(t, '_', ' '), t);
    execute format('create policy %I on public.%I for insert to authenticated with check (profile_id = (select private.selected_profile_id()) and %s)',
                   'the selected profile adds to its ' || replace(t, '_', ' '), t, visible);
    execute format('create policy %I on public.%I for update to authenticated using (profile_id = (select private.selected_profile_id())) with check (profile_id = (select private.selected_profile_id()) and %s)',
                   'the selected profile changes its ' || replace(t, '_', ' '), t, visible);
    execute format('create policy %I on public.%I for delete to authenticated using (profile_id = (select private.selected_profile_id()))',
                   'the selected profile deletes from its ' || replace(t, '_', ' '), t);
  end loop;
end
$$;
