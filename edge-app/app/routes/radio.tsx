import { parseCatalogId } from '@bittorrented/common'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { redirect } from '@remix-run/cloudflare'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { AppShell } from '../components/app-shell.tsx'
import { ToggleForm } from '../components/toggle-form.tsx'
import { RadioPlayer, type RadioPlayerProps } from '../components/radio/radio-player.tsx'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { parseForm } from '../lib/form.server.ts'
import { kidsAllowances, setKidsAllowed, type KidsAllowance } from '../lib/kids-allowances.server.ts'
import { mediaNode } from '../lib/media-node.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { favoriteStations, findStation, recentStations, recordPlayed, setFavoriteStation, visibleStations, type RadioStation } from '../lib/radio.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction = () => [{ title: 'Radio — BitTorrented' }]

const SEARCH_FIELDS = ['name', 'tag', 'countrycode', 'language', 'codec'] as const

/**
 * GET /radio — the profile's favourite and recent stations, the directory (Radio Browser's most
 * voted, or a search by `?name=&tag=&countrycode=&language=&codec=`), and with `?station=<id>` the
 * station playing through the media node with what is on now. A kids profile sees only the
 * stations an adult allowed it (the directory's answer passes through the same RLS).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const url = new URL(request.url)
  const node = mediaNode(context.config, ctx)
  const search = Object.fromEntries(SEARCH_FIELDS.flatMap((k) => (url.searchParams.get(k)?.trim() ? [[k, url.searchParams.get(k)!.trim().slice(0, 100)]] : [])))
  const searching = Object.keys(search).length > 0
  const [favorites, recent] = await Promise.all([favoriteStations(context.db, ctx), recentStations(context.db, ctx)])
  let directory: RadioStation[] = []
  let unavailable: string[] = []
  try {
    const answer = searching ? await node.radioSearch(search) : await node.radioTop()
    directory = await visibleStations(
      context.db,
      ctx,
      answer.stations.map((s) => s.id),
    )
    unavailable = answer.unavailable
  } catch (err) {
    unavailable = [err instanceof AppError ? err.message : 'Radio Browser did not answer.']
  }
  const withLogo = (list: RadioStation[]) => Promise.all(list.map(async (s) => ({ ...s, logo: s.hasLogo ? await node.stationLogoUrl(s.id) : null })))
  let player: RadioPlayerProps | null = null
  let kids: KidsAllowance[] = []
  const stationId = parseCatalogId(url.searchParams.get('station') ?? '')
  if (stationId !== null) {
    const s = await findStation(context.db, ctx, stationId)
    if (!s) throw new Response('Not found', { status: 404 })
    await recordPlayed(context.db, ctx, s.id)
    kids = await kidsAllowances(context.db, ctx, 'station', s.id)
    player = {
      src: s.hls ? await node.stationHlsUrl(s.id) : await node.stationStreamUrl(s.id),
      hls: s.hls,
      nowPlayingUrl: await node.stationNowPlayingUrl(s.id),
      logo: s.hasLogo ? await node.stationLogoUrl(s.id) : null,
      name: s.name,
      detail: [s.country, s.tags.slice(0, 3).join(', '), s.codec && s.bitrate ? `${s.codec} ${s.bitrate} kbit/s` : s.codec].filter(Boolean).join(' · '),
    }
  }
  return Response.json(
    {
      profile: ctx.profile,
      favorites: await withLogo(favorites),
      recent: await withLogo(recent),
      directory: await withLogo(directory),
      unavailable,
      search,
      searching,
      player,
      playing: stationId,
      kids,
    },
    { headers: { 'Cache-Control': 'private, no-store' } },
  )
}

const ActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('favorite'), stationId: z.coerce.number().int().positive(), on: z.enum(['1', '0']) }),
  z.object({ intent: z.literal('playlist'), url: z.string().trim().url('That is not an address.').max(2048) }),
  z.object({ intent: z.literal('kids'), stationId: z.coerce.number().int().positive(), kidsProfileId: z.string().uuid(), on: z.enum(['1', '0']) }),
])

/** POST /radio: favourite a station or not; add the stations of a .pls/.m3u/.xspf playlist (or a stream address). */
export function action({ request, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const form = await parseForm(request, ActionSchema)
    if (form.intent === 'favorite' || form.intent === 'kids') {
      if (form.intent === 'favorite') await setFavoriteStation(context.db, ctx, form.stationId, form.on === '1')
      else await setKidsAllowed(context.db, ctx, 'station', form.stationId, form.kidsProfileId, form.on === '1')
      return redirect(`/radio${new URL(request.url).search}`)
    }
    if (ctx.profile.isKids) throw new AppError('not_allowed', 'Ask a grown-up to add a station for you.')
    const { stations } = await mediaNode(context.config, ctx).radioPlaylist(form.url)
    for (const s of stations.slice(0, 50)) await setFavoriteStation(context.db, ctx, s.id, true)
    return redirect(`/radio?station=${stations[0]!.id}`)
  })
}

