import type { DirectoryPodcastWire } from '@bittorrented/common'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { redirect } from '@remix-run/cloudflare'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { AppShell } from '../components/app-shell.tsx'
import { AppError, handle as handleErrors } from '../lib/errors.ts'
import { parseForm } from '../lib/form.server.ts'
import { mediaNode } from '../lib/media-node.server.ts'
import { inProgress, listSubscriptions, queue, setSubscribed, type PodcastEpisode, type PodcastShow } from '../lib/podcasts.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'
import { formatTime } from '../components/player/use-resume.ts'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction = () => [{ title: 'Podcasts — BitTorrented' }]

/**
 * GET /podcasts — the profile's subscriptions (artwork through the media node), what it is in
 * the middle of, its queue, and the directories: trending (by category) or, with `?q=`, a search
 * of Podcast Index and iTunes at once. A kids profile sees only what an adult allowed it.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const url = new URL(request.url)
  const q = url.searchParams.get('q')?.trim().slice(0, 200) || null
  const category = url.searchParams.get('cat')?.slice(0, 100) || null
  const node = mediaNode(context.config, ctx)
  const [subscriptions, continuing, upNext] = await Promise.all([listSubscriptions(context.db, ctx), inProgress(context.db, ctx), queue(context.db, ctx)])
  const art = new Map(await Promise.all(subscriptions.filter((s) => s.hasArtwork).map(async (s) => [s.id, await node.feedArtworkUrl(s.id)] as const)))
  let directory: { podcasts: DirectoryPodcastWire[]; unavailable: string[]; categories: string[] } | null = null
  if (!ctx.profile.isKids) {
    try {
      const answer = q ? await node.podcastSearch(q) : await node.podcastTrending(category ?? undefined)
      // Covers come through the media node like everything else the browser loads.
      const podcasts = await Promise.all(answer.podcasts.map(async (p) => ({ ...p, artwork: p.artwork ? await node.artworkUrl(p.artwork) : null })))
      directory = { podcasts, unavailable: answer.unavailable, categories: answer.categories ?? [] }
    } catch (err) {
      directory = { podcasts: [], unavailable: [err instanceof AppError ? err.message : 'The podcast directories did not answer.'], categories: [] }
    }
  }
  const imported = url.searchParams.get('imported')
  const importError = url.searchParams.get('importError')?.slice(0, 300) ?? null
  return Response.json(
    {
      profile: ctx.profile,
      subscriptions: subscriptions.map((s) => ({ ...s, artwork: art.get(s.id) ?? null })),
      continuing,
      upNext,
      directory,
      q,
      category,
      opmlUrl: await node.opmlExportUrl(),
      importError,
      imported: imported
        ? {
            feeds: Number(imported),
            added: Number(url.searchParams.get('added') ?? 0),
            duplicates: Number(url.searchParams.get('duplicates') ?? 0),
            invalid: Number(url.searchParams.get('invalid') ?? 0),
          }
        : null,
    },
    { headers: { 'Cache-Control': 'private, no-store' } },
  )
}

const ActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('subscribe'), feedUrl: z.string().trim().min(1, 'Give the feed’s address.').max(2048) }),
  z.object({ intent: z.literal('unsubscribe'), feedId: z.coerce.number().int().positive() }),
])

/** POST /podcasts: subscribe (a directory result or a pasted feed address), unsubscribe. */
export function action({ request, context }: ActionFunctionArgs) {
  return handleErrors(async () => {
    const ctx = requireProfile(context)
    const form = await parseForm(request, ActionSchema)
    if (form.intent === 'unsubscribe') {
      await setSubscribed(context.db, ctx, form.feedId, false)
      return redirect('/podcasts')
    }
    if (ctx.profile.isKids) throw new AppError('not_allowed', 'Ask a grown-up to add a podcast for you.')
    const { feedId } = await mediaNode(context.config, ctx).addFeed(form.feedUrl)
    await setSubscribed(context.db, ctx, feedId, true)
    return redirect(`/podcasts/${feedId}`)
  })
}

interface Loaded {
  profile: Profile
  subscriptions: Array<PodcastShow & { artwork: string | null }>
  continuing: PodcastEpisode[]
  upNext: PodcastEpisode[]
  directory: { podcasts: DirectoryPodcastWire[]; unavailable: string[]; categories: string[] } | null
  q: string | null
  category: string | null
  opmlUrl: string
  importError: string | null
  imported: { feeds: number; added: number; duplicates: number; invalid: number } | null
}

export function EpisodeLine({ e }: { e: PodcastEpisode }) {
  const left = e.durationS ? Math.max(0, e.durationS - e.positionS) : null
  return (
    <li>
      <Link to={`/podcasts/${e.feedId}?episode=${e.id}`}>{e.title}</Link> <span className="next">{e.feedTitle}</span>
      {left !== null && e.positionS > 0 && <span className="badge">{formatTime(left)} left</span>}
    </li>
  )
}

function Artwork({ src, title }: { src: string | null; title: string }) {
  return src ? <img src={src} alt="" loading="lazy" width={180} height={180} /> : <span className="podcast-art placeholder" aria-hidden="true" title={title} />
}

