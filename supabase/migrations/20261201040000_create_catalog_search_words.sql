-- purpose: typo tolerance that stays fast at 10M torrents. A search whose words match nothing
-- looked for names whose words resemble the query (pg_trgm's <% over the trigram index of every
-- name): the index scan of a word's ~12 trigrams, each in millions of names, took ~25 ms at 10M
-- torrents. The catalog's distinct words are far fewer than its names, so the typo is corrected
-- against them instead (`hercles` → hercules) and the corrected words searched as words, through
-- the same indexes as any search. Words only accumulate (a word whose torrents are gone finds
-- nothing, which is harmless). Words of adult torrents are left out: every signed-in person may
-- read this table, and a kids profile must not learn them from it.
-- scope: catalog (reference data, no profile or account). creates: catalog.search_words (select
-- for authenticated, written by triggers on catalog.torrents), its trigram (GiST) index, the function
-- private.record_search_words() and two statement triggers; fills the table from the catalog.
-- destructive: no.
create table catalog.search_words (
  word text primary key check (char_length(word) between 2 and 64)
);
-- GiST, not GIN: the nearest words by trigram distance come straight from the index (KNN), and
-- the planner takes it at any table size (with GIN it preferred testing % on every word).
create index search_words_trgm_idx on catalog.search_words using gist (word extensions.gist_trgm_ops);
alter table catalog.search_words enable row level security;
create policy "signed-in people read the catalog's words" on catalog.search_words for select to authenticated using (true);
grant select on catalog.search_words to authenticated;
grant all on catalog.search_words to service_role;

-- Statement triggers with the new rows as a table: one insert per import batch, not one per torrent.
-- An update brings new words only where the words changed or the torrent stopped being adult;
-- the rest (seeders refreshed by every import) recorded theirs already, and are not read again.
create function private.record_search_words() returns trigger
  language plpgsql security definer set search_path = ''
  as $$
  begin
    if tg_op = 'INSERT' then
      insert into catalog.search_words (word)
        select distinct w from new_rows n, unnest(tsvector_to_array(n.search_vector)) as w
         where not n.is_adult and char_length(w) between 2 and 64
        on conflict do nothing;
    else
      insert into catalog.search_words (word)
        select distinct w from new_rows n join old_rows o on o.info_hash = n.info_hash, unnest(tsvector_to_array(n.search_vector)) as w
         where not n.is_adult and (o.is_adult or n.search_vector is distinct from o.search_vector) and char_length(w) between 2 and 64
        on conflict do nothing;
    end if;
    return null;
  end
  $$;
revoke all on function private.record_search_words() from public;
create trigger torrents_record_search_words_after_insert after insert on catalog.torrents
  referencing new table as new_rows for each statement execute function private.record_search_words();
create trigger torrents_record_search_words_after_update after update on catalog.torrents
  referencing old table as old_rows new table as new_rows for each statement execute function private.record_search_words();

insert into catalog.search_words (word)
  select distinct w from catalog.torrents t, unnest(tsvector_to_array(t.search_vector)) as w
   where not t.is_adult and char_length(w) between 2 and 64
  on conflict do nothing;
