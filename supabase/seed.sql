-- Demo data for `npm start` and manual testing. Idempotent: every insert skips rows that exist.
-- Demo logins (password for both: watch-together):
--   demo@bittorrented.local      the family account
--   neighbor@bittorrented.local  a second account, to see that families never see each other
insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_user_meta_data)
values
  ('00000000-0000-4000-8000-000000000001', 'authenticated', 'authenticated', 'demo@bittorrented.local',
   '$2a$10$3tWCh5e8fqXE9htP31Yp4OCzJ1GcuK18VrG1bRxgu82lkwgDpXOy2', now(), '{"display_name": "The Demo Family"}'),
  ('00000000-0000-4000-8000-000000000002', 'authenticated', 'authenticated', 'neighbor@bittorrented.local',
   '$2a$10$NU2Togf34frn.IoE9vcwnuzc4rPnw.gYAL.PFFHGk7mdgKHuThVDq', now(), '{"display_name": "The Neighbors"}')
on conflict do nothing;
