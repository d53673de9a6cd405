import { channelRefusal, parseChannelId } from '@bittorrented/common'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { redirect } from '@remix-run/cloudflare'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { AppShell } from '../components/app-shell.tsx'
import { GuideGrid } from '../components/live/guide-grid.tsx'
import { ToggleForm } from '../components/toggle-form.tsx'
import { LivePlayer } from '../components/live/live-player.tsx'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { parseForm } from '../lib/form.server.ts'
import type { LiveChannel, LiveProgramme, LiveProvider } from '../lib/live-tv-types.ts'
import {
  addProvider,
  findChannel,
  guide,
  kidsGroupAllowances,
  listChannels,
  listGroups,
  listProviders,
  NewProviderSchema,
  recentChannels,
  recordWatched,
  requestRefresh,
  setFavorite,
  setGroupHidden,
  setKidsGroup,
  type KidsGroupAllowance,
} from '../lib/live-tv.server.ts'
import { mediaNode } from '../lib/media-node.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction = () => [{ title: 'Live TV — BitTorrented' }]

const GUIDE_BACK_MS = 60 * 60_000
const GUIDE_AHEAD_MS = 3 * 60 * 60_000

interface Watching {
  channel: LiveChannel
  src: string | null
  /** Why it cannot play, when it cannot. */
  refusal: string | null
  catchupFrom: string | null
}

/**
 * GET /live — channels by group with what is on now and next, the guide around now, and the
 * channel being watched (`?channel=<id>`, with `&start=<unix s>&duration=<s>` a past programme
 * from its start). Filters: `?group=`, `?q=`, `?favorites=1`.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const url = new URL(request.url)
  const group = url.searchParams.get('group')?.slice(0, 200) || null
  const q = url.searchParams.get('q')?.slice(0, 100) || null
  const favoritesOnly = url.searchParams.get('favorites') === '1'
  const node = mediaNode(context.config, ctx)
  const [listed, { groups }, providers, recent, kids] = await Promise.all([
    listChannels(context.db, ctx, { group, q, favoritesOnly, ceiling: ctx.profile.maxRating }),
    listGroups(context.db, ctx),
    listProviders(context.db, ctx),
    recentChannels(context.db, ctx),
    kidsGroupAllowances(context.db, ctx),
  ])
  // Logos come through the media node, signed for this profile like the streams.
  const channels = await Promise.all(listed.map(async (c) => ({ ...c, logo: c.logo ? await node.liveLogoUrl(c.id) : null })))
  const now = Date.now()
  const from = Math.floor((now - GUIDE_BACK_MS) / 1800_000) * 1800_000
  const to = from + GUIDE_BACK_MS + GUIDE_AHEAD_MS
  const inGuide = channels.slice(0, 40)
  const programmes = inGuide.length
    ? await guide(
        context.db,
        ctx,
        inGuide.map((c) => c.id),
        new Date(from),
        new Date(to),
        ctx.profile.maxRating,
      )
    : []
  let watching: Watching | null = null
  const channelId = parseChannelId(url.searchParams.get('channel') ?? '')
  if (channelId !== null) {
    const channel = await findChannel(context.db, ctx, channelId)
    if (!channel) throw new Response('Not found', { status: 404 })
    const start = Number(url.searchParams.get('start'))
    const catchup = Number.isInteger(start) && start > 0 ? { startS: start, durationS: Math.min(6 * 3600, Math.max(60, Number(url.searchParams.get('duration')) || 1800)) } : undefined
    const refusal = channelRefusal(channel.playable)
    const src = refusal ? null : await node.liveUrl(channel.id, catchup)
    if (src) await recordWatched(context.db, ctx, channel.id)
    watching = { channel, src, refusal, catchupFrom: catchup ? new Date(catchup.startS * 1000).toISOString() : null }
  }
  return Response.json(
    { profile: ctx.profile, channels, groups, providers, recent, programmes, from, to, now, watching, kids, filters: { group, q, favoritesOnly } },
    { headers: { 'Cache-Control': 'private, no-store' } },
  )
}

const ActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('favorite'), channelId: z.coerce.number().int().positive(), on: z.enum(['1', '0']) }),
  z.object({ intent: z.literal('hide-group'), providerId: z.string().uuid(), group: z.string().min(1).max(200), hidden: z.enum(['1', '0']) }),
  z.object({ intent: z.literal('refresh'), providerId: z.string().uuid() }),
  z.object({ intent: z.literal('kids-group'), kidsProfileId: z.string().uuid(), providerId: z.string().uuid(), group: z.string().min(1).max(200), on: z.enum(['1', '0']) }),
  z.object({ intent: z.literal('add-provider') }).passthrough(),
])

/** POST /live: favourite a channel, hide or show a group, refresh or add a provider. */
export function action({ request, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    // An uploaded playlist file (multipart) is read as the provider's text; the route takes up to 16 MB (http-guards).
    const form = await parseForm(
      request,
      ActionSchema,
      async (f) => {
        const file = f.get('file')
        const fields = Object.fromEntries([...f].filter(([, v]) => typeof v === 'string'))
        return file && typeof file !== 'string' && file.size > 0 ? { ...fields, text: await file.text() } : fields
      },
      16 * 1024 * 1024,
    )
    const back = new URL(request.url).search
    switch (form.intent) {
      case 'favorite':
        await setFavorite(context.db, ctx, form.channelId, form.on === '1')
        break
      case 'hide-group':
        await setGroupHidden(context.db, ctx, form.providerId, form.group, form.hidden === '1')
        break
      case 'refresh':
        await requestRefresh(context.db, ctx, form.providerId)
        break
      case 'kids-group':
        await setKidsGroup(context.db, ctx, form.kidsProfileId, form.providerId, form.group, form.on === '1')
        break
      case 'add-provider': {
        const parsed = NewProviderSchema.safeParse(form)
        if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'Check the provider’s details.')
        await addProvider(context.db, ctx, context.config.keys.iptvCredentials, parsed.data)
        return Response.json({ ok: 'Added. Its channels appear here within a minute, once the media node has read the playlist.' })
      }
    }
    return redirect(`/live${back}`)
  })
}

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })

