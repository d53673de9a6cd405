-- purpose: the rating a new release inherits from a rated release of the same title and year
-- (content-rating.ts inheritTitleRatings) looked at every torrent of that title, rated or not:
-- two thirds of a Bitmagnet import's time, and slower as the catalog grew. Only rated torrents
-- can give a rating, and they are few: an index of those alone makes each look-up one probe.
-- scope: catalog (an index).
-- creates: index catalog.torrents_rated_title_year_idx.
-- destructive: nothing.
create index torrents_rated_title_year_idx on catalog.torrents (lower(title), year, content_rating)
  where title is not null and content_rating is not null;
