/**
 * Refreshing one IPTV provider: its playlist (M3U by URL or uploaded text) or its Xtream panel,
 * then its guide, written into the catalog; the provider's row says how it went
 * (`last_refresh_state`, a message a person understands, counts). A provider that fails keeps
 * its last good channels and guide. Everything fetched goes through the SSRF guard.
 *
 * `ProviderRefresher` runs on the media node: every few seconds it takes the next provider that
 * is due (never refreshed, asked for, or past its interval) and refreshes it, one at a time.
 */
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import type pg from 'pg'
import type { Logger } from 'pino'
import type { WithClient } from '../db.ts'
import { AppError } from '../errors.ts'
import { safeFetch, type SafeFetchOptions } from '../net/safe-fetch.ts'
import { channelFromM3u, channelMatcher, clearProgrammes, insertProgrammes, recordGuideChannels, removeUnseenChannels, upsertChannels, type ChannelRow } from './channel-writer.ts'
import { parseM3uStream, type M3uResult } from './m3u-parser.ts'
import { parseXmltvStream, XmltvError, type XmltvCounts } from './xmltv-parser.ts'
import { xtreamChannels, type XtreamCredentials } from './xtream-client.ts'

export interface RefreshLimits {
  playlistMaxBytes: number
  guideMaxBytes: number
  timeoutMs: number
  /** `host:port` pairs that may be private (the loopback fixture service). */
  allow: ReadonlySet<string>
}

export interface ProviderRow {
  id: string
  name: string
  kind: 'm3u' | 'xtream'
  playlist_url: string | null
  playlist_text: string | null
  xtream_server: string | null
  epg_url: string | null
  secret_key_id: string | null
  secret_ciphertext: string | null
}

export interface RefreshCounts {
  channels: number
  removed: number
  playlist?: M3uResult['problems']
  guide?: XmltvCounts & { matched: number; written: number; source: string }
  guideError?: string
}

/** Catch-up this far back, the guide this far ahead. */
const KEEP_BACK_MS = 3 * 24 * 60 * 60_000
const KEEP_AHEAD_MS = 7 * 24 * 60 * 60_000
const BATCH = 2000

/** A body that may be gzip without saying so (`guide.xml.gz` served as a file): gunzipped when it starts like gzip, within the limit. */
export async function* maybeGunzip(body: AsyncIterable<Buffer>, maxBytes: number, what: string): AsyncGenerator<Buffer> {
  const it = body[Symbol.asyncIterator]()
  const first = await it.next()
  if (first.done) return
  const head = first.value
  const rest = (async function* () {
    yield head
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value
  })()
  if (!(head[0] === 0x1f && head[1] === 0x8b)) {
    yield* rest
    return
  }
  const gunzip = createGunzip()
  const source = Readable.from(rest)
  source.on('error', (err) => gunzip.destroy(err))
  source.pipe(gunzip)
  let bytes = 0
  for await (const chunk of gunzip) {
    bytes += (chunk as Buffer).length
    if (bytes > maxBytes) {
      source.destroy()
      throw new AppError('invalid_input', `${what} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB once unpacked; the node reads no more of it.`)
    }
    yield chunk as Buffer
  }
}

async function fetchOk(url: string, opts: SafeFetchOptions): Promise<AsyncIterable<Buffer>> {
  const res = await safeFetch(url, opts)
  if (res.status === 401 || res.status === 403) throw new AppError('not_allowed', `${opts.what} refused the request (HTTP ${res.status}): check the address, or the subscription.`)
  if (res.status >= 400) throw new AppError('upstream_unavailable', `${opts.what} answered HTTP ${res.status}.`)
  return res.body as AsyncIterable<Buffer>
}

export interface RefreshDeps {
  limits: RefreshLimits
  /** Opens the provider's sealed credentials (Xtream). */
  openCredentials: (keyId: string, ciphertext: string) => Promise<XtreamCredentials>
  log?: Logger
  now?: () => number
}

/** Reads the playlist and writes the channels; returns the channels' count and where the guide is. */
async function refreshChannels(db: pg.ClientBase, p: ProviderRow, deps: RefreshDeps, seenAt: Date): Promise<{ counts: RefreshCounts; guideUrls: string[] }> {
  const { limits } = deps
  let position = 0
  let batch: ChannelRow[] = []
  const flush = async () => {
    await upsertChannels(db, p.id, batch, seenAt)
    batch = []
  }
  if (p.kind === 'xtream') {
    if (!p.xtream_server || !p.secret_key_id || !p.secret_ciphertext) throw new AppError('invalid_input', 'This Xtream provider has no server or credentials.')
    const credentials = await deps.openCredentials(p.secret_key_id, p.secret_ciphertext)
    const { channels, guideUrl } = await xtreamChannels(p.xtream_server, credentials, { timeoutMs: limits.timeoutMs, maxBytes: limits.playlistMaxBytes, allow: limits.allow })
    for (const c of channels) {
      batch.push({ ...c, position: position++ })
      if (batch.length >= BATCH) await flush()
    }
    await flush()
    const removed = await removeUnseenChannels(db, p.id, seenAt)
    return { counts: { channels: position, removed }, guideUrls: [guideUrl] }
  }
  const source: AsyncIterable<string | Uint8Array> | Iterable<string> = p.playlist_url
    ? maybeGunzip(await fetchOk(p.playlist_url, { maxBytes: limits.playlistMaxBytes, timeoutMs: limits.timeoutMs, allow: limits.allow, what: 'The playlist' }), limits.playlistMaxBytes, 'The playlist')
    : [p.playlist_text ?? '']
  const result = await parseM3uStream(source, async (c) => {
    batch.push(channelFromM3u(c, position++))
    if (batch.length >= BATCH) await flush()
  })
  await flush()
  if (result.channels === 0) throw new AppError('invalid_input', result.problems.missingHeader ? 'That is not an M3U playlist: it lists no channels.' : 'The playlist lists no channels.')
  const removed = await removeUnseenChannels(db, p.id, seenAt)
  return { counts: { channels: result.channels, removed, playlist: result.problems }, guideUrls: result.header.guideUrls }
}

