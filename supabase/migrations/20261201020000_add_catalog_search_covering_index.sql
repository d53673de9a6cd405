-- purpose: searches on common words (head terms: `the`, `love`, `1080p`) that stay fast at 10M
-- torrents. Such a search wants the best-seeded of hundreds of thousands of matches; through the
-- GIN index that means building a bitmap of every match and reading them all from the heap (a
-- common word with two filters read 180,000 heap pages, 1.2–40 s at 10M rows). Walking the
-- seeders order instead stops after the first matches, and this index makes that walk read the
-- index only: it carries, beside the seeders key, everything a search tests (the words, the
-- filters, what visible_torrents checks), so a common word finds its 1,000 best-seeded matches
-- in milliseconds. The words are a copy of search_vector, `search_head`, because an index entry
-- has a size limit (2,704 bytes) that search_vector can pass on long names of many short words;
-- for those few torrents search_head is null and searches find them through search_vector and
-- its own small index (see app/lib/search.server.ts, which asks for both).
-- Also: statistics on lower(resolution) and lower(language), the forms searches filter on (the
-- planner guessed 0.5% for any value and chose bitmaps it should not have); the plain index on
-- content_type goes — torrents_type_seeders_idx leads with the same column, and bitmaps of half
-- the table ANDed into word searches were the slowest plans seen.
-- scope: catalog (unchanged). creates: catalog.torrents.search_head (through
-- private.tsvector_if_indexable), torrents_search_head_idx,
-- torrents_search_vector_long_idx, torrents_seeders_search_idx, two statistics objects; replaces
-- the view catalog.visible_torrents (same columns, search_head added at the end).
-- destructive: drops torrents_search_vector_idx, torrents_seeders_sort_idx and
-- torrents_content_type_idx (each replaced as above); adding a stored column rewrites the table.
-- The words as they are when they fit in an index entry with the other columns, else null. Their
-- text form is 1,400 characters at most: the stored form is then under ~2,250 bytes, room left.
create function private.tsvector_if_indexable(words tsvector) returns tsvector
  language sql immutable parallel safe set search_path = ''
  as $$ select case when octet_length(words::text) <= 1400 then words end $$;
-- Execute stays public: whoever inserts a torrent computes the column (a pure function of its argument).

alter table catalog.torrents
  add column search_head tsvector generated always as (
    private.tsvector_if_indexable(setweight(to_tsvector('simple', coalesce(title, '')), 'A') || setweight(to_tsvector('simple', regexp_replace(name, '[._\-\[\]()]+', ' ', 'g')), 'B'))
  ) stored;

drop index catalog.torrents_search_vector_idx;
create index torrents_search_head_idx on catalog.torrents using gin (search_head);
create index torrents_search_vector_long_idx on catalog.torrents using gin (search_vector) where search_head is null;

drop index catalog.torrents_seeders_sort_idx;
create index torrents_seeders_search_idx on catalog.torrents ((coalesce(seeders, -1)::float8) desc, info_hash)
  include (seeders, search_head, content_type, resolution, language, year, size_bytes, discovered_at, is_adult, content_rating);
-- The torrents search_head leaves out, in seeders order (a handful; walked beside the index above).
create index torrents_seeders_long_idx on catalog.torrents ((coalesce(seeders, -1)::float8) desc, info_hash) where search_head is null;

drop index catalog.torrents_content_type_idx;
create statistics catalog.torrents_lower_resolution_stats on (lower(resolution)) from catalog.torrents;
create statistics catalog.torrents_lower_language_stats on (lower(language)) from catalog.torrents;

create or replace view catalog.visible_torrents as
  select t.* from catalog.torrents t
   where (not t.is_adult or (select private.selected_profile_allows_adult()))
     and ((select private.selected_profile_rating_ceiling()) is null
          or private.rating_rank(t.content_rating) <= (select private.selected_profile_rating_ceiling()));
