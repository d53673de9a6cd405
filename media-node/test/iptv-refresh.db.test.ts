/**
 * A provider refreshed from the loopback IPTV service, as the media node does it: M3U and its
 * XMLTV guide, Xtream Codes with sealed credentials, and the failures a family meets (a wrong
 * password, a provider that is down) — the last good channels stay.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sealSecret } from '@bittorrented/common'
import { testTarget } from '@bittorrented/db/test-helpers'
import { FIXTURE_PASSWORD, FIXTURE_USER } from '../src/demo/iptv-fixture.ts'
import { refreshProvider } from '../src/iptv/provider-refresh.ts'
import { openIptvWorld, type IptvWorld } from './helpers/iptv-world.ts'

let world: IptvWorld
let client: IptvWorld['client']
let fixture: IptvWorld['fixture']
let deps: IptvWorld['deps']
let withClient: IptvWorld['withClient']
let key: string
let account: string

beforeAll(async () => {
  world = await openIptvWorld({ owner: '00000000-0000-4000-8000-0000000000aa', email: 'tv@example.com' })
  ;({ client, fixture, deps, withClient, key, account } = world)
}, 60_000)

afterAll(async () => {
  await world?.close()
})

async function provider(fields: Record<string, unknown>): Promise<string> {
  const cols = Object.keys(fields)
  const { rows } = await client.query<{ id: string }>(
    `insert into public.iptv_providers (account_id, name, ${cols.join(', ')}) values ($1, 'Test', ${cols.map((_, i) => `$${i + 2}`).join(', ')}) returning id`,
    [account, ...Object.values(fields)],
  )
  return rows[0]!.id
}

const channelsOf = async (id: string) =>
  (
    await client.query<{ name: string; group_name: string; epg_channel: string | null; catchup_type: string | null; stream_url: string }>(
      'select * from catalog.iptv_channels where provider_id = $1 order by position',
      [id],
    )
  ).rows
const programmesOf = async (id: string) =>
  (await client.query<{ n: number }>('select count(*)::int as n from catalog.iptv_programmes p join catalog.iptv_channels c on c.id = p.channel_id where c.provider_id = $1', [id])).rows[0]!.n

describe(`IPTV refresh on ${testTarget()}`, () => {
  test('an M3U provider: channels with groups and catch-up, the guide from its header matched to every channel', async () => {
    const id = await provider({ kind: 'm3u', playlist_url: `${fixture.url}/playlist.m3u` })
    const result = await refreshProvider(withClient, id, deps)
    expect(result).toMatchObject({ ok: true })
    const channels = await channelsOf(id)
    expect(channels.map((c) => c.name)).toEqual(['Test Card Clock', 'Colour Bars', 'Tone and Bars', 'Game of Life', 'Mandelbrot Zoom', 'Cellular Automaton'])
    expect(channels[0]).toMatchObject({ group_name: 'News', epg_channel: 'clock.demo', catchup_type: 'append' })
    expect(channels.every((c) => c.epg_channel !== null)).toBe(true)
    // Two days back and ahead, half-hourly, six channels.
    expect(await programmesOf(id)).toBeGreaterThan(6 * 180)
    const state = (await client.query('select last_refresh_state, last_refresh_message from public.iptv_providers where id = $1', [id])).rows[0]
    expect(state).toMatchObject({ last_refresh_state: 'ok', last_refresh_message: expect.stringMatching(/^6 channels, \d+ programmes$/) })
    // Again: the same channels (same ids: favourites stay), no programme twice.
    const before = (await client.query('select id from catalog.iptv_channels where provider_id = $1 order by id', [id])).rows
    const count = await programmesOf(id)
    await refreshProvider(withClient, id, deps)
    expect((await client.query('select id from catalog.iptv_channels where provider_id = $1 order by id', [id])).rows).toEqual(before)
    expect(await programmesOf(id)).toBe(count)
  })

  test('an uploaded playlist with a gzip guide override', async () => {
    const text = await (await fetch(`${fixture.url}/playlist.m3u`)).text()
    const id = await provider({ kind: 'm3u', playlist_text: text, epg_url: `${fixture.url}/epg.xml.gz` })
    expect(await refreshProvider(withClient, id, deps)).toMatchObject({ ok: true })
    expect(await programmesOf(id)).toBeGreaterThan(6 * 180)
  })

  test('an Xtream provider with sealed credentials: live channels by category, stream URLs of the panel, its xmltv.php guide', async () => {
    const sealed = await sealSecret(key, JSON.stringify({ username: FIXTURE_USER, password: FIXTURE_PASSWORD }))
    const id = await provider({ kind: 'xtream', xtream_server: fixture.url, secret_key_id: sealed.keyId, secret_ciphertext: sealed.ciphertext })
    expect(await refreshProvider(withClient, id, deps)).toMatchObject({ ok: true })
    const channels = await channelsOf(id)
    expect(channels).toHaveLength(6)
    expect(channels[0]).toMatchObject({ name: 'Test Card Clock', group_name: 'News', catchup_type: 'xc', stream_url: `${fixture.url}/live/${FIXTURE_USER}/${FIXTURE_PASSWORD}/101.m3u8` })
    expect(await programmesOf(id)).toBeGreaterThan(6 * 180)
  })

  test('a wrong Xtream password is one clear message; the provider is marked failed', async () => {
    const sealed = await sealSecret(key, JSON.stringify({ username: FIXTURE_USER, password: 'wrong' }))
    const id = await provider({ kind: 'xtream', xtream_server: fixture.url, secret_key_id: sealed.keyId, secret_ciphertext: sealed.ciphertext })
    expect(await refreshProvider(withClient, id, deps)).toEqual({ ok: false, message: 'The Xtream panel did not accept the user name and password.' })
    expect((await client.query('select last_refresh_state from public.iptv_providers where id = $1', [id])).rows[0]).toEqual({ last_refresh_state: 'failed' })
  })

  test('a provider that goes away keeps its last good channels; a private address is refused', async () => {
    const id = await provider({ kind: 'm3u', playlist_url: `${fixture.url}/playlist.m3u` })
    await refreshProvider(withClient, id, deps)
    await client.query('update public.iptv_providers set playlist_url = $2 where id = $1', [id, `${fixture.url}/gone.m3u`])
    expect(await refreshProvider(withClient, id, deps)).toEqual({ ok: false, message: 'The playlist answered HTTP 404.' })
    expect(await channelsOf(id)).toHaveLength(6)
    await client.query('update public.iptv_providers set playlist_url = $2 where id = $1', [id, 'http://10.0.0.1/playlist.m3u'])
    const refused = await refreshProvider(withClient, id, deps)
    expect(refused.message).toMatch(/on a private network/)
    expect(await channelsOf(id)).toHaveLength(6)
  })
})