/** Reads the guide and replaces the programmes of the window it covers. */
async function refreshGuide(db: pg.ClientBase, providerId: string, url: string, deps: RefreshDeps): Promise<NonNullable<RefreshCounts['guide']>> {
  const now = (deps.now ?? Date.now)()
  const window = { fromMs: now - KEEP_BACK_MS, toMs: now + KEEP_AHEAD_MS }
  const matcher = await channelMatcher(db, providerId)
  const body = maybeGunzip(
    await fetchOk(url, { maxBytes: deps.limits.guideMaxBytes, timeoutMs: deps.limits.timeoutMs * 4, allow: deps.limits.allow, what: 'The guide' }),
    deps.limits.guideMaxBytes,
    'The guide',
  )
  await clearProgrammes(db, providerId, window)
  let written = 0
  const counts = await parseXmltvStream(body, {
    onChannel: (gc) => void matcher.match(gc),
    onProgrammes: async (batch) => {
      written += await insertProgrammes(db, batch, (g) => matcher.byGuideId.get(g), window)
    },
  })
  await recordGuideChannels(db, matcher.byGuideId)
  return { ...counts, matched: [...matcher.byGuideId.values()].reduce((n, ids) => n + ids.length, 0), written, source: new URL(url).host }
}

/** Refreshes one provider; the result is written to its row whatever happens. */
export async function refreshProvider(withDb: WithClient, providerId: string, deps: RefreshDeps): Promise<{ ok: boolean; message: string; counts?: RefreshCounts }> {
  return withDb(async (db) => {
    const { rows } = await db.query<ProviderRow>(
      `update public.iptv_providers set last_refresh_state = 'running', refresh_requested_at = null where id = $1
       returning id, name, kind, playlist_url, playlist_text, xtream_server, epg_url, secret_key_id, secret_ciphertext`,
      [providerId],
    )
    const p = rows[0]
    if (!p) return { ok: false, message: 'No such provider.' }
    const seenAt = new Date()
    const finish = (state: 'ok' | 'failed', message: string, counts?: RefreshCounts) =>
      db.query(`update public.iptv_providers set last_refresh_state = $2, last_refresh_at = now(), last_refresh_message = $3, last_refresh_counts = $4 where id = $1`, [
        p.id,
        state,
        message.slice(0, 500),
        counts ? JSON.stringify(counts) : null,
      ])
    let counts: RefreshCounts
    let guideUrls: string[]
    try {
      await db.query('begin')
      ;({ counts, guideUrls } = await refreshChannels(db, p, deps, seenAt))
      await db.query('commit')
    } catch (err) {
      await db.query('rollback').catch(() => {})
      const message = err instanceof AppError ? err.message : `The playlist could not be read: ${(err as Error).message}`
      deps.log?.warn({ provider: p.id, err: message }, 'IPTV refresh failed; the last good channels stay')
      await finish('failed', message)
      return { ok: false, message }
    }
    const guide = p.epg_url ?? guideUrls[0]
    if (guide) {
      try {
        await db.query('begin')
        counts.guide = await refreshGuide(db, p.id, guide, deps)
        await db.query('commit')
      } catch (err) {
        await db.query('rollback').catch(() => {})
        counts.guideError = err instanceof AppError || err instanceof XmltvError ? err.message : `The guide could not be read: ${(err as Error).message}`
        deps.log?.warn({ provider: p.id, err: counts.guideError }, 'IPTV guide refresh failed; the last good guide stays')
      }
    }
    const message = `${counts.channels} channels${counts.guide ? `, ${counts.guide.written} programmes` : ''}${counts.guideError ? `; guide: ${counts.guideError}` : ''}`
    await finish('ok', message, counts)
    deps.log?.info({ provider: p.id, channels: counts.channels, programmes: counts.guide?.written ?? 0 }, 'IPTV provider refreshed')
    return { ok: true, message, counts }
  })
}

/** Refreshes due providers one at a time, checking every `pollMs`. */
export class ProviderRefresher {
  private timer: NodeJS.Timeout | null = null
  private busy = false

  constructor(
    private readonly withDb: WithClient,
    private readonly deps: RefreshDeps,
    private readonly pollMs = 5_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.pollMs)
    this.timer.unref()
    void this.tick()
  }

  /** Refreshes the next due provider, if any; true when one was refreshed. */
  async tick(): Promise<boolean> {
    if (this.busy) return false
    this.busy = true
    try {
      // Due: never refreshed, asked for, or past its interval; not one still running (unless
      // that run is an hour old: the node that ran it stopped).
      const due = await this.withDb(async (db) => {
        const { rows } = await db.query<{ id: string }>(
          `select id from public.iptv_providers
            where (last_refresh_state <> 'running' or last_refresh_at is null or last_refresh_at < now() - interval '1 hour')
              and (refresh_requested_at is not null or last_refresh_at is null or last_refresh_at < now() - make_interval(mins => refresh_minutes))
            order by (refresh_requested_at is null), last_refresh_at nulls first
            limit 1`,
        )
        return rows[0]?.id ?? null
      })
      if (!due) return false
      await refreshProvider(this.withDb, due, this.deps)
      return true
    } catch (err) {
      this.deps.log?.warn({ err: (err as Error).message }, 'IPTV refresher could not read the providers')
      return false
    } finally {
      this.busy = false
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
  }
}
