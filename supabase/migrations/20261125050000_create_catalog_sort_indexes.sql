-- purpose: browsing the catalog sorted by seeders, size or date, page after page, without reading
-- the whole table: indexes on exactly the sort keys the search orders and pages by (the key, then
-- the info hash as tie-breaker), which replace the two plain ones.
-- scope: catalog (unchanged). destructive: drops torrents_seeders_idx and torrents_size_idx.
drop index catalog.torrents_seeders_idx;
drop index catalog.torrents_size_idx;
create index torrents_seeders_sort_idx on catalog.torrents ((coalesce(seeders, -1)::float8) desc, info_hash);
create index torrents_size_sort_idx on catalog.torrents ((size_bytes::float8) desc, info_hash);
create index torrents_discovered_sort_idx on catalog.torrents (discovered_at desc, info_hash);