interface Loaded {
  profile: Profile
  channels: LiveChannel[]
  groups: Array<{ providerId: string; name: string; channels: number; hidden: boolean }>
  providers: LiveProvider[]
  recent: Array<{ id: number; name: string; logo: string | null }>
  programmes: LiveProgramme[]
  from: number
  to: number
  now: number
  watching: Watching | null
  kids: KidsGroupAllowance[]
  filters: { group: string | null; q: string | null; favoritesOnly: boolean }
}

function ChannelTile({ c }: { c: LiveChannel }) {
  const [params] = useSearchParams()
  const keep = new URLSearchParams(params)
  keep.delete('start')
  keep.delete('duration')
  keep.set('channel', String(c.id))
  return (
    <li className="channel-tile" data-channel={c.id}>
      {c.logo ? <img src={c.logo} alt="" loading="lazy" /> : <span aria-hidden="true" />}
      <div>
        <Link to={`?${keep.toString()}`} aria-label={`Watch ${c.name}${c.now ? `, now: ${c.now.title}` : ''}`}>
          {c.number !== null && <span className="badge">{c.number}</span>} {c.name}
        </Link>
        {c.now && (
          <p className="now">
            Now: {c.now.title} <span className="visually-hidden">until</span>
            <span aria-hidden="true">·</span> {clock(c.now.end)}
          </p>
        )}
        {c.next && (
          <p className="next">
            Next: {clock(c.next.start)} {c.next.title}
          </p>
        )}
        {c.playable !== 'yes' && <p className="next">Cannot be played here ({c.playable})</p>}
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="favorite" />
          <input type="hidden" name="channelId" value={c.id} />
          <input type="hidden" name="on" value={c.favorite ? '0' : '1'} />
          <button type="submit" className="link-button" aria-pressed={c.favorite} aria-label={c.favorite ? `Remove ${c.name} from favourites` : `Add ${c.name} to favourites`}>
            {c.favorite ? '★ Favourite' : '☆ Favourite'}
          </button>
        </Form>
      </div>
    </li>
  )
}

