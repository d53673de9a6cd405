-- purpose: what ingest learns from a torrent's name and files (content type, parsed release
-- fields, adult flag), and adult content hidden unless the selected profile allows it.
-- scope: catalog columns (catalog scope, unchanged); profiles.allow_adult is an account-level
-- setting of a profile, like is_kids. Kids profiles can never allow adult content.
-- changes: catalog.torrents gains columns; the catalog's select policies are replaced by ones
-- that hide adult rows; public.profiles gains allow_adult.
-- destructive: drops and recreates the two catalog select policies (same names are not reused).

alter table catalog.torrents
  add column content_type text not null default 'other' check (content_type in (
    'movie', 'tv_episode', 'tv_season', 'music_album', 'music_track', 'ebook', 'audiobook', 'comic', 'podcast', 'software', 'adult', 'other')),
  add column title text check (char_length(title) <= 500),
  add column year smallint check (year between 1870 and 2100),
  add column season smallint check (season >= 0),
  add column episode integer check (episode >= 0),
  add column resolution text check (char_length(resolution) <= 16),
  add column video_codec text check (char_length(video_codec) <= 32),
  add column audio_codec text check (char_length(audio_codec) <= 32),
  -- BluRay, WEB-DL, HDTV…: where the release came from (not where we learned of it: `source`)
  add column release_source text check (char_length(release_source) <= 32),
  add column language text check (char_length(language) <= 32),
  add column release_group text check (char_length(release_group) <= 64),
  add column is_adult boolean not null default false;
create index torrents_content_type_idx on catalog.torrents (content_type);
create index torrents_is_adult_idx on catalog.torrents (is_adult) where is_adult;

alter table public.profiles
  add column allow_adult boolean not null default false,
  add constraint profiles_kids_no_adult_check check (not (is_kids and allow_adult));
grant update (allow_adult) on public.profiles to authenticated;

-- Whether the selected profile shows adult content: never without a selected profile, never
-- for a kids profile.
create function private.selected_profile_allows_adult() returns boolean
  language sql stable security definer set search_path = ''
  as $$
    select coalesce((select p.allow_adult and not p.is_kids from public.profiles p where p.id = (select private.selected_profile_id())), false)
  $$;
revoke all on function private.selected_profile_allows_adult() from public;
grant execute on function private.selected_profile_allows_adult() to authenticated, service_role;

drop policy "signed-in people read the catalog" on catalog.torrents;
create policy "signed-in people read the catalog, adult titles only where the profile allows them" on catalog.torrents
  for select to authenticated using (not is_adult or (select private.selected_profile_allows_adult()));

drop policy "signed-in people read the catalog's files" on catalog.torrent_files;
create policy "signed-in people read the files of the torrents they may see" on catalog.torrent_files
  for select to authenticated using (
    exists (select 1 from catalog.torrents t where t.info_hash = torrent_files.info_hash
             and (not t.is_adult or (select private.selected_profile_allows_adult())))
  );