export default function Podcasts() {
  const d = useLoaderData<typeof loader>() as unknown as Loaded
  const failed = useActionData<{ message?: string }>()
  const busy = useNavigation().state !== 'idle'
  return (
    <AppShell profile={d.profile}>
      <h1>Podcasts</h1>
      {d.importError && (
        <p className="form-error" role="alert">
          The OPML file was not imported: {d.importError}
        </p>
      )}
      {failed?.message && (
        <p className="form-error" role="alert">
          {failed.message}
        </p>
      )}
      {d.imported && (
        <p className="form-ok" role="status">
          Imported {d.imported.feeds} podcasts ({d.imported.added} new to you)
          {d.imported.duplicates ? `, ${d.imported.duplicates} listed twice` : ''}
          {d.imported.invalid ? `, ${d.imported.invalid} with an address that is not a feed (left out)` : ''}. New episodes appear as each feed is read.
        </p>
      )}
      {d.continuing.length > 0 && (
        <section aria-labelledby="continue-heading">
          <h2 id="continue-heading">Continue listening</h2>
          <ul className="episode-list">
            {d.continuing.map((e) => (
              <EpisodeLine key={e.id} e={e} />
            ))}
          </ul>
        </section>
      )}
      {d.upNext.length > 0 && (
        <section aria-labelledby="queue-heading">
          <h2 id="queue-heading">Up next</h2>
          <ol className="episode-list">
            {d.upNext.map((e) => (
              <EpisodeLine key={e.id} e={e} />
            ))}
          </ol>
        </section>
      )}
      <section aria-labelledby="subs-heading">
        <h2 id="subs-heading">Your podcasts</h2>
        {d.subscriptions.length === 0 ? (
          <p className="empty">{d.profile.isKids ? 'Nothing here yet: ask a grown-up to allow a podcast for you.' : 'No subscriptions yet. Find a podcast below, or paste its feed.'}</p>
        ) : (
          <ul className="podcast-grid" aria-label="Subscriptions">
            {d.subscriptions.map((s) => (
              <li key={s.id} className="podcast-tile">
                <Link to={`/podcasts/${s.id}`} aria-label={`${s.title}${s.unplayed ? `, ${s.unplayed} unplayed` : ''}`}>
                  <Artwork src={s.artwork} title={s.title} />
                  <span className="title">{s.title}</span>
                </Link>
                {s.unplayed > 0 && <span className="badge">{s.unplayed} new</span>}
                {s.lastFetchState === 'failed' && <span className="next">Feed problem: {s.lastFetchMessage}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      {d.directory && (
        <section aria-labelledby="find-heading">
          <h2 id="find-heading">{d.q ? `Podcasts matching “${d.q}”` : 'Find podcasts'}</h2>
          <Form method="get" role="search" className="search-form">
            <label>
              <span className="visually-hidden">Search podcasts</span>
              <input type="search" name="q" defaultValue={d.q ?? ''} placeholder="Search Podcast Index and Apple Podcasts" />
            </label>
            <button type="submit" className="button">
              Search
            </button>
          </Form>
          {!d.q && d.directory.categories.length > 0 && (
            <nav aria-label="Categories" className="chips">
              <Link to="/podcasts" aria-current={!d.category}>
                Trending
              </Link>
              {d.directory.categories.map((c) => (
                <Link key={c} to={`/podcasts?cat=${encodeURIComponent(c)}`} aria-current={d.category === c}>
                  {c}
                </Link>
              ))}
            </nav>
          )}
          {d.directory.unavailable.map((m) => (
            <p key={m} className="next">
              {m}
            </p>
          ))}
          <ul className="podcast-results" aria-label="Directory results">
            {d.directory.podcasts.map((p) => (
              <li key={p.feedUrl} className="podcast-result">
                <Artwork src={p.artwork} title={p.title} />
                <div>
                  <h3>{p.title}</h3>
                  {p.author && <p className="next">{p.author}</p>}
                  {p.description && <p>{p.description.slice(0, 240)}</p>}
                  <p className="next">
                    {p.categories.slice(0, 3).join(' · ')}
                    {p.episodeCount ? ` · ${p.episodeCount} episodes` : ''}
                  </p>
                  {d.subscriptions.some((s) => s.title === p.title) ? (
                    <p className="badge">Subscribed</p>
                  ) : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="subscribe" />
                      <input type="hidden" name="feedUrl" value={p.feedUrl} />
                      <button type="submit" className="button" disabled={busy} aria-label={`Subscribe to ${p.title}`}>
                        Subscribe
                      </button>
                    </Form>
                  )}
                </div>
              </li>
            ))}
          </ul>
          {d.q && d.directory.podcasts.length === 0 && <p className="empty">Nothing found. Try other words, or paste the podcast’s feed below.</p>}
        </section>
      )}
      {!d.profile.isKids && (
        <section aria-labelledby="add-heading" className="card">
          <h2 id="add-heading">Add by feed, import or export</h2>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="subscribe" />
            <label>
              Feed address <input name="feedUrl" type="url" inputMode="url" required placeholder="https://…/feed.xml" />
            </label>
            <button type="submit" className="button" disabled={busy}>
              Subscribe
            </button>
          </Form>
          <Form method="post" action="/podcasts/import" encType="multipart/form-data" className="inline-form">
            <label>
              OPML file from another app <input name="opml" type="file" accept=".opml,.xml,text/x-opml,text/xml,application/xml" required />
            </label>
            <button type="submit" className="button" disabled={busy}>
              Import
            </button>
          </Form>
          <p>
            <a href={d.opmlUrl} download="bittorrented-podcasts.opml">
              Export your subscriptions (OPML)
            </a>
          </p>
        </section>
      )}
    </AppShell>
  )
}
