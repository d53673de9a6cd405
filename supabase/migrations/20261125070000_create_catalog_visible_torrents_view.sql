-- purpose: search that can use its indexes for a person. Under row-level security PostgreSQL
-- evaluates the policy before any condition whose operator is not leakproof, and neither the
-- full-text match (@@) nor pg_trgm's operators are: with the policy on catalog.torrents every
-- search as `authenticated` read the whole table. This view applies the same rule as that policy
-- (adult titles only where the selected profile allows them; never without a profile, never on a
-- kids profile) as an ordinary condition, so the planner combines it with the search and uses the
-- GIN and sort indexes. The view runs with its owner's rights (the table owner, not subject to
-- the table's policy); its own condition is what filters. The table and its policy stay as they
-- are for every other read.
-- scope: catalog. creates: view catalog.visible_torrents (select for authenticated).
-- destructive: no.
create view catalog.visible_torrents as
  select t.* from catalog.torrents t
   where not t.is_adult or (select private.selected_profile_allows_adult());
revoke all on catalog.visible_torrents from public;
grant select on catalog.visible_torrents to authenticated, service_role;
