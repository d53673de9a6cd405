-- purpose: Podcasts and internet radio — the feeds, episodes and stations everyone can find, and
-- what each person does with them. Scopes, by the tree in ../shared/DESIGN.md:
--   catalog level  catalog.podcast_feeds, catalog.podcast_episodes, catalog.radio_stations:
--                  public material (a feed or a station is the same for every family), written
--                  by the media node (service role) only and readable by signed-in people. A
--                  kids profile sees only the feeds and stations an adult allowed it, and no
--                  episode marked itunes:explicit. A feed's fetch state (ETag, Last-Modified,
--                  backoff) is the node's and is not readable by people.
--   account level  public.podcast_kids_allowed, public.radio_kids_allowed: what an adult
--                  allowed each kids profile (default: nothing).
--   profile level  public.podcast_subscriptions (with the per-podcast speed and skips),
--                  public.podcast_episode_progress, public.podcast_queue, public.radio_favorites,
--                  public.radio_recent: the four standard policies of profile data, and a row
--                  may name only a feed, episode or station the profile can see.
-- destructive: nothing.

create table catalog.podcast_feeds (
  id bigint generated always as identity primary key,
  -- Where the feed is fetched now (after itunes:new-feed-url or a 301, the new address).
  url text not null unique check (char_length(url) between 1 and 2048),
  -- The address it had before it last moved, and when it moved.
  moved_from text check (char_length(moved_from) <= 2048),
  moved_at timestamptz,
  podcast_guid text check (char_length(podcast_guid) <= 200),
  title text not null check (char_length(title) between 1 and 500),
  author text check (char_length(author) <= 500),
  description text check (char_length(description) <= 16384),
  link text check (char_length(link) <= 2048),
  image_url text check (char_length(image_url) <= 2048),
  language text check (char_length(language) <= 35),
  categories text[] not null default '{}',
  explicit boolean not null default false,
  -- Podcasting 2.0 blocks kept as the feed gives them: funding, value, persons, locked, medium.
  extras jsonb not null default '{}',
  -- The node's fetch state.
  etag text check (char_length(etag) <= 500),
  last_modified text check (char_length(last_modified) <= 100),
  error_count integer not null default 0,
  next_fetch_at timestamptz not null default now(),
  refresh_requested_at timestamptz,
  last_fetch_at timestamptz,
  last_fetch_state text not null default 'never' check (last_fetch_state in ('never', 'ok', 'not_modified', 'failed')),
  last_fetch_message text check (char_length(last_fetch_message) <= 500),
  last_new_episodes integer not null default 0,
  created_at timestamptz not null default now()
);
create index podcast_feeds_guid_idx on catalog.podcast_feeds (podcast_guid) where podcast_guid is not null;
create index podcast_feeds_next_fetch_idx on catalog.podcast_feeds (next_fetch_at);

create table catalog.podcast_episodes (
  id bigint generated always as identity primary key,
  feed_id bigint not null references catalog.podcast_feeds (id) on delete cascade,
  -- The item's guid, else its enclosure URL: stable across refreshes (progress survives them).
  guid text not null check (char_length(guid) between 1 and 2048),
  title text not null check (char_length(title) between 1 and 1000),
  description text check (char_length(description) <= 65536),
  published_at timestamptz,
  enclosure_url text not null check (char_length(enclosure_url) between 1 and 4096),
  enclosure_type text check (char_length(enclosure_type) <= 100),
  enclosure_length bigint,
  duration_s integer check (duration_s >= 0),
  season integer,
  episode integer,
  episode_type text check (char_length(episode_type) <= 20),
  explicit boolean not null default false,
  image_url text check (char_length(image_url) <= 2048),
  chapters_url text check (char_length(chapters_url) <= 2048),
  -- [{url, type, language, rel}] from podcast:transcript.
  transcripts jsonb not null default '[]',
  -- persons, value, soundbites, alternate enclosures: kept as given.
  extras jsonb not null default '{}',
  seen_at timestamptz not null default now(),
  unique (feed_id, guid)
);
create index podcast_episodes_feed_published_idx on catalog.podcast_episodes (feed_id, published_at desc nulls last);

create table catalog.radio_stations (
  id bigint generated always as identity primary key,
  -- 'rb:<stationuuid>' for Radio Browser stations, 'url:<stream url>' for ones from a playlist.
  station_key text not null unique check (char_length(station_key) between 4 and 4200),
  station_uuid uuid,
  source text not null check (source in ('radio-browser', 'playlist')),
  name text not null check (char_length(name) between 1 and 400),
  stream_url text not null check (char_length(stream_url) between 1 and 4096),
  homepage text check (char_length(homepage) <= 2048),
  favicon_url text check (char_length(favicon_url) <= 2048),
  tags text[] not null default '{}',
  country text check (char_length(country) <= 100),
  countrycode text check (char_length(countrycode) <= 2),
  languages text[] not null default '{}',
  codec text check (char_length(codec) <= 40),
  bitrate integer,
  hls boolean not null default false,
  votes integer,
  last_check_ok boolean,
  seen_at timestamptz not null default now()
);

create table public.podcast_kids_allowed (
  account_id uuid not null references public.accounts (id) on delete cascade,
  kids_profile_id uuid not null references public.profiles (id) on delete cascade,
  feed_id bigint not null references catalog.podcast_feeds (id) on delete cascade,
  primary key (kids_profile_id, feed_id)
);
create index podcast_kids_allowed_feed_idx on public.podcast_kids_allowed (feed_id);
create index podcast_kids_allowed_account_idx on public.podcast_kids_allowed (account_id);
create table public.radio_kids_allowed (
  account_id uuid not null references public.accounts (id) on delete cascade,
  kids_profile_id uuid not null references public.profiles (id) on delete cascade,
  station_id bigint not null references catalog.radio_stations (id) on delete cascade,
  primary key (kids_profile_id, station_id)
);
create index radio_kids_allowed_station_idx on public.radio_kids_allowed (station_id);
create index radio_kids_allowed_account_idx on public.radio_kids_allowed (account_id);
do $$
declare
  t text;
