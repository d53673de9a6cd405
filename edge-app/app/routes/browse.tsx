import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Link, useLoaderData } from '@remix-run/react'
import { AppShell } from '../components/app-shell.tsx'
import { listRecentTorrents, type CatalogTorrent } from '../lib/catalog.server.ts'
import { formatBytes } from '../lib/format.ts'
import { getProfileHome, type ProfileHome, type SavedItem } from '../lib/profile-data.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction = () => [{ title: 'Home — BitTorrented' }]

export async function loader({ context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const home = await getProfileHome(context.db, ctx)
  const recent = await listRecentTorrents(context.db, ctx)
  return Response.json({ profile: ctx.profile, home, recent })
}

function formatMinutes(seconds: number): string {
  const m = Math.round(seconds / 60)
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`
}

function SavedRow({ id, title, items, empty }: { id: string; title: string; items: SavedItem[]; empty: string }) {
  return (
    <section aria-labelledby={id} className="row-section">
      <h2 id={id}>{title}</h2>
      {items.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <ul className="tiles" data-row={id}>
          {items.map((item) => (
            <li key={item.infoHash} className="tile" tabIndex={0}>
              <span className="tile-title">{item.title}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

export default function Browse() {
  const { profile, home, recent } = useLoaderData<typeof loader>() as { profile: Profile; home: ProfileHome; recent: CatalogTorrent[] }
  return (
    <AppShell profile={profile}>
      <h1>Hi, {profile.name}</h1>
      <section aria-labelledby="continue" className="row-section">
        <h2 id="continue">Continue watching</h2>
        {home.continueWatching.length === 0 ? (
          <p className="empty">Nothing in progress. What you start watching shows up here.</p>
        ) : (
          <ul className="tiles" data-row="continue">
            {home.continueWatching.map((item) => (
              <li key={`${item.infoHash}/${item.fileIndex}`} className="tile" tabIndex={item.playable ? undefined : 0}>
                {item.playable ? (
                  <Link to={`/watch/${item.infoHash}/${item.fileIndex}`} className="tile-title">
                    {item.title}
                  </Link>
                ) : (
                  <span className="tile-title">{item.title}</span>
                )}
                <progress max={item.durationS} value={item.positionS} aria-label={`${Math.round((100 * item.positionS) / item.durationS)}% watched`} />
                <span className="tile-meta">{formatMinutes(item.durationS - item.positionS)} left</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="recent" className="row-section">
        <h2 id="recent">Recently added</h2>
        {recent.length === 0 ? (
          <p className="empty">The catalog is empty.</p>
        ) : (
          <ul className="tiles" data-row="recent">
            {recent.map((t) => (
              <li key={t.infoHash} className="tile">
                <Link to={`/torrents/${t.infoHash}`} className="tile-title">
                  {t.name}
                </Link>
                <span className="tile-meta">
                  {formatBytes(t.sizeBytes)} · {t.fileCount} {t.fileCount === 1 ? 'file' : 'files'}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <SavedRow id="my-list" title="My list" items={home.myList} empty="Titles you add to your list show up here." />
      <SavedRow id="favorites" title="Favorites" items={home.favorites} empty="No favorites yet." />
      <section aria-labelledby="searches" className="row-section">
        <h2 id="searches">Recent searches</h2>
        {home.recentSearches.length === 0 ? (
          <p className="empty">No searches yet.</p>
        ) : (
          <ul className="chips" data-row="searches">
            {home.recentSearches.map((q, i) => (
              <li key={`${q}-${i}`}>{q}</li>
            ))}
          </ul>
        )}
      </section>
    </AppShell>
  )
}