function Providers({ providers }: { providers: LiveProvider[] }) {
  const added = useActionData<{ ok?: string; message?: string }>()
  return (
    <section aria-labelledby="providers-heading" className="card">
      <h2 id="providers-heading">Your IPTV providers</h2>
      {providers.length === 0 && <p>No provider yet. Add your family’s IPTV subscription below.</p>}
      <ul className="status-list">
        {providers.map((p) => (
          <li key={p.id} data-up={p.state === 'ok'}>
            <span className="dot" aria-hidden="true" />
            <span className="name">
              {p.name} ({p.kind === 'xtream' ? 'Xtream Codes' : 'M3U'}, {p.host})
            </span>
            <span className="detail">
              {p.state === 'never'
                ? 'not read yet'
                : p.state === 'running'
                  ? 'reading now…'
                  : p.state === 'failed'
                    ? `last refresh failed: ${p.message}`
                    : `${p.message}${p.lastRefreshAt ? `, ${new Date(p.lastRefreshAt).toLocaleString()}` : ''}`}
            </span>
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="refresh" />
              <input type="hidden" name="providerId" value={p.id} />
              <button type="submit" className="link-button">
                Refresh {p.name}
              </button>
            </Form>
          </li>
        ))}
      </ul>
      <details>
        <summary>Add a provider</summary>
        <Form method="post" className="stack" encType="multipart/form-data">
          <input type="hidden" name="intent" value="add-provider" />
          <label>
            Name <input name="name" required maxLength={80} />
          </label>
          <fieldset>
            <legend>Kind</legend>
            <label>
              <input type="radio" name="kind" value="m3u" defaultChecked /> M3U playlist
            </label>
            <label>
              <input type="radio" name="kind" value="xtream" /> Xtream Codes
            </label>
          </fieldset>
          <label>
            Playlist address (M3U) <input name="url" type="url" inputMode="url" placeholder="https://…/playlist.m3u" />
          </label>
          <label>
            …or paste the playlist (M3U) <textarea name="text" rows={3} />
          </label>
          <label>
            …or upload the playlist file (M3U, up to 16 MB) <input name="file" type="file" accept=".m3u,.m3u8,audio/x-mpegurl,application/vnd.apple.mpegurl,text/plain" />
          </label>
          <label>
            Server (Xtream) <input name="server" type="url" inputMode="url" placeholder="http://panel.example:8080" />
          </label>
          <label>
            User name (Xtream) <input name="username" autoComplete="off" />
          </label>
          <label>
            Password (Xtream) <input name="password" type="password" autoComplete="new-password" />
          </label>
          <label>
            Guide address (optional) <input name="epgUrl" type="url" inputMode="url" placeholder="https://…/guide.xml.gz" />
          </label>
          <button type="submit" className="button">
            Add provider
          </button>
          {added?.ok && (
            <p className="form-ok" role="status">
              {added.ok}
            </p>
          )}
          {added?.message && (
            <p className="form-error" role="alert">
              {added.message}
            </p>
          )}
        </Form>
      </details>
    </section>
  )
}

/** For the account manager: which channel groups each kids profile may watch (none until allowed). */
function KidsGroups({ kids, groups }: { kids: KidsGroupAllowance[]; groups: Loaded['groups'] }) {
  return (
    <section aria-labelledby="kids-groups-heading" className="card">
      <h2 id="kids-groups-heading">What kids profiles may watch</h2>
      {kids.map((k) => (
        <details key={k.profileId}>
          <summary>
            {k.name}: {k.allowed.length ? `${k.allowed.length} group${k.allowed.length === 1 ? '' : 's'} allowed` : 'nothing allowed yet'}
          </summary>
          <ul className="status-list">
            {groups.map((g) => {
              const on = k.allowed.some((a) => a.providerId === g.providerId && a.group === g.name)
              return (
                <li key={`${g.providerId}-${g.name}`}>
                  <span className="name">
                    {g.name} ({g.channels})
                  </span>
                  <ToggleForm
                    intent="kids-group"
                    fields={{ kidsProfileId: k.profileId, providerId: g.providerId, group: g.name }}
                    on={!on}
                    label={on ? `Stop allowing ${g.name} for ${k.name}` : `Allow ${g.name} for ${k.name}`}
                  />
                </li>
              )
            })}
          </ul>
        </details>
      ))}
    </section>
  )
}

