-- purpose: searches of profiles without a rating ceiling (most grown-ups) planned on the right
-- row counts. catalog.visible_torrents tests the selected profile's ceiling as
-- `(select ceiling) is null or rating_rank(content_rating) <= (select ceiling)`; the values are
-- unknown when the statement is planned, so PostgreSQL prices that test at its default 1/3 for
-- every profile. Every estimate of a search was a third of the truth: the total a head term shows
-- ("about 162,048" for `love`, which has 489,754 matches at 10M torrents) and the row counts behind
-- each plan (at 1M torrents a common word with two filters took a 200 ms bitmap of all its
-- matches instead of the index walk, expecting a third of them).
-- This view holds the same rows as catalog.visible_torrents for a profile without a ceiling, and
-- none for a profile with one: `(select ceiling) is null` refers to no column, so it is a one-time
-- test (checked once, priced as true), and the planner counts rows from the table's own
-- statistics. The edge app searches it when the selected profile has no ceiling and
-- catalog.visible_torrents otherwise; a mistaken choice can only return fewer rows, never more.
-- scope: catalog (no profile or account data). creates: view
-- catalog.visible_torrents_without_ceiling (select for authenticated, service_role).
-- destructive: no.
create view catalog.visible_torrents_without_ceiling as
  select t.* from catalog.torrents t
   where (not t.is_adult or (select private.selected_profile_allows_adult()))
     and (select private.selected_profile_rating_ceiling()) is null;
revoke all on catalog.visible_torrents_without_ceiling from public;
grant select on catalog.visible_torrents_without_ceiling to authenticated, service_role;
