import { parseCatalogId } from '@bittorrented/common'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { redirect } from '@remix-run/cloudflare'
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { AppShell } from '../components/app-shell.tsx'
import { ToggleForm } from '../components/toggle-form.tsx'
import { formatTime } from '../components/player/use-resume.ts'
import { PodcastPlayer, SPEEDS, type PodcastPlayerProps } from '../components/podcasts/podcast-player.tsx'
import { handle as handleErrors } from '../lib/errors.ts'
import { kidsAllowances, setKidsAllowed, type KidsAllowance } from '../lib/kids-allowances.server.ts'
import { parseForm } from '../lib/form.server.ts'
import { mediaNode } from '../lib/media-node.server.ts'
import { findEpisode, findShow, listEpisodes, setPlayed, setQueued, setShowSettings, setSubscribed, type EpisodeFilter, type PodcastEpisode, type PodcastShow } from '../lib/podcasts.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${(data as unknown as Loaded | undefined)?.show.title ?? 'Podcast'} — BitTorrented` }]

const FILTERS: Array<{ id: EpisodeFilter; label: string }> = [
  { id: 'all', label: 'All' },
  { id: 'new', label: 'New' },
  { id: 'in-progress', label: 'In progress' },
  { id: 'played', label: 'Played' },
]

/**
 * GET /podcasts/:feedId — a show: its episodes for this profile (`?filter=new|in-progress|played`),
 * its feed's state, the profile's speed and skips for it, and with `?episode=<id>` the player
 * (resuming where the profile left off, on any device).
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const feedId = parseCatalogId(params.feedId ?? '')
  if (feedId === null) throw new Response('Not found', { status: 404 })
  const url = new URL(request.url)
  const filter = (FILTERS.find((f) => f.id === url.searchParams.get('filter'))?.id ?? 'all') as EpisodeFilter
  const show = await findShow(context.db, ctx, feedId)
  if (!show) throw new Response('Not found', { status: 404 })
  const node = mediaNode(context.config, ctx)
  const [episodes, kids, artwork] = await Promise.all([
    listEpisodes(context.db, ctx, feedId, filter),
    kidsAllowances(context.db, ctx, 'podcast', feedId),
    show.hasArtwork ? node.feedArtworkUrl(feedId) : null,
  ])
  let player: PodcastPlayerProps | null = null
  const episodeId = parseCatalogId(url.searchParams.get('episode') ?? '')
  if (episodeId !== null) {
    const e = await findEpisode(context.db, ctx, episodeId)
    if (!e || e.feedId !== feedId) throw new Response('Not found', { status: 404 })
    player = {
      src: await node.episodeAudioUrl(e.id),
      profileId: ctx.profileId,
      extrasUrl: await node.episodeExtrasUrl(e.id),
      artwork,
      episodeId: e.id,
      feedId,
      title: e.title,
      show: show.title,
      resumeAt: e.played ? 0 : e.positionS,
      speed: show.speed,
      skipIntroS: show.skipIntroS,
      skipOutroS: show.skipOutroS,
      subscribed: show.subscribed,
    }
  }
  return Response.json({ profile: ctx.profile, show, artwork, episodes, filter, player, kids }, { headers: { 'Cache-Control': 'private, no-store' } })
}

const ActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('subscribe'), on: z.enum(['1', '0']) }),
  z.object({ intent: z.literal('played'), episodeId: z.coerce.number().int().positive(), on: z.enum(['1', '0']) }),
  z.object({ intent: z.literal('queue'), episodeId: z.coerce.number().int().positive(), on: z.enum(['1', '0']) }),
  z.object({
    intent: z.literal('settings'),
    speed: z.coerce.number().min(0.5).max(3),
    skipIntroS: z.coerce.number().int().min(0).max(600),
    skipOutroS: z.coerce.number().int().min(0).max(600),
  }),
  z.object({ intent: z.literal('kids'), kidsProfileId: z.string().uuid(), on: z.enum(['1', '0']) }),
])

/** POST /podcasts/:feedId: subscribe or not, mark played/unplayed, queue, keep the speed and skips, allow for a kids profile. */
export function action({ request, params, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const feedId = parseCatalogId(params.feedId ?? '')
    if (feedId === null) throw new Response('Not found', { status: 404 })
    const form = await parseForm(request, ActionSchema)
    switch (form.intent) {
      case 'subscribe':
        await setSubscribed(context.db, ctx, feedId, form.on === '1')
        break
      case 'played':
        await setPlayed(context.db, ctx, form.episodeId, form.on === '1')
        break
      case 'queue':
        await setQueued(context.db, ctx, form.episodeId, form.on === '1')
        break
      case 'settings':
        await setShowSettings(context.db, ctx, feedId, form)
        break
      case 'kids':
        await setKidsAllowed(context.db, ctx, 'podcast', feedId, form.kidsProfileId, form.on === '1')
        break
    }
    return redirect(`/podcasts/${feedId}${new URL(request.url).search}`)
  })
}