type Tile = RadioStation & { logo: string | null }
interface Loaded {
  profile: Profile
  favorites: Tile[]
  recent: Tile[]
  directory: Tile[]
  unavailable: string[]
  search: Record<string, string>
  searching: boolean
  player: RadioPlayerProps | null
  playing: number | null
  kids: KidsAllowance[]
}

function StationTile({ s }: { s: Tile }) {
  const [params] = useSearchParams()
  const keep = new URLSearchParams(params)
  keep.set('station', String(s.id))
  return (
    <li className="station-tile" data-station={s.id}>
      {s.logo ? <img src={s.logo} alt="" loading="lazy" width={64} height={64} /> : <span className="station-logo" aria-hidden="true" />}
      <div>
        <Link to={`?${keep}`} aria-label={`Listen to ${s.name}`}>
          {s.name}
        </Link>
        <p className="next">{[s.countrycode, s.tags.slice(0, 3).join(', '), s.bitrate ? `${s.bitrate} kbit/s` : null].filter(Boolean).join(' · ')}</p>
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="favorite" />
          <input type="hidden" name="stationId" value={s.id} />
          <input type="hidden" name="on" value={s.favorite ? '0' : '1'} />
          <button type="submit" className="link-button" aria-pressed={s.favorite} aria-label={s.favorite ? `Remove ${s.name} from favourites` : `Add ${s.name} to favourites`}>
            {s.favorite ? '★ Favourite' : '☆ Favourite'}
          </button>
        </Form>
      </div>
    </li>
  )
}

function Stations({ list, label }: { list: Tile[]; label: string }) {
  return (
    <ul className="station-grid" aria-label={label}>
      {list.map((s) => (
        <StationTile key={s.id} s={s} />
      ))}
    </ul>
  )
}

export default function Radio() {
  const d = useLoaderData<typeof loader>() as unknown as Loaded
  const failed = useActionData<{ message?: string }>()
  return (
    <AppShell profile={d.profile}>
      <h1>Radio</h1>
      {failed?.message && (
        <p className="form-error" role="alert">
          {failed.message}
        </p>
      )}
      {d.player && <RadioPlayer key={d.player.src} {...d.player} />}
      {d.player && d.kids.length > 0 && (
        <details className="card">
          <summary>Kids profiles</summary>
          <ul>
            {d.kids.map((k) => (
              <li key={k.profileId}>
                {k.name}: {k.allowed ? 'allowed' : 'not allowed'}{' '}
                <ToggleForm
                  intent="kids"
                  fields={{ stationId: d.playing!, kidsProfileId: k.profileId }}
                  on={!k.allowed}
                  label={k.allowed ? `Stop allowing ${d.player!.name} for ${k.name}` : `Allow ${d.player!.name} for ${k.name}`}
                />
              </li>
            ))}
          </ul>
        </details>
      )}
      {d.favorites.length > 0 && (
        <section aria-labelledby="fav-heading">
          <h2 id="fav-heading">Favourite stations</h2>
          <Stations list={d.favorites} label="Favourite stations" />
        </section>
      )}
      {d.recent.length > 0 && (
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recently played</h2>
          <Stations list={d.recent} label="Recently played" />
        </section>
      )}
      <section aria-labelledby="find-heading">
        <h2 id="find-heading">{d.searching ? 'Stations found' : 'Popular stations'}</h2>
        <Form method="get" role="search" className="search-form">
          <label>
            Name <input type="search" name="name" defaultValue={d.search.name ?? ''} />
          </label>
          <label>
            Genre or tag <input name="tag" defaultValue={d.search.tag ?? ''} placeholder="jazz, news…" />
          </label>
          <label>
            Country code <input name="countrycode" defaultValue={d.search.countrycode ?? ''} maxLength={2} size={3} placeholder="BE" />
          </label>
          <label>
            Language <input name="language" defaultValue={d.search.language ?? ''} placeholder="dutch" />
          </label>
          <label>
            Format{' '}
            <select name="codec" defaultValue={d.search.codec ?? ''}>
              <option value="">Any</option>
              <option value="MP3">MP3</option>
              <option value="AAC">AAC</option>
              <option value="AAC+">AAC+</option>
              <option value="OGG">Ogg</option>
              <option value="FLAC">FLAC</option>
            </select>
          </label>
          <button type="submit" className="button">
            Find stations
          </button>
        </Form>
        {d.unavailable.map((m) => (
          <p key={m} className="next">
            {m}
          </p>
        ))}
        {d.directory.length ? <Stations list={d.directory} label="Directory" /> : <p className="empty">No stations found.</p>}
      </section>
      {!d.profile.isKids && (
        <section aria-labelledby="add-station-heading" className="card">
          <h2 id="add-station-heading">Add a station</h2>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="playlist" />
            <label>
              Playlist (.pls, .m3u, .xspf) or stream address <input name="url" type="url" inputMode="url" required placeholder="https://…/listen.pls" />
            </label>
            <button type="submit" className="button">
              Add
            </button>
          </Form>
        </section>
      )}
    </AppShell>
  )
}
