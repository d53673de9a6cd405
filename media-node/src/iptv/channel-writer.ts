/**
 * Writing a provider's channels and guide into the catalog, in batches inside the caller's
 * transaction: channels upserted by their stable key (favourites keep pointing at them), the
 * ones a refresh no longer lists removed; programmes matched to channels by `tvg-id`, then by
 * normalized display name, replaced for the window the guide covers, and pruned past the
 * retention window.
 */
import type pg from 'pg'
import type { ChannelPlayability } from '@bittorrented/common'
import type { M3uChannel } from './m3u-parser.ts'
import type { XmltvChannel, XmltvProgramme } from './xmltv-parser.ts'

/** A channel as the catalog keeps it (from an M3U entry or an Xtream live stream). */
export interface ChannelRow {
  key: string
  position: number
  name: string
  number: number | null
  group: string | null
  logo: string | null
  tvgId: string | null
  streamUrl: string
  headers: Record<string, string>
  catchupType: string | null
  catchupDays: number | null
  catchupSource: string | null
  playable: ChannelPlayability
}

const clip = (s: string | null, n: number) => (s === null ? null : s.slice(0, n))

/** What an M3U entry becomes: keyed by tvg-id and name (two entries may share a tvg-id). */
export function channelFromM3u(c: M3uChannel, position: number): ChannelRow {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(c.url)?.[1]?.toLowerCase() ?? ''
  const headers: Record<string, string> = {}
  if (c.userAgent) headers['user-agent'] = c.userAgent
  if (c.referrer) headers.referer = c.referrer
  return {
    key: clip(`${c.tvgId ?? ''}|${c.name}`, 600)!,
    position,
    name: clip(c.name || c.tvgName || 'Unnamed channel', 300)!,
    number: c.number,
    group: clip(c.group, 200),
    logo: c.logo && /^https?:\/\//i.test(c.logo) ? clip(c.logo, 2048) : null,
    tvgId: clip(c.tvgId, 300),
    streamUrl: clip(c.url, 4096)!,
    headers,
    catchupType: clip(c.catchup?.type ?? null, 32),
    catchupDays: c.catchup?.days ?? null,
    catchupSource: clip(c.catchup?.source ?? null, 4096),
    playable: scheme === 'http' || scheme === 'https' ? 'yes' : scheme === 'rtp' || scheme === 'udp' ? 'multicast' : 'unsupported',
  }
}

/** Upserts a batch of channels, stamping them seen at `seenAt`. */
export async function upsertChannels(db: pg.ClientBase, providerId: string, rows: ChannelRow[], seenAt: Date): Promise<void> {
  if (!rows.length) return
  // The last of several rows with one key wins (a list that repeats a channel).
  const unique = [...new Map(rows.map((r) => [r.key, r])).values()]
  const col = <K extends keyof ChannelRow>(k: K) => unique.map((r) => r[k])
  await db.query(
    `insert into catalog.iptv_channels (provider_id, channel_key, position, name, number, group_name, logo_url, tvg_id, stream_url, stream_headers,
                                        catchup_type, catchup_days, catchup_source, playable, seen_at)
     select $1, k, pos, nm, num, grp, logo, tvg, url, hdr, ct, cd, cs, pl, $15
       from unnest($2::text[], $3::int[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[], $11::text[], $12::int[], $13::text[], $14::text[])
         as u(k, pos, nm, num, grp, logo, tvg, url, hdr, ct, cd, cs, pl)
     on conflict (provider_id, channel_key) do update set
       position = excluded.position, name = excluded.name, number = excluded.number, group_name = excluded.group_name, logo_url = excluded.logo_url,
       tvg_id = excluded.tvg_id, stream_url = excluded.stream_url, stream_headers = excluded.stream_headers, catchup_type = excluded.catchup_type,
       catchup_days = excluded.catchup_days, catchup_source = excluded.catchup_source, playable = excluded.playable, seen_at = excluded.seen_at`,
    [
      providerId,
      col('key'),
      col('position'),
      col('name'),
      col('number'),
      col('group'),
      col('logo'),
      col('tvgId'),
      col('streamUrl'),
      unique.map((r) => JSON.stringify(r.headers)),
      col('catchupType'),
      unique.map((r) => (r.catchupDays === null ? null : Math.max(0, Math.min(365, r.catchupDays)))),
      col('catchupSource'),
      col('playable'),
      seenAt,
    ],
  )
}

/** Removes the channels a refresh did not list (their favourites go with them). */
export async function removeUnseenChannels(db: pg.ClientBase, providerId: string, seenAt: Date): Promise<number> {
  const { rowCount } = await db.query('delete from catalog.iptv_channels where provider_id = $1 and seen_at < $2', [providerId, seenAt])
  return rowCount ?? 0
}

/** A display name as guides and lists write it differently: lowercase, no accents, no punctuation, no "HD". */
export function normalizeChannelName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\b(hd|fhd|uhd|sd|4k|hevc|h265)\b/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '')
}

