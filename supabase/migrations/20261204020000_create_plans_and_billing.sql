-- purpose: plans with prices, each account's entitlement, and crypto payments through
-- CoinPayPortal (../shared/EXTERNAL-APIS.md §1). Scopes, by the tree in ../shared/DESIGN.md:
--   catalog level  public.plans (prices, periods, limits; readable by anyone, written by
--                  migrations): now with price, period, streams and whether members may join.
--   account level  public.account_entitlements (which plan an account has until when; trial or
--                  paid), public.billing_payments (each checkout and what the provider said of
--                  it): read by the account owner only (not members, not from a kids profile);
--                  payments are started by the owner (amount set by the database from the plan,
--                  never by the caller) and changed only by private.apply_payment_status(), run
--                  by the billing service for a verified webhook or a reconciliation poll.
--   service only   private.billing_webhook_deliveries (every verified delivery, by event id).
-- The profile limit now reads the account's entitlement: a plan past its end and its grace
-- period counts as Free (1 profile) for new profiles; nothing existing is removed.
-- destructive: nothing (accounts.plan_id stays, no longer read by the limit).

alter table public.plans
  add column price_usd numeric(10, 2) not null default 0 check (price_usd >= 0 and price_usd <= 100000),
  add column period_days integer not null default 30 check (period_days between 1 and 3660),
  add column max_streams integer not null default 1 check (max_streams between 1 and 20),
  add column allows_members boolean not null default false,
  add column position integer not null default 0;
insert into public.plans (id, name, max_profiles) values ('individual', 'Individual', 2) on conflict (id) do nothing;
update public.plans set price_usd = 0, period_days = 30, max_streams = 1, allows_members = false, position = 0 where id = 'free';
update public.plans set price_usd = 4.99, period_days = 30, max_streams = 2, allows_members = false, position = 1 where id = 'individual';
update public.plans set price_usd = 9.99, period_days = 30, max_streams = 4, allows_members = true, position = 2 where id = 'family';

-- The grace period after an entitlement ends: everything still works, and the owner is reminded.
create function private.billing_grace() returns interval language sql immutable as $$ select interval '7 days' $$;

create table public.account_entitlements (
  account_id uuid primary key references public.accounts (id) on delete cascade,
  plan_id text not null references public.plans (id),
  kind text not null check (kind in ('trial', 'paid')),
  ends_at timestamptz not null,
  updated_at timestamptz not null default now()
);
create index account_entitlements_plan_idx on public.account_entitlements (plan_id);

-- Is the signed-in user the owner of this account? (Billing is the owner's, whichever profile.)
create function private.is_account_owner(target_account uuid) returns boolean
  language sql stable security definer set search_path = ''
  as $$ select exists (select 1 from public.accounts a where a.id = target_account and a.owner_id = (select auth.uid())) $$;
revoke all on function private.is_account_owner(uuid) from public;
grant execute on function private.is_account_owner(uuid) to authenticated, service_role;

alter table public.account_entitlements enable row level security;
grant select on public.account_entitlements to authenticated;
grant all on public.account_entitlements to service_role;
create policy "the owner reads the family's entitlement" on public.account_entitlements
  for select to authenticated using ((select private.is_account_owner(account_id)) and not (select private.selected_profile_is_kids()));

-- The plan an account has now: its entitlement's until its end plus grace, else Free.
create function private.effective_plan(target_account uuid) returns text
  language sql stable security definer set search_path = ''
  as $$
    select coalesce((select e.plan_id from public.account_entitlements e
                      where e.account_id = target_account and e.ends_at + private.billing_grace() > now()), 'free')
  $$;
revoke all on function private.effective_plan(uuid) from public;
grant execute on function private.effective_plan(uuid) to authenticated, service_role;

-- Every account starts with a 30-day trial of the Family plan (existing ones too, from today).
insert into public.account_entitlements (account_id, plan_id, kind, ends_at)
select id, 'family', 'trial', now() + interval '30 days' from public.accounts on conflict do nothing;
create function private.start_trial() returns trigger
  language plpgsql security definer set search_path = ''
  as $$
  begin
    insert into public.account_entitlements (account_id, plan_id, kind, ends_at) values (new.id, 'family', 'trial', now() + interval '30 days')
    on conflict do nothing;
    return new;
  end
  $$;
create trigger accounts_start_trial after insert on public.accounts for each row execute function private.start_trial();

-- The profile limit reads the entitlement (replacing the plan_id it read before).
create or replace function private.enforce_profile_limit() returns trigger
  language plpgsql security definer set search_path = ''
  as $$
  declare
    allowed integer;
    plan_name text;
    existing integer;
  begin
    perform 1 from public.accounts a where a.id = new.account_id for update;
    select pl.max_profiles, pl.name into allowed, plan_name from public.plans pl where pl.id = private.effective_plan(new.account_id);
    select count(*) into existing from public.profiles where account_id = new.account_id;
    if existing >= allowed then
      raise exception 'profile limit reached: the % plan allows % profiles', plan_name, allowed
        using errcode = 'check_violation', constraint = 'profiles_plan_limit',
              hint = 'Delete a profile or change the plan.';
    end if;
    return new;
  end
  $$;

-- A payment's statuses in the order they may follow one another (rank): a later event never
-- moves a payment back. CoinPayPortal's six database values, plus 'creating' (ours, before the
-- provider answered) and 'failed' (a card decline; never for crypto, kept for safety).
-- 'expired' and 'failed' end an unpaid payment only (they rank beside 'confirmed', so a paid
-- payment never becomes expired); money that arrives after expiry still counts (see below).
create function private.payment_status_rank(status text) returns integer language sql immutable as $$
  select case status when 'creating' then 0 when 'pending' then 1 when 'confirmed' then 2 when 'expired' then 2 when 'failed' then 2
                     when 'forwarding' then 3 when 'forwarding_failed' then 4 when 'forwarded' then 5 end
