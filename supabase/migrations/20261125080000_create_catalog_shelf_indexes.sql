-- purpose: the home page's shelves and the title page's other versions without reading the
-- catalog: each shelf is one content type ordered by seeders (an index on exactly that order),
-- and a title's versions are the torrents of the same parsed title and year.
-- scope: catalog (unchanged). creates: two indexes. destructive: no.
create index torrents_type_seeders_idx on catalog.torrents (content_type, (coalesce(seeders, -1)::float8) desc, info_hash);
create index torrents_title_year_idx on catalog.torrents (lower(title), year) where title is not null;
