import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Form, Link, useLoaderData, useNavigation, useSearchParams, useSubmit } from '@remix-run/react'
import { AppShell } from '../components/app-shell.tsx'
import { formatBytes } from '../lib/format.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'
import { searchCatalog, searchParamsFrom, type SearchResult } from '../lib/search/index.ts'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction = () => [{ title: 'Search — BitTorrented' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const params = searchParamsFrom(new URL(request.url))
  return Response.json({ profile: ctx.profile, result: await searchCatalog(context.db, ctx, params) })
}

const TYPE_LABELS: Record<string, string> = {
  movie: 'Films',
  tv_episode: 'Episodes',
  tv_season: 'Seasons',
  music_album: 'Albums',
  music_track: 'Tracks',
  ebook: 'Books',
  audiobook: 'Audiobooks',
  comic: 'Comics',
  podcast: 'Podcasts',
  software: 'Software',
  other: 'Other',
}

/** One filter: a checkbox per value, with how many results it would give. Empty: not shown, unless `always`. */
function FacetFieldset(props: {
  legend: string
  name: string
  values: Array<{ value: string; count: number }>
  chosen: Set<string>
  label?: (v: string) => string
  always?: boolean
  estimate?: boolean
}) {
  if (props.values.length === 0 && !props.always) return null
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.values.map((f) => (
        <label key={f.value} className="checkbox">
          <input type="checkbox" name={props.name} value={f.value} defaultChecked={props.chosen.has(f.value)} />
          {props.label ? props.label(f.value) : f.value} <span className="tile-meta">({props.estimate ? `about ${f.count}` : f.count})</span>
        </label>
      ))}
    </fieldset>
  )
}

export default function Search() {
  const { profile, result } = useLoaderData<typeof loader>() as { profile: Profile; result: SearchResult }
  const [params] = useSearchParams()
  const busy = useNavigation().state === 'loading'
  const submit = useSubmit()
  // Empty filters stay out of the address (`?q=tones`, not `?q=tones&yearFrom=&yearTo=`); without script the form still works.
  const submitFilled = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const kept = new URLSearchParams()
    for (const [k, v] of new FormData(e.currentTarget)) if (typeof v === 'string' && v.trim() !== '') kept.append(k, v)
    submit(kept, { method: 'get' })
  }
  const q = params.get('q') ?? ''
  const chosen = (key: string) => new Set(params.getAll(key))
  const nextPage = () => {
    const u = new URLSearchParams(params)
    u.set('after', result.next!)
    return `?${u.toString()}`
  }
  return (
    <AppShell profile={profile}>
      <h1>Search</h1>
      <Form method="get" role="search" className="search-form" onSubmit={submitFilled}>
        <label className="grow">
          <span className="visually-hidden">Search the catalog</span>
          <input type="search" name="q" defaultValue={q} placeholder="Title, year, quality…  (quotes for a phrase, -word to exclude)" autoFocus maxLength={200} data-arrow-down="#search-results" />
        </label>
        <label>
          <span className="visually-hidden">Sort by</span>
          <select name="sort" defaultValue={params.get('sort') ?? 'relevance'}>
            <option value="relevance">Best match</option>
            <option value="seeders">Most seeders</option>
            <option value="size">Largest</option>
            <option value="date">Newest</option>
          </select>
        </label>
        <button type="submit" className="button primary">
          Search
        </button>
        <div className="facets">
          <FacetFieldset legend="Type" name="type" values={result.facets.type} chosen={chosen('type')} estimate={result.facets.estimate} label={(v) => TYPE_LABELS[v] ?? v} always />
          <FacetFieldset legend="Quality" name="resolution" values={result.facets.resolution} chosen={chosen('resolution')} estimate={result.facets.estimate} />
          <FacetFieldset legend="Language" name="language" values={result.facets.language} chosen={chosen('language')} estimate={result.facets.estimate} />
          <fieldset>
            <legend>Year</legend>
            <div className="row">
              <input type="number" name="yearFrom" aria-label="From year" placeholder="from" min={1870} max={2100} defaultValue={params.get('yearFrom') ?? ''} />
              <input type="number" name="yearTo" aria-label="To year" placeholder="to" min={1870} max={2100} defaultValue={params.get('yearTo') ?? ''} />
            </div>
          </fieldset>
        </div>
      </Form>
      <p role="status" className="tile-meta">
        {busy
          ? 'Searching…'
          : result.total.count === 0 && q.trim()
            ? // Nothing at all (a kids profile searching words only hidden titles hold, too): said simply (issue #24).
              `Nothing found for “${q.trim()}”.`
            : `${result.total.estimate ? 'about ' : ''}${result.total.count.toLocaleString('en')} ${result.total.count === 1 ? 'result' : 'results'}${result.matchedBy === 'fuzzy' ? ` — no exact match, showing results for “${result.correctedTo ?? q}”` : ''}`}
      </p>
      <ul className="file-list" aria-label="Results" id="search-results">
        {result.hits.map((h) => (
          <li key={h.infoHash} className="file-row">
            <span className="badge">{TYPE_LABELS[h.contentType] ?? h.contentType}</span>
            <Link to={`/torrents/${h.infoHash}`} className="file-path">
              {h.name}
            </Link>
            <span className="tile-meta">
              {[h.year, h.resolution, formatBytes(h.sizeBytes), h.seeders !== null ? `${h.seeders} ${h.seeders === 1 ? 'seeder' : 'seeders'}` : null].filter(Boolean).join(' · ')}
            </span>
          </li>
        ))}
      </ul>
      {result.next && (
        <p>
          <Link to={nextPage()} className="button">
            More results
          </Link>
        </p>
      )}
    </AppShell>
  )
}
