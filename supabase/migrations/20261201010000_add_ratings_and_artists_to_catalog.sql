-- purpose: (1) age ratings in the catalog, and a profile's rating ceiling applied wherever the
-- catalog is read: a profile with a max_rating (every kids profile has one) sees only titles
-- whose rating is known and at or under it. Unrated titles are hidden from such a profile — a
-- kids profile is shown what is known to be fit for it, never what merely is not known to be
-- unfit. Profiles without a ceiling, and reads without a selected profile, keep the adult rule only.
-- Ratings use the MPAA scale of profiles.max_rating; other systems (TV Parental Guidelines, BBFC,
-- FSK, explicit/clean music) are mapped onto it by the writer (media-node/src/catalog/content-rating.ts).
-- (2) the artist of music releases, for artist pages: parsed from the name at ingest
-- ("Artist - Album (Year)"), replaced by the files' own tags once the media node has read them
-- (artist_from_tags; a later sighting's name never overrides tags).
-- scope: catalog column (catalog scope, unchanged: services write it, signed-in people read it).
-- changes: catalog.torrents gains content_rating, artist, artist_from_tags and an artist index;
-- the view catalog.visible_torrents and the two catalog select policies gain the ceiling.
-- destructive: drops and recreates the two catalog select policies; replaces the view (same columns, the new ones added at the end).

alter table catalog.torrents
  add column content_rating text check (content_rating in ('G', 'PG', 'PG-13', 'R', 'NC-17')),
  add column artist text check (char_length(artist) between 1 and 300),
  add column artist_from_tags boolean not null default false;
-- An artist's page: their releases, best-seeded first, without reading the catalog.
create index torrents_artist_seeders_idx on catalog.torrents (lower(artist), (coalesce(seeders, -1)::float8) desc, info_hash) where artist is not null;

-- The place of a rating on the scale (G = 1 … NC-17 = 5); null for null or unknown.
create function private.rating_rank(rating text) returns smallint
  language sql immutable parallel safe set search_path = ''
  as $$ select case rating when 'G' then 1 when 'PG' then 2 when 'PG-13' then 3 when 'R' then 4 when 'NC-17' then 5 end::smallint $$;
revoke all on function private.rating_rank(text) from public;
grant execute on function private.rating_rank(text) to authenticated, service_role;

-- The selected profile's ceiling on that scale; null when it has none or no profile is selected.
create function private.selected_profile_rating_ceiling() returns smallint
  language sql stable security definer set search_path = ''
  as $$ select private.rating_rank(p.max_rating) from public.profiles p where p.id = (select private.selected_profile_id()) $$;
revoke all on function private.selected_profile_rating_ceiling() from public;
grant execute on function private.selected_profile_rating_ceiling() to authenticated, service_role;

-- Both conditions are written with (select …) so each function runs once per statement, not per
-- row, and with no ceiling the rating test is never evaluated (search keeps its plans).
drop policy "signed-in people read the catalog, adult titles only where the profile allows them" on catalog.torrents;
create policy "signed-in people read the catalog the selected profile may see" on catalog.torrents
  for select to authenticated using (
    (not is_adult or (select private.selected_profile_allows_adult()))
    and ((select private.selected_profile_rating_ceiling()) is null
         or private.rating_rank(content_rating) <= (select private.selected_profile_rating_ceiling()))
  );

drop policy "signed-in people read the files of the torrents they may see" on catalog.torrent_files;
create policy "signed-in people read the files of the torrents the selected profile may see" on catalog.torrent_files
  for select to authenticated using (
    exists (select 1 from catalog.torrents t where t.info_hash = torrent_files.info_hash
             and (not t.is_adult or (select private.selected_profile_allows_adult()))
             and ((select private.selected_profile_rating_ceiling()) is null
                  or private.rating_rank(t.content_rating) <= (select private.selected_profile_rating_ceiling())))
  );

create or replace view catalog.visible_torrents as
  select t.* from catalog.torrents t
   where (not t.is_adult or (select private.selected_profile_allows_adult()))
     and ((select private.selected_profile_rating_ceiling()) is null
          or private.rating_rank(t.content_rating) <= (select private.selected_profile_rating_ceiling()));
