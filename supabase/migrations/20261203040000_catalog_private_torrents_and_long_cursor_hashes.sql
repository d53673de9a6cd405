-- purpose: what a live Bitmagnet needs of the catalog (issue #23): torrents marked private (BEP 27:
-- no DHT, no PEX — the title page says so), the file count a source knows even when it stored
-- only the first files, and an import cursor that can hold any hash Bitmagnet holds (a 65-byte
-- hash at the end of a batch failed the old 128-hex-digit check and stopped every later run).
-- scope: catalog (../shared/DESIGN.md step 3): columns of catalog.torrents, written by services.
-- creates: catalog.torrents.is_private, catalog.torrents.files_complete.
-- destructive: nothing; the cursor's check is widened.
alter table catalog.torrents
  add column is_private boolean not null default false,
  -- false when the source stored fewer files than the torrent has (Bitmagnet's over_threshold):
  -- the full list comes from the torrent's metadata when someone opens it.
  add column files_complete boolean not null default true;
alter table catalog.import_cursors drop constraint import_cursors_cursor_info_hash_check;
alter table catalog.import_cursors add constraint import_cursors_cursor_info_hash_check check (cursor_info_hash ~ '^[0-9a-f]*$');