/** The provider's channels, for matching a guide: by tvg-id and by normalized name. */
export async function channelMatcher(db: pg.ClientBase, providerId: string): Promise<{ match(guideChannel: XmltvChannel): number[]; byGuideId: Map<string, number[]> }> {
  const { rows } = await db.query<{ id: string; tvg_id: string | null; name: string }>('select id, tvg_id, name from catalog.iptv_channels where provider_id = $1', [providerId])
  const byTvg = new Map<string, number[]>()
  const byName = new Map<string, number[]>()
  for (const r of rows) {
    const id = Number(r.id)
    if (r.tvg_id) byTvg.set(r.tvg_id.toLowerCase(), [...(byTvg.get(r.tvg_id.toLowerCase()) ?? []), id])
    const n = normalizeChannelName(r.name)
    if (n) byName.set(n, [...(byName.get(n) ?? []), id])
  }
  const byGuideId = new Map<string, number[]>()
  return {
    byGuideId,
    match(gc: XmltvChannel) {
      const found = byTvg.get(gc.id.toLowerCase()) ?? gc.displayNames.map((d) => byName.get(normalizeChannelName(d))).find((ids) => ids?.length) ?? []
      if (found.length) byGuideId.set(gc.id, found)
      return found
    },
  }
}

/** Records which guide channel each matched channel follows. */
export async function recordGuideChannels(db: pg.ClientBase, byGuideId: Map<string, number[]>): Promise<void> {
  const ids: number[] = []
  const guide: string[] = []
  for (const [g, list] of byGuideId) {
    for (const id of list) {
      ids.push(id)
      guide.push(g.slice(0, 300))
    }
  }
  if (ids.length) await db.query('update catalog.iptv_channels c set epg_channel = u.g from unnest($1::bigint[], $2::text[]) as u(id, g) where c.id = u.id', [ids, guide])
}

/** Inserts a batch of programmes for the channels they were matched to (a repeated start keeps the first). */
export async function insertProgrammes(
  db: pg.ClientBase,
  programmes: XmltvProgramme[],
  channelsOf: (guideChannel: string) => number[] | undefined,
  window: { fromMs: number; toMs: number },
): Promise<number> {
  const cols = {
    ch: [] as number[],
    s: [] as Date[],
    e: [] as Date[],
    t: [] as string[],
    st: [] as (string | null)[],
    d: [] as (string | null)[],
    cat: [] as string[],
    se: [] as (number | null)[],
    ep: [] as (number | null)[],
    r: [] as (string | null)[],
    i: [] as (string | null)[],
  }
  for (const p of programmes) {
    const ids = channelsOf(p.channel)
    if (!ids) continue
    const stop = p.stopMs ?? p.startMs + 30 * 60_000
    if (stop <= p.startMs || stop < window.fromMs || p.startMs > window.toMs) continue
    for (const id of ids) {
      cols.ch.push(id)
      cols.s.push(new Date(p.startMs))
      cols.e.push(new Date(stop))
      cols.t.push(p.title.slice(0, 500))
      cols.st.push(p.subTitle?.slice(0, 500) ?? null)
      cols.d.push(p.description?.slice(0, 16384) ?? null)
      cols.cat.push(JSON.stringify(p.categories))
      cols.se.push(p.season)
      cols.ep.push(p.episode)
      cols.r.push(p.rating?.value.slice(0, 32) ?? null)
      cols.i.push(p.icon && /^https?:\/\//i.test(p.icon) ? p.icon.slice(0, 2048) : null)
    }
  }
  if (!cols.ch.length) return 0
  const { rowCount } = await db.query(
    `insert into catalog.iptv_programmes (channel_id, starts_at, ends_at, title, subtitle, description, categories, season, episode, rating, icon_url)
     select ch, s, e, t, st, d, array(select jsonb_array_elements_text(cat)), se, ep, r, i
       from unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::int[], $9::int[], $10::text[], $11::text[])
         as u(ch, s, e, t, st, d, cat, se, ep, r, i)
     on conflict (channel_id, starts_at) do nothing`,
    [cols.ch, cols.s, cols.e, cols.t, cols.st, cols.d, cols.cat, cols.se, cols.ep, cols.r, cols.i],
  )
  return rowCount ?? 0
}

/** Clears the provider's programmes in the window a new guide covers, and prunes those past retention. */
export async function clearProgrammes(db: pg.ClientBase, providerId: string, window: { fromMs: number; toMs: number }): Promise<void> {
  await db.query(
    `delete from catalog.iptv_programmes p using catalog.iptv_channels c
      where c.id = p.channel_id and c.provider_id = $1 and (p.ends_at < $2 or (p.starts_at >= $2 and p.starts_at <= $3))`,
    [providerId, new Date(window.fromMs), new Date(window.toMs)],
  )
}