export default function LiveTv() {
  const d = useLoaderData<typeof loader>() as unknown as Loaded
  const visibleGroups = d.groups.filter((g) => !g.hidden)
  const hiddenGroups = d.groups.filter((g) => g.hidden)
  const nowOn = d.watching ? d.channels.find((c) => c.id === d.watching!.channel.id)?.now : null
  return (
    <AppShell profile={d.profile}>
      <h1>Live TV</h1>
      {d.watching &&
        (d.watching.src ? (
          <LivePlayer
            src={d.watching.src}
            title={d.watching.channel.name}
            subtitle={d.watching.catchupFrom ? `From ${new Date(d.watching.catchupFrom).toLocaleString()} (catch-up)` : nowOn ? `Now: ${nowOn.title}` : null}
          />
        ) : (
          <p className="form-error" role="alert">
            {d.watching.channel.name}: {d.watching.refusal}
          </p>
        ))}
      <div className="live-layout">
        <nav aria-label="Channel groups" className="live-groups">
          <ul>
            <li>
              <Link to="/live" aria-current={!d.filters.group && !d.filters.favoritesOnly}>
                All channels
              </Link>
            </li>
            <li>
              <Link to="/live?favorites=1" aria-current={d.filters.favoritesOnly}>
                Favourites
              </Link>
            </li>
            {visibleGroups.map((g) => (
              <li key={`${g.providerId}-${g.name}`}>
                <Link to={`/live?group=${encodeURIComponent(g.name)}`} aria-current={d.filters.group === g.name}>
                  {g.name} ({g.channels})
                </Link>
              </li>
            ))}
          </ul>
          {hiddenGroups.length > 0 && (
            <details>
              <summary>Hidden groups ({hiddenGroups.length})</summary>
              <ul>
                {hiddenGroups.map((g) => (
                  <li key={`${g.providerId}-${g.name}`}>
                    <Form method="post">
                      <input type="hidden" name="intent" value="hide-group" />
                      <input type="hidden" name="providerId" value={g.providerId} />
                      <input type="hidden" name="group" value={g.name} />
                      <input type="hidden" name="hidden" value="0" />
                      <button type="submit" className="link-button">
                        Show {g.name}
                      </button>
                    </Form>
                  </li>
                ))}
              </ul>
            </details>
          )}
          {d.filters.group && (
            <Form method="post">
              <input type="hidden" name="intent" value="hide-group" />
              <input type="hidden" name="providerId" value={visibleGroups.find((g) => g.name === d.filters.group)?.providerId ?? ''} />
              <input type="hidden" name="group" value={d.filters.group} />
              <input type="hidden" name="hidden" value="1" />
              <button type="submit" className="link-button">
                Hide {d.filters.group}
              </button>
            </Form>
          )}
        </nav>
        <div>
          <Form method="get" className="search-form" role="search">
            {d.filters.group && <input type="hidden" name="group" value={d.filters.group} />}
            <label>
              <span className="visually-hidden">Find a channel</span>
              <input type="search" name="q" defaultValue={d.filters.q ?? ''} placeholder="Find a channel" />
            </label>
            <button type="submit" className="button">
              Find
            </button>
          </Form>
          {d.recent.length > 0 && (
            <p>
              Recently watched:{' '}
              {d.recent.map((r, i) => (
                <span key={r.id}>
                  {i > 0 && ' · '}
                  <Link to={`/live?channel=${r.id}`}>{r.name}</Link>
                </span>
              ))}
            </p>
          )}
          {d.channels.length === 0 ? (
            <p className="empty">{d.providers.length === 0 ? 'No channels yet: add your IPTV provider below.' : 'No channels here.'}</p>
          ) : (
            <ul className="channel-grid" aria-label="Channels">
              {d.channels.map((c) => (
                <ChannelTile key={c.id} c={c} />
              ))}
            </ul>
          )}
          {d.channels.length > 0 && <GuideGrid channels={d.channels.slice(0, 40)} programmes={d.programmes} from={d.from} to={d.to} now={d.now} />}
        </div>
      </div>
      {d.kids.length > 0 && <KidsGroups kids={d.kids} groups={d.groups} />}
      <Providers providers={d.providers} />
    </AppShell>
  )
}
