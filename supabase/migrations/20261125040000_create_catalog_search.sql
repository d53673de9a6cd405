-- purpose: full-text and fuzzy search over the torrent catalog.
-- scope: catalog (unchanged). creates: catalog.torrents.search_vector (generated from the parsed
-- title and the raw name, 'simple' configuration: release names are not prose in one language),
-- its GIN index, and a trigram index on the name for typo tolerance and substrings.
-- destructive: nothing.
alter table catalog.torrents
  add column search_vector tsvector generated always as (
    setweight(to_tsvector('simple', coalesce(title, '')), 'A') || setweight(to_tsvector('simple', regexp_replace(name, '[._\-\[\]()]+', ' ', 'g')), 'B')
  ) stored;
create index torrents_search_vector_idx on catalog.torrents using gin (search_vector);
create index torrents_name_trgm_idx on catalog.torrents using gin (name extensions.gin_trgm_ops);
create index torrents_seeders_idx on catalog.torrents (seeders desc nulls last, info_hash);
create index torrents_size_idx on catalog.torrents (size_bytes desc, info_hash);
