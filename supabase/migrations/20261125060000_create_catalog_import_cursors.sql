-- purpose: incremental, resumable imports into the catalog (Bitmagnet's database first): where
-- each import source got to — a keyset cursor on the source's update time and info hash — and
-- how many rows it imported and skipped. Written in the same transaction as each batch it covers,
-- so a stopped import resumes exactly after the last batch that landed.
-- scope: catalog, service only (no person ever reads it). destructive: no.
create table catalog.import_cursors (
  source text primary key check (source ~ '^[a-z0-9_]{1,32}$'),
  cursor_updated_at timestamptz,
  -- Bitmagnet's hash in hex as it is (a corrupt one may not be 40 characters: the cursor passes it all the same)
  cursor_info_hash text check (cursor_info_hash ~ '^[0-9a-f]{0,128}$'),
  imported bigint not null default 0 check (imported >= 0),
  skipped bigint not null default 0 check (skipped >= 0),
  -- reason → count of the rows skipped, e.g. {"hostile_path": 3}
  skipped_reasons jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now()
);
alter table catalog.import_cursors enable row level security;
grant all on catalog.import_cursors to service_role;
