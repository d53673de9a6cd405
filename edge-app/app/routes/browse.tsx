import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Link, useLoaderData } from '@remix-run/react'
import type { ReactElement, ReactNode } from 'react'
import { AppShell } from '../components/app-shell.tsx'
import { renewalReminder } from '../lib/billing/billing.server.ts'
import { listHomeShelves, listRecentTorrents, type CatalogTorrent, type HomeShelves } from '../lib/catalog.server.ts'
import { artistPath, formatBytes } from '../lib/format.ts'
import { getProfileHome, type ProfileHome, type ReadingItem, type ResumeItem, type SavedItem } from '../lib/profile-data.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction = () => [{ title: 'Home — BitTorrented' }]

export async function loader({ context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const home = await getProfileHome(context.db, ctx)
  const recent = await listRecentTorrents(context.db, ctx)
  const shelves = await listHomeShelves(context.db, ctx)
  const reminder = await renewalReminder(context.db, ctx)
  return Response.json({ profile: ctx.profile, home, recent, shelves, reminder })
}

function formatMinutes(seconds: number): string {
  const m = Math.round(seconds / 60)
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`
}

/**
 * One row of the home page: its heading, and its tiles or what to say when it has none. Every row
 * has this frame; `tile` draws one item's `<li>`.
 */
function Row<T>({ id, title, items, empty, tile, list = 'tiles' }: { id: string; title: string; items: T[]; empty: string; tile: (item: T, i: number) => ReactElement; list?: string }) {
  return (
    <section aria-labelledby={id} className="row-section">
      <h2 id={id}>{title}</h2>
      {items.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <ul className={list} data-row={id}>
          {items.map(tile)}
        </ul>
      )}
    </section>
  )
}

/**
 * A tile for something of the profile's own (saved, in progress): its title links to `to` while
 * the catalog has it for this profile; otherwise the title alone (still reachable by keyboard).
 */
function OwnTile({ to, title, children }: { to: string | null; title: string; children?: ReactNode }) {
  return (
    <li className="tile" tabIndex={to ? undefined : 0}>
      {to ? (
        <Link to={to} className="tile-title">
          {title}
        </Link>
      ) : (
        <span className="tile-title">{title}</span>
      )}
      {children}
    </li>
  )
}

/** A title saved to a list: a link to its page when the catalog has it. */
function savedTile(item: SavedItem) {
  return <OwnTile key={item.infoHash} to={item.inCatalog ? `/torrents/${item.infoHash}` : null} title={item.title} />
}

/** A shelf's title: the parsed title and year, with quality, size and seeders beneath; music links its artist. */
function shelfTile(t: CatalogTorrent) {
  return (
    <li key={t.infoHash} className="tile">
      <Link to={`/torrents/${t.infoHash}`} className="tile-title" title={t.name}>
        {t.title ?? t.name}
        {t.year !== null && ` (${t.year})`}
      </Link>
      {t.artist && (
        <Link to={artistPath(t.artist)} className="tile-meta">
          {t.artist}
        </Link>
      )}
      <span className="tile-meta">{[t.resolution, formatBytes(t.sizeBytes), t.seeders !== null ? `${t.seeders} seeding` : null].filter(Boolean).join(' · ')}</span>
    </li>
  )
}

/** A row of things in progress: watched or listened to (a progress bar and time left). */
function resumeTile(item: ResumeItem) {
  return (
    <OwnTile key={`${item.infoHash}/${item.fileIndex}`} to={item.playable ? `/watch/${item.infoHash}/${item.fileIndex}` : null} title={item.title}>
      <progress max={item.durationS} value={item.positionS} aria-label={`${Math.round((100 * item.positionS) / item.durationS)}% played`} />
      <span className="tile-meta">{formatMinutes(item.durationS - item.positionS)} left</span>
    </OwnTile>
  )
}

/** A book in progress: how far this profile has read. */
function readingTile(item: ReadingItem) {
  return (
    <OwnTile key={`${item.infoHash}/${item.fileIndex}`} to={item.readable ? `/read/${item.infoHash}/${item.fileIndex}` : null} title={item.title}>
      <progress max={1} value={item.fraction} aria-label={`${Math.round(100 * item.fraction)}% read`} />
    </OwnTile>
  )
}

export default function Browse() {
  const { profile, home, recent, shelves, reminder } = useLoaderData<typeof loader>() as {
    profile: Profile
    home: ProfileHome
    recent: CatalogTorrent[]
    shelves: HomeShelves
    reminder: Awaited<ReturnType<typeof renewalReminder>>
  }
  return (
    <AppShell profile={profile}>
      <h1>Hi, {profile.name}</h1>
      {reminder && (
        <p className="renewal" role="status">
          {reminder.state === 'active'
            ? `Your ${reminder.planName} ${reminder.kind === 'trial' ? 'trial' : 'plan'} ends on ${new Date(reminder.endsAt).toLocaleDateString()}.`
            : reminder.state === 'grace'
              ? `Your ${reminder.planName} plan has ended; everything keeps working until ${new Date(reminder.graceEndsAt).toLocaleDateString()}.`
              : `Your ${reminder.planName} plan has ended: the Free plan's limits apply. Nothing was deleted.`}{' '}
          <Link to="/billing">Renew in Plan &amp; billing</Link>
        </p>
      )}
      <Row id="continue" title="Continue watching" items={home.continueWatching} empty="Nothing in progress. What you start watching shows up here." tile={resumeTile} />
      {home.continueListening.length > 0 && <Row id="continue-listening" title="Continue listening" items={home.continueListening} empty="" tile={resumeTile} />}
      {home.continueReading.length > 0 && <Row id="continue-reading" title="Continue reading" items={home.continueReading} empty="" tile={readingTile} />}
      <Row
        id="recent"
        title="Recently added"
        items={recent}
        empty="The catalog is empty."
        tile={(t) => (
          <li key={t.infoHash} className="tile">
            <Link to={`/torrents/${t.infoHash}`} className="tile-title">
              {t.name}
            </Link>
            <span className="tile-meta">
              {formatBytes(t.sizeBytes)} · {t.fileCount} {t.fileCount === 1 ? 'file' : 'files'}
            </span>
          </li>
        )}
      />
      <Row id="movies" title="Movies" items={shelves.movies} empty="No films in the catalog yet." tile={shelfTile} />
      <Row
        id="shows"
        title="Shows"
        items={shelves.shows}
        empty="No shows in the catalog yet."
        tile={(s) => (
          <li key={`${s.title}/${s.season}`} className="tile">
            <Link to={`/torrents/${s.infoHash}`} className="tile-title">
              {s.title}
              {s.season !== null && ` — season ${s.season}`}
            </Link>
            <span className="tile-meta">
              {s.episodes} {s.episodes === 1 ? 'episode' : 'episodes'}
              {s.seeders !== null && ` · ${s.seeders} seeding`}
            </span>
          </li>
        )}
      />
      <Row id="music" title="Music" items={shelves.music} empty="No albums in the catalog yet." tile={shelfTile} />
      <Row id="books" title="Books" items={shelves.books} empty="No books in the catalog yet." tile={shelfTile} />
      <Row id="my-list" title="My list" items={home.myList} empty="Titles you add to your list show up here." tile={savedTile} />
      <Row id="favorites" title="Favorites" items={home.favorites} empty="No favorites yet." tile={savedTile} />
      <Row id="searches" title="Recent searches" items={home.recentSearches} empty="No searches yet." list="chips" tile={(q, i) => <li key={`${q}-${i}`}>{q}</li>} />
    </AppShell>
  )
}
