-- purpose: what each person did or chose, kept per profile. Profile-level scope
-- (../shared/DESIGN.md): every table has profile_id, and every policy — select, insert,
-- update, delete — admits a row only while that very profile is selected and belongs to an
-- account of auth.uid() (private.selected_profile_id()). No profile selected: no rows.
-- creates: watch_history, watch_progress, favorites, watchlist, collections, collection_items,
-- search_history, player_settings. Deleting a profile deletes its rows (on delete cascade).
-- destructive: nothing.

-- Torrents are named by their v1 info hash (40 hex) throughout; the catalog arrives later.
create domain public.info_hash as text check (value ~ '^[0-9a-f]{40}$');

-- watch_history: every play, newest first.
create table public.watch_history (
  id bigint generated always as identity primary key,
  profile_id uuid not null references public.profiles (id) on delete cascade,
  info_hash public.info_hash not null,
  file_index integer not null default 0 check (file_index >= 0),
  title text not null check (char_length(title) between 1 and 300),
  position_s integer not null default 0 check (position_s >= 0),
  duration_s integer check (duration_s > 0),
  watched_at timestamptz not null default now()
);
create index watch_history_profile_id_watched_at_idx on public.watch_history (profile_id, watched_at desc);

-- watch_progress: the resume point of each file, one row per file.
create table public.watch_progress (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  info_hash public.info_hash not null,
  file_index integer not null default 0 check (file_index >= 0),
  title text not null check (char_length(title) between 1 and 300),
  position_s integer not null check (position_s >= 0),
  duration_s integer not null check (duration_s > 0),
  updated_at timestamptz not null default now(),
  primary key (profile_id, info_hash, file_index)
);
create index watch_progress_profile_id_updated_at_idx on public.watch_progress (profile_id, updated_at desc);

-- favorites and watchlist ("My list"): titles a person marked.
create table public.favorites (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  info_hash public.info_hash not null,
  title text not null check (char_length(title) between 1 and 300),
  created_at timestamptz not null default now(),
  primary key (profile_id, info_hash)
);
create table public.watchlist (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  info_hash public.info_hash not null,
  title text not null check (char_length(title) between 1 and 300),
  added_at timestamptz not null default now(),
  primary key (profile_id, info_hash)
);

-- collections: a person's named lists; items carry the profile too, and the composite key
-- keeps an item from pointing into another profile's collection.
create table public.collections (
  id uuid primary key default gen_random_uuid(),
  profile_id uuid not null references public.profiles (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 80 and name !~ '[[:cntrl:]]'),
  created_at timestamptz not null default now(),
  unique (id, profile_id)
);
create index collections_profile_id_idx on public.collections (profile_id);
create table public.collection_items (
  collection_id uuid not null,
  profile_id uuid not null references public.profiles (id) on delete cascade,
  info_hash public.info_hash not null,
  title text not null check (char_length(title) between 1 and 300),
  position integer not null default 0,
  added_at timestamptz not null default now(),
  primary key (collection_id, info_hash),
  foreign key (collection_id, profile_id) references public.collections (id, profile_id) on delete cascade
);
create index collection_items_profile_id_idx on public.collection_items (profile_id);

-- search_history: what a person searched, for suggestions; never shared across profiles.
create table public.search_history (
  id bigint generated always as identity primary key,
  profile_id uuid not null references public.profiles (id) on delete cascade,
  query text not null check (char_length(query) between 1 and 200),
  searched_at timestamptz not null default now()
);
create index search_history_profile_id_searched_at_idx on public.search_history (profile_id, searched_at desc);

-- player_settings: one row per profile.
create table public.player_settings (
  profile_id uuid primary key references public.profiles (id) on delete cascade,
  subtitle_language text check (subtitle_language ~ '^[a-z]{2,3}$'),
  audio_language text check (audio_language ~ '^[a-z]{2,3}$'),
  subtitle_size text not null default 'medium' check (subtitle_size in ('small', 'medium', 'large')),
  playback_rate numeric(3, 2) not null default 1.00 check (playback_rate between 0.25 and 3.00),
  autoplay_next boolean not null default true,
  updated_at timestamptz not null default now()
);

-- The same grants and four policies on every profile-level table.
do $$
declare
  t text;
begin
  foreach t in array array['watch_history', 'watch_progress', 'favorites', 'watchlist', 'collections',
                           'collection_items', 'search_history', 'player_settings'] loop
    execute format('alter table public.%I enable row level security', t);
    execute format('grant select, insert, update, delete on public.%I to authenticated', t);
    execute format('grant all on public.%I to service_role', t);
    execute format('create policy %I on public.%I for select to authenticated using (profile_id = (select private.selected_profile_id()))',
                   'the selected profile reads its ' || replace(t, '_', ' '), t);
    execute format('create policy %I on public.%I for insert to authenticated with check (profile_id = (select private.selected_profile_id()))',
                   'the selected profile adds to its ' || replace(t, '_', ' '), t);
    execute format('create policy %I on public.%I for update to authenticated using (profile_id = (select private.selected_profile_id())) with check (profile_id = (select private.selected_profile_id()))',
                   'the selected profile changes its ' || replace(t, '_', ' '), t);
    execute format('create policy %I on public.%I for delete to authenticated using (profile_id = (select private.selected_profile_id()))',
                   'the selected profile deletes from its ' || replace(t, '_', ' '), t);
  end loop;
end
$$;
