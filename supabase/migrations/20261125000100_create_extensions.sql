-- purpose: the extensions the catalog search needs, in schema `extensions` as on Supabase.
-- creates: schema extensions; extension pg_trgm (trigram similarity for fuzzy search).
-- destructive: nothing.
create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;
create extension if not exists pg_trgm with schema extensions;
