-- purpose: where each profile is in each book, so a book opens where that person left it.
-- scope: profile (DESIGN.md decision tree: one person's own reading position → profile_id not
-- null, the same four policies as every profile-level table, the server passes the profile too).
-- creates: public.reading_progress. destructive: no.
create table public.reading_progress (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  info_hash public.info_hash not null,
  file_index integer not null check (file_index >= 0),
  title text not null check (char_length(title) between 1 and 300),
  -- an EPUB CFI, or "page:<n>" for page-based books
  location text not null check (char_length(location) between 1 and 500),
  fraction real not null default 0 check (fraction >= 0 and fraction <= 1),
  updated_at timestamptz not null default now(),
  primary key (profile_id, info_hash, file_index)
);
create index reading_progress_profile_id_updated_at_idx on public.reading_progress (profile_id, updated_at desc);
alter table public.reading_progress enable row level security;
grant select, insert, update, delete on public.reading_progress to authenticated;
grant all on public.reading_progress to service_role;
create policy "the selected profile reads its reading progress" on public.reading_progress
  for select to authenticated using (profile_id = (select private.selected_profile_id()));
create policy "the selected profile adds to its reading progress" on public.reading_progress
  for insert to authenticated with check (profile_id = (select private.selected_profile_id()));
create policy "the selected profile changes its reading progress" on public.reading_progress
  for update to authenticated using (profile_id = (select private.selected_profile_id())) with check (profile_id = (select private.selected_profile_id()));
create policy "the selected profile deletes from its reading progress" on public.reading_progress
  for delete to authenticated using (profile_id = (select private.selected_profile_id()));
