/**
 * Stations into the catalog (catalog.radio_stations), so favourites and recently played can name
 * them: Radio Browser stations by their uuid (`rb:<uuid>`), playlist ones by stream address
 * (`url:<address>`). Written each time a search returns them, so votes and addresses stay fresh.
 */
import type { StationWire } from '@bittorrented/common'
import type pg from 'pg'
import type { Station } from './radio-browser.ts'

const COLUMNS = `id::float8 as id, name, homepage, favicon_url as favicon, tags, country, countrycode, languages, codec, bitrate, votes`

export async function upsertStations(db: pg.ClientBase, stations: Array<Station | (Partial<Station> & { name: string; streamUrl: string; favicon?: string | null })>): Promise<StationWire[]> {
  if (!stations.length) return []
  const rows = stations.map((s) => ({
    station_key: s.stationUuid ? `rb:${s.stationUuid}` : `url:${s.streamUrl}`,
    station_uuid: s.stationUuid ?? null,
    source: s.stationUuid ? 'radio-browser' : 'playlist',
    name: s.name,
    stream_url: s.streamUrl,
    homepage: s.homepage ?? null,
    favicon_url: s.favicon ?? null,
    tags: s.tags ?? [],
    country: s.country ?? null,
    countrycode: s.countrycode ?? null,
    languages: s.languages ?? [],
    codec: s.codec ?? null,
    bitrate: s.bitrate ?? null,
    hls: s.hls ?? false,
    votes: s.votes ?? null,
    last_check_ok: s.lastCheckOk ?? null,
  }))
  const { rows: written } = await db.query<StationWire & { station_key: string }>(
    `with given as (
       select distinct on (r.station_key) r.* from jsonb_to_recordset($1::jsonb) as r(station_key text, station_uuid uuid, source text, name text, stream_url text,
              homepage text, favicon_url text, tags text[], country text, countrycode text, languages text[], codec text, bitrate integer, hls boolean,
              votes integer, last_check_ok boolean))
     insert into catalog.radio_stations as s (station_key, station_uuid, source, name, stream_url, homepage, favicon_url, tags, country, countrycode,
            languages, codec, bitrate, hls, votes, last_check_ok, seen_at)
     select station_key, station_uuid, source, name, stream_url, homepage, favicon_url, coalesce(tags, '{}'), country, countrycode,
            coalesce(languages, '{}'), codec, bitrate, coalesce(hls, false), votes, last_check_ok, now() from given
     on conflict (station_key) do update set name = excluded.name, stream_url = excluded.stream_url, homepage = excluded.homepage,
            favicon_url = excluded.favicon_url, tags = excluded.tags, country = excluded.country, countrycode = excluded.countrycode,
            languages = excluded.languages, codec = excluded.codec, bitrate = excluded.bitrate, hls = excluded.hls, votes = excluded.votes,
            last_check_ok = excluded.last_check_ok, seen_at = now()
     returning station_key, ${COLUMNS}`,
    [JSON.stringify(rows)],
  )
  // In the order given (the directory's ranking).
  const byKey = new Map(written.map(({ station_key, ...s }) => [station_key, s]))
  return rows.map((r) => byKey.get(r.station_key)).filter((s): s is StationWire => s !== undefined)
}