$$;

create table public.billing_payments (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  plan_id text not null references public.plans (id),
  periods integer not null default 1 check (periods between 1 and 24),
  -- Set by the database from the plan (a trigger), never by the caller.
  amount_usd numeric(10, 2) not null default 0,
  coin text not null check (coin ~ '^[A-Z][A-Z0-9_]{1,15}$'),
  -- Sent as Idempotency-Key on create: a retried create returns the same payment.
  idempotency_key uuid not null unique default gen_random_uuid(),
  provider_payment_id text unique check (char_length(provider_payment_id) <= 100),
  status text not null default 'creating' check (private.payment_status_rank(status) is not null),
  -- The provider's own word, also when it is one we do not know.
  provider_status text check (char_length(provider_status) <= 40),
  crypto_amount text check (char_length(crypto_amount) <= 64),
  crypto_currency text check (char_length(crypto_currency) <= 20),
  payment_address text check (char_length(payment_address) <= 200),
  expires_at timestamptz,
  tx_hash text check (char_length(tx_hash) <= 200),
  received_amount text check (char_length(received_amount) <= 64),
  paid boolean not null default false,
  activated_at timestamptz,
  covers_until timestamptz,
  -- Why a paid payment was not activated (another amount or coin than asked for), in words.
  problem text check (char_length(problem) <= 300),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index billing_payments_account_idx on public.billing_payments (account_id, created_at desc);
create index billing_payments_open_idx on public.billing_payments (status) where status in ('creating', 'pending', 'confirmed', 'forwarding', 'forwarding_failed');

create function private.price_payment() returns trigger
  language plpgsql security definer set search_path = ''
  as $$
  begin
    select pl.price_usd * new.periods into new.amount_usd from public.plans pl where pl.id = new.plan_id and pl.price_usd > 0;
    if new.amount_usd is null then raise exception 'plan % cannot be bought', new.plan_id using errcode = 'check_violation'; end if;
    new.status := 'creating';
    new.paid := false;
    new.activated_at := null;
    return new;
  end
  $$;
create trigger billing_payments_price before insert on public.billing_payments for each row execute function private.price_payment();

alter table public.billing_payments enable row level security;
grant select on public.billing_payments to authenticated;
grant insert (account_id, plan_id, periods, coin) on public.billing_payments to authenticated;
grant all on public.billing_payments to service_role;
create policy "the owner reads the family's payments" on public.billing_payments
  for select to authenticated using ((select private.is_account_owner(account_id)) and not (select private.selected_profile_is_kids()));
create policy "the owner starts a payment" on public.billing_payments
  for insert to authenticated with check ((select private.is_account_owner(account_id)) and not (select private.selected_profile_is_kids()));

-- Keyed by (event id, type): the provider's event id is `evt_<payment>_<unix seconds>`, so a
-- payment confirmed and forwarded within one second gets two events under one id.
create table private.billing_webhook_deliveries (
  event_id text not null check (char_length(event_id) <= 200),
  provider_payment_id text check (char_length(provider_payment_id) <= 100),
  type text not null check (char_length(type) <= 60),
  status text check (char_length(status) <= 40),
  -- What it did: 'applied', 'no change', 'unknown payment', 'duplicate'.
  effect text not null,
  received_at timestamptz not null default now(),
  primary key (event_id, type)
);
create index billing_webhook_deliveries_payment_type_idx on private.billing_webhook_deliveries (provider_payment_id, type);
grant all on private.billing_webhook_deliveries to service_role;

-- What the provider says of a payment, from a verified webhook or a poll: recorded in one
-- transaction with its effect. The status only moves forward (rank); a paid status ('confirmed',
-- 'forwarding', 'forwarded') activates the plan once — the entitlement extended by the plan's
-- period × periods from its current end (or now) — unless the amount or coin is not what was
-- asked for, which is recorded as the payment's problem instead. Returns the effect.
create function private.apply_payment_status(p_provider_payment_id text, p_status text, p_coin text, p_crypto_amount text, p_received text, p_tx_hash text)
  returns text language plpgsql security definer set search_path = ''
  as $$
  declare
    p public.billing_payments;
    known text := case when private.payment_status_rank(p_status) is not null and p_status <> 'creating' then p_status end;
    is_paid boolean := p_status in ('confirmed', 'forwarding', 'forwarded', 'forwarding_failed');
    period interval;
    base timestamptz;
    mismatch text;
    advance boolean;
  begin
    select * into p from public.billing_payments where provider_payment_id = p_provider_payment_id for update;
    if not found then return 'unknown payment'; end if;
    update public.billing_payments set provider_status = left(p_status, 40), updated_at = now(),
           tx_hash = coalesce(left(p_tx_hash, 200), tx_hash), received_amount = coalesce(left(p_received, 64), received_amount)
     where id = p.id;
    if known is null then return 'unknown status kept'; end if;
    -- Forward only; and a payment that expired and was paid after all moves to its paid status.
    advance := private.payment_status_rank(known) > private.payment_status_rank(p.status) or (is_paid and p.status in ('expired', 'failed'));
    if advance then update public.billing_payments set status = known where id = p.id; end if;
    if not is_paid or p.paid then return case when advance then 'applied' else 'no change' end; end if;
    if p_coin is not null and upper(p_coin) <> p.coin then mismatch := format('paid in %s, not %s as asked', upper(p_coin), p.coin); end if;
    if mismatch is null and p_crypto_amount is not null and p.crypto_amount is not null and p_crypto_amount ~ '^[0-9]+(\.[0-9]+)?$' and p.crypto_amount ~ '^[0-9]+(\.[0-9]+)?$'
       and p_crypto_amount::numeric <> p.crypto_amount::numeric then
      mismatch := format('%s %s paid, %s asked', p_crypto_amount, p.coin, p.crypto_amount);
    end if;
    if mismatch is not null then
      update public.billing_payments set paid = true, problem = mismatch where id = p.id;
      return 'paid with a problem';
    end if;
    select make_interval(days => pl.period_days * p.periods) into period from public.plans pl where pl.id = p.plan_id;
    -- The account's entitlement row is locked first: two payments of one account activated at
    -- once would otherwise both extend the same end (one month lost; bench:billing found it).
    perform 1 from public.account_entitlements e where e.account_id = p.account_id for update;
    -- From the end of a trial or of paid time on the same plan (paying early loses nothing);
    -- paid time left on another plan is credited at its value (a day of Family is worth two of
    -- Individual).
    select case when e.kind = 'trial' or e.plan_id = p.plan_id then e.ends_at
                else now() + (e.ends_at - now()) * ((cur.price_usd / cur.period_days) / (pl.price_usd / pl.period_days))::float8 end
      into base
      from public.account_entitlements e join public.plans cur on cur.id = e.plan_id join public.plans pl on pl.id = p.plan_id
     where e.account_id = p.account_id and e.ends_at > now();
    insert into public.account_entitlements as e (account_id, plan_id, kind, ends_at, updated_at)
    values (p.account_id, p.plan_id, 'paid', coalesce(base, now()) + period, now())
    on conflict (account_id) do update set plan_id = excluded.plan_id, kind = 'paid', ends_at = excluded.ends_at, updated_at = now();
    update public.billing_payments set paid = true, activated_at = now(), covers_until = coalesce(base, now()) + period where id = p.id;
    return 'activated';
  end
  $$;
revoke all on function private.apply_payment_status(text, text, text, text, text, text) from public;
grant execute on function private.apply_payment_status(text, text, text, text, text, text) to service_role;

-- A verified webhook delivery: recorded once by event id and type (a re-signed retry is the same event), then applied.
create function private.record_webhook(p_event_id text, p_type text, p_provider_payment_id text, p_status text, p_coin text, p_crypto_amount text, p_received text, p_tx_hash text)
  returns text language plpgsql security definer set search_path = ''
  as $$
  declare
    v_effect text;
  begin
    -- The same payment's same event under another id (the cron path's own delivery): a duplicate too.
    if exists (select 1 from private.billing_webhook_deliveries d where d.provider_payment_id = p_provider_payment_id and d.type = p_type and d.event_id <> p_event_id) then
      insert into private.billing_webhook_deliveries (event_id, provider_payment_id, type, status, effect)
      values (p_event_id, p_provider_payment_id, p_type, p_status, 'duplicate') on conflict (event_id, type) do nothing;
      return 'duplicate';
    end if;
    insert into private.billing_webhook_deliveries (event_id, provider_payment_id, type, status, effect)
    values (p_event_id, p_provider_payment_id, p_type, p_status, 'received') on conflict (event_id, type) do nothing;
    if not found then return 'duplicate'; end if;
    v_effect := case when p_provider_payment_id is null then 'no payment'
                     else private.apply_payment_status(p_provider_payment_id, p_status, p_coin, p_crypto_amount, p_received, p_tx_hash) end;
    update private.billing_webhook_deliveries set effect = v_effect where event_id = p_event_id and type = p_type;
    return v_effect;
  end
  $$;
revoke all on function private.record_webhook(text, text, text, text, text, text, text, text) from public;
grant execute on function private.record_webhook(text, text, text, text, text, text, text, text) to service_role;