begin
  foreach t in array array['podcast_kids_allowed', 'radio_kids_allowed'] loop
    execute format('alter table public.%I enable row level security', t);
    execute format('grant select, insert, delete on public.%I to authenticated', t);
    execute format('grant all on public.%I to service_role', t);
    execute format('create policy %I on public.%I for select to authenticated using ((select private.is_account_member(account_id)))',
                   'members see what their kids are allowed (' || t || ')', t);
    execute format('create policy %I on public.%I for insert to authenticated with check ((select private.is_account_manager(account_id))
                      and exists (select 1 from public.profiles p where p.id = kids_profile_id and p.account_id = %I.account_id and p.is_kids))',
                   'the account manager allows (' || t || ')', t, t);
    execute format('create policy %I on public.%I for delete to authenticated using ((select private.is_account_manager(account_id)))',
                   'the account manager withdraws (' || t || ')', t);
  end loop;
end
$$;

alter table catalog.podcast_feeds enable row level security;
alter table catalog.podcast_episodes enable row level security;
alter table catalog.radio_stations enable row level security;
grant select (id, url, moved_from, moved_at, podcast_guid, title, author, description, link, image_url, language, categories, explicit, extras,
              last_fetch_at, last_fetch_state, last_fetch_message, last_new_episodes, created_at)
  on catalog.podcast_feeds to authenticated;
grant select on catalog.podcast_episodes, catalog.radio_stations to authenticated;
grant all on catalog.podcast_feeds, catalog.podcast_episodes, catalog.radio_stations to service_role;
create policy "signed-in people see feeds, kids only allowed ones" on catalog.podcast_feeds
  for select to authenticated using (
    not (select private.selected_profile_is_kids())
    or exists (select 1 from public.podcast_kids_allowed k where k.kids_profile_id = (select private.selected_profile_id()) and k.feed_id = podcast_feeds.id));
create policy "episodes are seen with their feed, kids never explicit ones" on catalog.podcast_episodes
  for select to authenticated using (
    exists (select 1 from catalog.podcast_feeds f where f.id = podcast_episodes.feed_id)
    and (not explicit or not (select private.selected_profile_is_kids())));
create policy "signed-in people see stations, kids only allowed ones" on catalog.radio_stations
  for select to authenticated using (
    not (select private.selected_profile_is_kids())
    or exists (select 1 from public.radio_kids_allowed k where k.kids_profile_id = (select private.selected_profile_id()) and k.station_id = radio_stations.id));

-- Profile level.
create table public.podcast_subscriptions (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  feed_id bigint not null references catalog.podcast_feeds (id) on delete cascade,
  speed numeric(3, 2) not null default 1.00 check (speed between 0.5 and 3),
  skip_intro_s integer not null default 0 check (skip_intro_s between 0 and 600),
  skip_outro_s integer not null default 0 check (skip_outro_s between 0 and 600),
  subscribed_at timestamptz not null default now(),
  primary key (profile_id, feed_id)
);
create index podcast_subscriptions_feed_idx on public.podcast_subscriptions (feed_id);
create table public.podcast_episode_progress (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  episode_id bigint not null references catalog.podcast_episodes (id) on delete cascade,
  position_s real not null default 0 check (position_s >= 0),
  duration_s real check (duration_s >= 0),
  played boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (profile_id, episode_id)
);
create index podcast_episode_progress_episode_idx on public.podcast_episode_progress (episode_id);
create index podcast_episode_progress_recent_idx on public.podcast_episode_progress (profile_id, updated_at desc);
create table public.podcast_queue (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  episode_id bigint not null references catalog.podcast_episodes (id) on delete cascade,
  position integer not null default 0,
  added_at timestamptz not null default now(),
  primary key (profile_id, episode_id)
);
create index podcast_queue_episode_idx on public.podcast_queue (episode_id);
create table public.radio_favorites (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  station_id bigint not null references catalog.radio_stations (id) on delete cascade,
  position integer not null default 0,
  added_at timestamptz not null default now(),
  primary key (profile_id, station_id)
);
create index radio_favorites_station_idx on public.radio_favorites (station_id);
create table public.radio_recent (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  station_id bigint not null references catalog.radio_stations (id) on delete cascade,
  played_at timestamptz not null default now(),
  primary key (profile_id, station_id)
);
create index radio_recent_station_idx on public.radio_recent (station_id);
create index radio_recent_profile_played_idx on public.radio_recent (profile_id, played_at desc);

-- Inserts and updates also need the feed, episode or station to be one this profile can see
-- (a kids profile cannot subscribe itself to a feed nobody allowed it).
do $$
declare
  t text;
  visible text;
begin
  foreach t in array array['podcast_subscriptions', 'podcast_episode_progress', 'podcast_queue', 'radio_favorites', 'radio_recent'] loop
    visible := case
      when t = 'podcast_subscriptions' then 'exists (select 1 from catalog.podcast_feeds f where f.id = feed_id)'
      when t in ('podcast_episode_progress', 'podcast_queue') then 'exists (select 1 from catalog.podcast_episodes e where e.id = episode_id)'
      else 'exists (select 1 from catalog.radio_stations s where s.id = station_id)' end;
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
