-- Demo data for `npm start` and the tests. Idempotent: running it again changes nothing.
-- Demo logins (password for both: watch-together):
--   demo@bittorrented.local      "The Demo Family": profiles Alex, Sam and Mia (kids, up to PG)
--   neighbor@bittorrented.local  "The Neighbors":   profiles Robin and Jordan
-- Each new auth.users row gets its account and first profile from the sign-up trigger.
insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_user_meta_data)
values
  ('00000000-0000-4000-8000-000000000001', 'authenticated', 'authenticated', 'demo@bittorrented.local',
   '$2a$10$3tWCh5e8fqXE9htP31Yp4OCzJ1GcuK18VrG1bRxgu82lkwgDpXOy2', now(),
   '{"display_name": "The Demo Family", "first_profile_name": "Alex"}'),
  ('00000000-0000-4000-8000-000000000002', 'authenticated', 'authenticated', 'neighbor@bittorrented.local',
   '$2a$10$NU2Togf34frn.IoE9vcwnuzc4rPnw.gYAL.PFFHGk7mdgKHuThVDq', now(),
   '{"display_name": "The Neighbors", "first_profile_name": "Robin"}')
on conflict do nothing;

insert into public.profiles (id, account_id, name, avatar, is_kids, max_rating, language)
select v.id::uuid, a.id, v.name, v.avatar, v.is_kids, v.max_rating, v.language
  from (values
    ('00000000-0000-4000-9000-000000000012', '00000000-0000-4000-8000-000000000001', 'Sam', 'avatar-3', false, null, 'en'),
    ('00000000-0000-4000-9000-000000000013', '00000000-0000-4000-8000-000000000001', 'Mia', 'avatar-5', true, 'PG', 'fr'),
    ('00000000-0000-4000-9000-000000000022', '00000000-0000-4000-8000-000000000002', 'Jordan', 'avatar-2', false, 'R', 'de')
  ) as v(id, owner, name, avatar, is_kids, max_rating, language)
  join public.accounts a on a.owner_id = v.owner::uuid
on conflict do nothing;

-- A few rows in every profile-level table for every demo profile, each profile with titles of
-- its own so that any leak between profiles is visible at a glance.
do $$
declare
  p record;
  t text;
  n integer;
  hash text;
  coll uuid;
