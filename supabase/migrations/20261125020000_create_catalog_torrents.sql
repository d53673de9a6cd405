-- purpose: the torrent catalog's base: torrents and their files, as the media node knows them.
-- scope: catalog (../shared/DESIGN.md) — things that exist for everyone: readable by signed-in
-- users, written only by services (service_role: the demo swarm, later the crawler and the
-- Bitmagnet ETL). Parsed fields (title, year, quality…) and search arrive with the catalog issue.
-- creates: schema catalog; catalog.torrents, catalog.torrent_files.
-- destructive: nothing.
create schema if not exists catalog;
grant usage on schema catalog to authenticated, service_role;

create table catalog.torrents (
  info_hash public.info_hash primary key,
  name text not null check (char_length(name) between 1 and 1000),
  size_bytes bigint not null check (size_bytes >= 0),
  file_count integer not null check (file_count >= 0),
  -- where we learned of it: demo, dht, bitmagnet, upload, magnet
  source text not null check (source ~ '^[a-z_]{1,32}$'),
  seeders integer check (seeders >= 0),
  leechers integer check (leechers >= 0),
  discovered_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index torrents_discovered_at_idx on catalog.torrents (discovered_at desc);
alter table catalog.torrents enable row level security;
grant select on catalog.torrents to authenticated;
grant all on catalog.torrents to service_role;
create policy "signed-in people read the catalog" on catalog.torrents for select to authenticated using (true);

create table catalog.torrent_files (
  info_hash public.info_hash not null references catalog.torrents (info_hash) on delete cascade,
  file_index integer not null check (file_index >= 0),
  path text not null check (char_length(path) between 1 and 4096),
  size_bytes bigint not null check (size_bytes >= 0),
  -- video, audio, ebook, subtitle, image, other
  media_type text not null check (media_type in ('video', 'audio', 'ebook', 'subtitle', 'image', 'other')),
  primary key (info_hash, file_index)
);
alter table catalog.torrent_files enable row level security;
grant select on catalog.torrent_files to authenticated;
grant all on catalog.torrent_files to service_role;
create policy "signed-in people read the catalog's files" on catalog.torrent_files for select to authenticated using (true);