interface Loaded {
  profile: Profile
  show: PodcastShow
  artwork: string | null
  episodes: PodcastEpisode[]
  filter: EpisodeFilter
  player: PodcastPlayerProps | null
  kids: KidsAllowance[]
}

export default function PodcastShowPage() {
  const d = useLoaderData<typeof loader>() as unknown as Loaded
  const [params] = useSearchParams()
  const playHref = (id: number) => {
    const next = new URLSearchParams(params)
    next.set('episode', String(id))
    return `?${next}`
  }
  return (
    <AppShell profile={d.profile}>
      <p>
        <Link to="/podcasts">← Podcasts</Link>
      </p>
      <header className="podcast-header">
        {d.artwork ? <img src={d.artwork} alt="" className="podcast-art" width={200} height={200} /> : <span className="podcast-art placeholder" aria-hidden="true" />}
        <div>
          <h1>{d.show.title}</h1>
          {d.show.author && <p className="next">{d.show.author}</p>}
          {d.show.description && <p>{d.show.description.slice(0, 600)}</p>}
          <p className="next">
            {d.show.lastFetchState === 'never'
              ? 'The feed has not been read yet.'
              : `Feed ${d.show.lastFetchState === 'failed' ? 'problem' : 'read'}: ${d.show.lastFetchMessage ?? ''}${d.show.lastFetchAt ? ` (${new Date(d.show.lastFetchAt).toLocaleString()})` : ''}`}
          </p>
          <ToggleForm intent="subscribe" fields={{}} on={!d.show.subscribed} label={d.show.subscribed ? 'Unsubscribe' : 'Subscribe'} />
        </div>
      </header>
      {d.player && <PodcastPlayer key={d.player.episodeId} {...d.player} />}
      {d.show.subscribed && (
        <details className="card">
          <summary>Playback settings for this podcast</summary>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="settings" />
            <label>
              Speed{' '}
              <select name="speed" defaultValue={d.show.speed}>
                {SPEEDS.map((s) => (
                  <option key={s} value={s}>
                    {s}×
                  </option>
                ))}
              </select>
            </label>
            <label>
              Skip intro (seconds) <input name="skipIntroS" type="number" min={0} max={600} defaultValue={d.show.skipIntroS} />
            </label>
            <label>
              Skip outro (seconds) <input name="skipOutroS" type="number" min={0} max={600} defaultValue={d.show.skipOutroS} />
            </label>
            <button type="submit" className="button">
              Save
            </button>
          </Form>
        </details>
      )}
      {d.kids.length > 0 && (
        <details className="card">
          <summary>Kids profiles</summary>
          <ul>
            {d.kids.map((k) => (
              <li key={k.profileId}>
                {k.name}: {k.allowed ? 'allowed' : 'not allowed'}{' '}
                <ToggleForm intent="kids" fields={{ kidsProfileId: k.profileId }} on={!k.allowed} label={k.allowed ? `Stop allowing for ${k.name}` : `Allow for ${k.name}`} />
              </li>
            ))}
          </ul>
        </details>
      )}
      <nav aria-label="Episodes shown" className="chips">
        {FILTERS.map((f) => (
          <Link key={f.id} to={f.id === 'all' ? '?' : `?filter=${f.id}`} aria-current={d.filter === f.id}>
            {f.label}
          </Link>
        ))}
      </nav>
      {d.episodes.length === 0 ? (
        <p className="empty">No episodes here.</p>
      ) : (
        <ul className="episode-rows" aria-label="Episodes">
          {d.episodes.map((e) => (
            <li key={e.id} data-episode={e.id} data-played={e.played}>
              <div>
                <Link to={playHref(e.id)} aria-label={`Play ${e.title}`}>
                  {e.played ? '✓ ' : ''}
                  {e.title}
                </Link>
                <p className="next">
                  {e.publishedAt ? new Date(e.publishedAt).toLocaleDateString() : ''}
                  {e.season ? ` · S${e.season}` : ''}
                  {e.episode ? ` E${e.episode}` : ''}
                  {e.durationS ? ` · ${formatTime(e.durationS)}` : ''}
                  {e.positionS > 0 && !e.played && e.durationS ? ` · ${formatTime(Math.max(0, e.durationS - e.positionS))} left` : ''}
                  {e.explicit ? ' · Explicit' : ''}
                  {e.hasChapters ? ' · Chapters' : ''}
                  {e.hasTranscript ? ' · Transcript' : ''}
                </p>
              </div>
              <ToggleForm intent="played" fields={{ episodeId: e.id }} on={!e.played} label={e.played ? 'Mark unplayed' : 'Mark played'} />
              <ToggleForm intent="queue" fields={{ episodeId: e.id }} on={!e.queued} label={e.queued ? 'Remove from Up next' : 'Add to Up next'} />
            </li>
          ))}
        </ul>
      )}
    </AppShell>
  )
}
