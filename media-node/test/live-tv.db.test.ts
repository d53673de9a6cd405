/**
 * Watching a channel through the media node: a real node, a real database with providers
 * refreshed from the loopback IPTV service, and FFmpeg's live HLS behind it. The browser's side
 * of the wire never shows the provider's address or credentials.
 */
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import type pg from 'pg'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { channelResource, sealSecret, signUrl } from '@bittorrented/common'
import { testTarget } from '@bittorrented/db/test-helpers'
import { freePort } from '@bittorrented/scripts/free-port'
import { FIXTURE_PASSWORD, FIXTURE_USER } from '../src/demo/iptv-fixture.ts'
import { createApp } from '../src/http/app.ts'
import { refreshProvider } from '../src/iptv/provider-refresh.ts'
import { HlsJobs } from '../src/transcode/hls-jobs.ts'
import { LocalRunner } from '../src/transcode/job-runner.ts'
import { TranscodeQueue } from '../src/transcode/transcode-queue.ts'
import { openIptvWorld, type IptvWorld } from './helpers/iptv-world.ts'
import { createTestEngine } from './helpers/test-engine.ts'

const log = pino({ level: 'silent' })
const signingKey = 'l'.repeat(48)
let world: IptvWorld
let client: pg.Client
let fixture: IptvWorld['fixture']
let server: ServerType
let base: string
let hls: HlsJobs
let engine: ReturnType<typeof createTestEngine>
const channels = new Map<string, number>()

beforeAll(async () => {
  world = await openIptvWorld({ owner: '00000000-0000-4000-8000-0000000000bb', email: 'live@example.com' })
  ;({ client, fixture } = world)
  const { account, key, deps } = world
  const allow = deps.limits.allow
  const sealed = await sealSecret(key, JSON.stringify({ username: FIXTURE_USER, password: FIXTURE_PASSWORD }))
  const m3u = (
    await client.query<{ id: string }>(`insert into public.iptv_providers (account_id, name, kind, playlist_url) values ($1, 'M3U', 'm3u', $2) returning id`, [account, `${fixture.url}/playlist.m3u`])
  ).rows[0]!.id
  const xtream = (
    await client.query<{ id: string }>(
      `insert into public.iptv_providers (account_id, name, kind, xtream_server, secret_key_id, secret_ciphertext) values ($1, 'XC', 'xtream', $2, $3, $4) returning id`,
      [account, fixture.url, sealed.keyId, sealed.ciphertext],
    )
  ).rows[0]!.id
  for (const id of [m3u, xtream]) expect(await refreshProvider(world.withClient, id, deps)).toMatchObject({ ok: true })
  // By provider and guide id: `m3u:clock.demo`, `xtream:clock.demo`.
  for (const r of (await client.query<{ id: string; provider_id: string; tvg_id: string }>('select id, provider_id, tvg_id from catalog.iptv_channels')).rows) {
    channels.set(`${r.provider_id === m3u ? 'm3u' : 'xtream'}:${r.tvg_id}`, Number(r.id))
  }
  const mc = await client.query<{ id: string }>(
    `insert into catalog.iptv_channels (provider_id, channel_key, name, stream_url, playable) values ($1, 'mc', 'Multicast', 'rtp://239.0.0.1:5000', 'multicast') returning id`,
    [m3u],
  )
  channels.set('m3u:mc', Number(mc.rows[0]!.id))
  engine = createTestEngine({ cacheDir: join(world.work, 'cache') })
  hls = new HlsJobs({ dir: join(world.work, 'hls'), runner: new LocalRunner(new TranscodeQueue(1, 1)), log, maxHeight: 720, idleMs: 60_000, maxCacheBytes: 1 << 20 })
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  const app = createApp({
    withDb: async (fn) => fn(client),
    signingKey,
    log,
    engine,
    playback: { selfUrl: base, hls },
    live: { allow, timeoutMs: 20_000, playlistMaxBytes: 1 << 20, segmentMaxBytes: 16 << 20 },
  })
  server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
}, 90_000)

afterAll(async () => {
  server?.close()
  await hls?.destroy()
  await engine?.destroy()
  await world?.close()
})

const signed = (channelId: number, path = `/v1/live/${channelId}/index.m3u8`, resource = channelResource(channelId)) =>
  signUrl({ secret: signingKey, method: 'GET', url: `${base}${path}`, subject: { userId: 'u', resource }, ttlSeconds: 600 })

describe(`Live TV through the node on ${testTarget()}`, () => {
  test('a live channel: the playlist leads back to the node only, and its segments are MPEG-TS', async () => {
    const res = await fetch(await signed(channels.get('m3u:clock.demo')!))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('mpegurl')
    const text = await res.text()
    expect(text).not.toContain(new URL(fixture.url).host)
    const uris = text.split('\n').filter((l) => l && !l.startsWith('#'))
    expect(uris.length).toBeGreaterThan(0)
    expect(uris.every((u) => u.startsWith('/v1/live/'))).toBe(true)
    const segment = await fetch(`${base}${uris[0]}`)
    expect(segment.status).toBe(200)
    const bytes = new Uint8Array(await segment.arrayBuffer())
    // MPEG-TS: 188-byte packets, each starting with 0x47.
    expect(bytes[0]).toBe(0x47)
    expect(bytes[188]).toBe(0x47)
  }, 60_000)

  test("an Xtream channel: the panel's redirect is followed and its credentials never reach the browser", async () => {
    const text = await (await fetch(await signed(channels.get('xtream:clock.demo')!))).text()
    expect(text).toContain('#EXTM3U')
    expect(text).not.toContain(FIXTURE_PASSWORD)
    expect(text).not.toContain(FIXTURE_USER)
  }, 60_000)

  test('catch-up: a past programme of a channel that keeps two days plays from its start, to its end', async () => {
    const start = Math.floor(Date.now() / 1000 / 1800) * 1800 - 3 * 1800
    const res = await fetch(`${await signed(channels.get('m3u:life.demo')!)}&start=${start}&duration=1800`)
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toContain('#EXT-X-ENDLIST')
    // Xtream's timeshift URL pattern too.
    const xc = await fetch(`${await signed(channels.get('xtream:life.demo')!)}&start=${start}&duration=1800`)
    expect(xc.status).toBe(200)
    expect(await xc.text()).toContain('#EXT-X-ENDLIST')
    // Older than its catch-up days, or a channel without catch-up: clear refusals.
    expect((await fetch(`${await signed(channels.get('m3u:life.demo')!)}&start=${start - 3 * 86400}`)).status).toBe(404)
    expect((await fetch(`${await signed(channels.get('m3u:bars.demo')!)}&start=${start}`)).status).toBe(404)
  }, 90_000)

  test('a URL signed for one channel opens no other; a made-up token is a 404; multicast gets its reason', async () => {
    const clock = channels.get('m3u:clock.demo')!
    const bars = channels.get('m3u:bars.demo')!
    expect((await fetch(await signed(bars, `/v1/live/${bars}/index.m3u8`, channelResource(clock)))).status).toBe(403)
    expect((await fetch(await signed(clock, `/v1/live/${clock}/r/AAAAAAAAAAAAAAAAAAAAAA`))).status).toBe(404)
    const mc = await fetch(await signed(channels.get('m3u:mc')!))
    expect(mc.status).toBe(422)
    expect(((await mc.json()) as { message: string }).message).toMatch(/multicast/)
  })
})