begin
  for p in
    select pr.id, pr.name, row_number() over (order by pr.created_at, pr.name) as k
      from public.profiles pr join public.accounts a on a.id = pr.account_id
     where a.owner_id in ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002')
  loop
    n := 0;
    foreach t in array array[p.name || '''s Movie Night', p.name || ' and the Open Swarm', 'Documentary picked by ' || p.name] loop
      n := n + 1;
      hash := substr(encode(sha256(convert_to(t, 'UTF8')), 'hex'), 1, 40);
      insert into public.watch_progress (profile_id, info_hash, file_index, title, position_s, duration_s, updated_at)
      values (p.id, hash, 0, t, 600 * n, 5400, now() - make_interval(hours => n))
      on conflict do nothing;
      if not exists (select 1 from public.watch_history h where h.profile_id = p.id and h.info_hash = hash) then
        insert into public.watch_history (profile_id, info_hash, file_index, title, position_s, duration_s, watched_at)
        values (p.id, hash, 0, t, 600 * n, 5400, now() - make_interval(hours => n));
      end if;
      insert into public.watchlist (profile_id, info_hash, title) values (p.id, hash, t) on conflict do nothing;
      if n = 1 then
        insert into public.favorites (profile_id, info_hash, title) values (p.id, hash, t) on conflict do nothing;
      end if;
    end loop;

    select c.id into coll from public.collections c where c.profile_id = p.id and c.name = p.name || '''s favourites';
    if coll is null then
      insert into public.collections (profile_id, name) values (p.id, p.name || '''s favourites') returning id into coll;
    end if;
    insert into public.collection_items (collection_id, profile_id, info_hash, title, position)
    values (coll, p.id, substr(encode(sha256(convert_to(p.name || '''s Movie Night', 'UTF8')), 'hex'), 1, 40), p.name || '''s Movie Night', 0)
    on conflict do nothing;

    if not exists (select 1 from public.search_history s where s.profile_id = p.id) then
      insert into public.search_history (profile_id, query) values (p.id, lower(p.name) || ' favourites'), (p.id, 'documentaries');
    end if;

    insert into public.reading_progress (profile_id, info_hash, file_index, title, location, fraction)
    values (p.id, substr(encode(sha256(convert_to(p.name || '''s Bedtime Book', 'UTF8')), 'hex'), 1, 40), 0, p.name || '''s Bedtime Book', 'page:' || (10 * p.k), 0.1 * p.k)
    on conflict do nothing;

    insert into public.player_settings (profile_id, subtitle_language, subtitle_size, playback_rate)
    values (p.id, case when p.k % 2 = 0 then 'fr' else 'en' end, 'medium', 1.00)
    on conflict do nothing;
  end loop;
end
$$;

-- Live TV: each demo family has the demo IPTV service (npm start runs it on loopback and points
-- this provider at it; its first refresh replaces these channels by the same keys). A few channels
-- so every profile has a favourite, a recently watched channel and a hidden group; Mia (kids)
-- is allowed the Kids group only.
insert into public.iptv_providers (id, account_id, name, kind, playlist_url, refresh_minutes)
select v.id::uuid, a.id, 'Demo IPTV', 'm3u', 'http://127.0.0.1:8791/playlist.m3u', 60
  from (values ('00000000-0000-4000-a000-000000000001', '00000000-0000-4000-8000-000000000001'),
               ('00000000-0000-4000-a000-000000000002', '00000000-0000-4000-8000-000000000002')) as v(id, owner)
  join public.accounts a on a.owner_id = v.owner::uuid
on conflict do nothing;

insert into catalog.iptv_channels (provider_id, channel_key, position, name, number, group_name, tvg_id, epg_channel, stream_url, catchup_type, catchup_days)
select v.id::uuid, c.key, c.pos, c.name, c.pos, c.grp, c.key, c.key, 'http://127.0.0.1:8791/live/' || c.key || '/index.m3u8', c.catchup, c.days
  from (values ('00000000-0000-4000-a000-000000000001'), ('00000000-0000-4000-a000-000000000002')) as v(id)
  cross join (values ('clock.demo', 1, 'Test Card Clock', 'News', 'append', 2),
                     ('bars.demo', 2, 'Colour Bars', 'News', null, null),
                     ('tone.demo', 3, 'Tone and Bars', 'Music', null, null),
                     ('life.demo', 4, 'Game of Life', 'Kids', 'append', 2),
                     ('mandelbrot.demo', 5, 'Mandelbrot Zoom', 'Kids', null, null),
                     ('cells.demo', 6, 'Cellular Automaton', 'Science', null, null)) as c(key, pos, name, grp, catchup, days)
on conflict (provider_id, channel_key) do nothing;

insert into public.live_kids_groups (account_id, kids_profile_id, provider_id, group_name)
select p.account_id, p.id, v.id, 'Kids'
  from public.profiles p join public.iptv_providers v on v.account_id = p.account_id
 where p.is_kids and v.id in ('00000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000002')
on conflict do nothing;

insert into public.live_favorites (profile_id, channel_id, position)
select p.id, c.id, 0
  from public.profiles p
  join public.iptv_providers v on v.account_id = p.account_id and v.id in ('00000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000002')
  join catalog.iptv_channels c on c.provider_id = v.id
   and c.channel_key = case when p.is_kids then 'life.demo' when p.name in ('Sam', 'Jordan') then 'bars.demo' else 'clock.demo' end
on conflict do nothing;

insert into public.live_recent (profile_id, channel_id, watched_at)
select p.id, c.id, now() - interval '1 hour'
  from public.profiles p
  join public.iptv_providers v on v.account_id = p.account_id and v.id in ('00000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000002')
  join catalog.iptv_channels c on c.provider_id = v.id
   and c.channel_key = case when p.is_kids then 'mandelbrot.demo' when p.name in ('Sam', 'Jordan') then 'tone.demo' else 'cells.demo' end
on conflict do nothing;

insert into public.live_hidden_groups (profile_id, provider_id, group_name)
select p.id, v.id, case when p.name in ('Sam', 'Jordan') then 'Science' else 'Music' end
  from public.profiles p
  join public.iptv_providers v on v.account_id = p.account_id and v.id in ('00000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000002')
on conflict do nothing;
