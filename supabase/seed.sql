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

-- Podcasts and radio: the demo audio service (npm start runs it on loopback, media-node
-- src/demo/audio-fixture.ts, and points these rows at it; its first refresh fills in the rest by
-- the same guids). Every profile has a subscription, an episode in progress, one queued, a
-- favourite station and one played recently; Mia (kids) is allowed Little Signals and Sine Wave
-- Radio only.
insert into catalog.podcast_feeds (url, podcast_guid, title, author, description, image_url, language, categories)
values ('http://127.0.0.1:8792/feeds/loopback-hour.xml', '7d3c5b1e-4a2f-5e8b-9c1d-0f6a2b3c4d5e', 'The Loopback Hour', 'BitTorrented Demo',
        'Conversations about the machines that talk to themselves.', 'http://127.0.0.1:8792/art/loopback-hour.svg', 'en', '{Technology}'),
       ('http://127.0.0.1:8792/feeds/little-signals.xml', '2b8e6f4a-1c3d-5a7e-8f90-a1b2c3d4e5f6', 'Little Signals', 'BitTorrented Demo',
        'Short, gentle sounds for small ears.', 'http://127.0.0.1:8792/art/little-signals.svg', 'en', '{Kids & Family}')
on conflict (url) do nothing;

insert into catalog.podcast_episodes (feed_id, guid, title, published_at, enclosure_url, enclosure_type, duration_s, episode, explicit)
select f.id, e.guid, e.title, now() - e.age, 'http://127.0.0.1:8792/audio/' || e.file, 'audio/mpeg', e.secs, e.n, e.explicit
  from (values ('http://127.0.0.1:8792/feeds/loopback-hour.xml', 'loopback-hour-1', 'Episode 1 — Hello, Loopback', interval '14 days', 'tone-440.mp3', 75, 1, false),
               ('http://127.0.0.1:8792/feeds/loopback-hour.xml', 'loopback-hour-2', 'Episode 2 — Packets After Dark', interval '7 days', 'tone-550.mp3', 75, 2, true),
               ('http://127.0.0.1:8792/feeds/little-signals.xml', 'little-signals-1', 'The Humming Bee', interval '3 days', 'tone-660.mp3', 45, 1, false)) as e(feed, guid, title, age, file, secs, n, explicit)
  join catalog.podcast_feeds f on f.url = e.feed
on conflict (feed_id, guid) do nothing;

insert into catalog.radio_stations (station_key, station_uuid, source, name, stream_url, homepage, tags, country, countrycode, languages, codec, bitrate, votes, last_check_ok)
values ('rb:5a1f1b7c-9b61-4d3e-8c55-0d7f3c2a9e01', '5a1f1b7c-9b61-4d3e-8c55-0d7f3c2a9e01', 'radio-browser', 'Loopback FM', 'http://127.0.0.1:8792/stream/loopback-fm',
        'http://127.0.0.1:8792/', '{pop,talk}', 'The Netherlands', 'NL', '{english}', 'MP3', 64, 120, true),
       ('rb:5a1f1b7c-9b61-4d3e-8c55-0d7f3c2a9e02', '5a1f1b7c-9b61-4d3e-8c55-0d7f3c2a9e02', 'radio-browser', 'Sine Wave Radio', 'http://127.0.0.1:8792/stream/sine-wave',
        'http://127.0.0.1:8792/', '{ambient,kids}', 'Belgium', 'BE', '{dutch,english}', 'MP3', 64, 45, true)
on conflict (station_key) do nothing;

insert into public.podcast_kids_allowed (account_id, kids_profile_id, feed_id)
select p.account_id, p.id, f.id from public.profiles p, catalog.podcast_feeds f
 where p.is_kids and f.url = 'http://127.0.0.1:8792/feeds/little-signals.xml'
on conflict do nothing;
insert into public.radio_kids_allowed (account_id, kids_profile_id, station_id)
select p.account_id, p.id, s.id from public.profiles p, catalog.radio_stations s
 where p.is_kids and s.station_key = 'rb:5a1f1b7c-9b61-4d3e-8c55-0d7f3c2a9e02'
on conflict do nothing;

insert into public.podcast_subscriptions (profile_id, feed_id, speed)
select p.id, f.id, case when p.name in ('Sam', 'Jordan') then 1.25 else 1.00 end
  from public.profiles p join catalog.podcast_feeds f
    on f.url = case when p.is_kids then 'http://127.0.0.1:8792/feeds/little-signals.xml' else 'http://127.0.0.1:8792/feeds/loopback-hour.xml' end
on conflict do nothing;

insert into public.podcast_episode_progress (profile_id, episode_id, position_s, duration_s)
select p.id, e.id, least(10 + 5 * p.k, e.duration_s - 5), e.duration_s
  from (select id, name, is_kids, row_number() over (order by name)::int as k from public.profiles) p
  join catalog.podcast_episodes e on e.guid = case when p.is_kids then 'little-signals-1' else 'loopback-hour-1' end
on conflict do nothing;

insert into public.podcast_queue (profile_id, episode_id, position)
select p.id, e.id, 0
  from public.profiles p join catalog.podcast_episodes e on e.guid = case when p.is_kids then 'little-signals-1' else 'loopback-hour-2' end
on conflict do nothing;

insert into public.radio_favorites (profile_id, station_id, position)
select p.id, s.id, 0
  from public.profiles p join catalog.radio_stations s
    on s.station_key = case when p.is_kids or p.name in ('Sam', 'Jordan') then 'rb:5a1f1b7c-9b61-4d3e-8c55-0d7f3c2a9e02' else 'rb:5a1f1b7c-9b61-4d3e-8c55-0d7f3c2a9e01' end
on conflict do nothing;

insert into public.radio_recent (profile_id, station_id, played_at)
select p.id, s.id, now() - interval '2 hours'
  from public.profiles p join catalog.radio_stations s on s.station_key = 'rb:5a1f1b7c-9b61-4d3e-8c55-0d7f3c2a9e02'
on conflict do nothing;
