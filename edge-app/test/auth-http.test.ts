/**
 * Sign-in, sign-up, profile selection and route scopes over HTTP, against the edge app on
 * workerd with the embedded database (the whole platform, as `npm start` runs it).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startPlatform, type Platform } from '@bittorrented/scripts/platform'
import { HttpSession } from './helpers/http-session.ts'

let platform: Platform
beforeAll(async () => {
  // A short metadata deadline, so the no-peers page is quick to reach.
  platform = await startPlatform({ env: { METADATA_DEADLINE_MS: '1500' } })
}, 180_000)
afterAll(async () => {
  await platform?.stop()
})

const DEMO = { email: 'demo@bittorrented.local', sam: '00000000-0000-4000-9000-000000000012', mia: '00000000-0000-4000-9000-000000000013' }
const NEIGHBOR = { email: 'neighbor@bittorrented.local', jordan: '00000000-0000-4000-9000-000000000022' }
let unique = 0
const newEmail = () => `person${Date.now()}-${unique++}@example.test`

/**
 * What a failure tells the person: the JSON of API routes, or — for a form posted as a page —
 * the alert the re-rendered page shows (HTML entities decoded).
 */
async function errorOf(res: Response): Promise<{ status: number; error: string; message?: string }> {
  if (res.headers.get('Content-Type')?.includes('text/html')) {
    const html = await res.text()
    const alert = html.match(/<p class="form-error" role="alert">(.*?)<\/p>/)?.[1] ?? `no alert in: ${html.slice(0, 200)}`
    const text = alert
      .replace(/<!-- -->/g, '')
      .replace(/&#x27;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
    return { status: res.status, error: text }
  }
  const body = (await res.json()) as { error: string; message?: string; code?: string }
  return { status: res.status, ...body }
}

describe('sign-in and sign-up', () => {
  test('a wrong password and an unknown email get the same answer', async () => {
    const wrong = await new HttpSession(platform.url).signIn(DEMO.email, 'not the password')
    const unknown = await new HttpSession(platform.url).signIn('nobody@example.test', 'not the password')
    expect(await errorOf(wrong)).toEqual({ status: 401, error: 'Email or password is incorrect.' })
    expect(await errorOf(unknown)).toEqual({ status: 401, error: 'Email or password is incorrect.' })
  })

  test('signing in sets a session and leads to the profile picker; the session is a Supabase-shaped JWT', async () => {
    const s = new HttpSession(platform.url)
    const res = await s.signIn(DEMO.email)
    expect(res.status).toBe(302)
    expect(res.headers.get('Location')).toBe('/profiles')
    const [, payload] = s.cookie('bt_session')!.split('.')
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
    expect(claims).toMatchObject({ sub: '00000000-0000-4000-8000-000000000001', role: 'authenticated', aud: 'authenticated', email: DEMO.email })
  })

  test('after 5 failures an email is locked for a while, even with the right password; other emails are not', async () => {
    const email = newEmail()
    const owner = new HttpSession(platform.url)
    expect((await owner.signUp(email, 'Locked Out')).status).toBe(302)
    const attacker = new HttpSession(platform.url)
    for (let i = 0; i < 5; i++) expect((await attacker.signIn(email, `guess-${i}`)).status).toBe(401)
    const locked = await new HttpSession(platform.url).signIn(email, 'correct horse battery')
    expect(await errorOf(locked)).toMatchObject({ status: 429, error: expect.stringMatching(/Too many sign-in attempts/) })
    expect((await new HttpSession(platform.url).signIn(NEIGHBOR.email)).status).toBe(302)
  })

  test('sign-up refuses a taken email, a short password and an oversized name with clear messages', async () => {
    const s = new HttpSession(platform.url)
    expect(await errorOf(await s.signUp(DEMO.email, 'Copycat'))).toMatchObject({ status: 409, error: expect.stringMatching(/already exists/) })
    expect(await errorOf(await s.fetch('/sign-up', { method: 'POST', form: { email: newEmail(), displayName: 'Shorty', password: 'short' } }))).toMatchObject({
      status: 400,
      error: 'Use at least 8 characters for your password.',
    })
    expect(await errorOf(await s.signUp(newEmail(), 'x'.repeat(41)))).toMatchObject({ status: 400, error: 'Profile names are at most 40 characters.' })
    expect(await errorOf(await s.fetch('/sign-up', { method: 'POST', form: { email: 'not an email', displayName: 'A', password: 'long enough' } }))).toMatchObject({
      status: 400,
      error: 'Enter a valid email address.',
    })
  })
})

describe('route scopes', () => {
  test('without a session: pages redirect to sign-in, the API answers 401 JSON', async () => {
    const s = new HttpSession(platform.url)
    for (const path of ['/browse', '/profiles', '/account']) {
      const res = await s.fetch(path)
      expect(res.status, path).toBe(302)
      expect(res.headers.get('Location')).toBe(`/sign-in?next=${encodeURIComponent(path)}`)
    }
    expect(await errorOf(await s.fetch('/api/continue-watching'))).toMatchObject({ status: 401, error: 'sign_in_required' })
    expect(await errorOf(await s.fetch('/api/profiles'))).toMatchObject({ status: 401, error: 'sign_in_required' })
  })

  test('signed in without a profile: profile pages redirect to the picker, the profile API answers 403, never account data', async () => {
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    const page = await s.fetch('/browse')
    expect(page.status).toBe(302)
    expect(page.headers.get('Location')).toBe('/profiles?next=%2Fbrowse')
    expect(await errorOf(await s.fetch('/api/continue-watching'))).toMatchObject({ status: 403, error: 'profile_required' })
    expect((await s.fetch('/api/profiles')).status).toBe(200)
  })

  test('a Remix data request without a profile gets a redirect Remix understands', async () => {
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    const res = await s.fetch('/browse.data', { redirect: 'follow' })
    expect(res.status).toBe(202)
    expect(await res.text()).toContain('/profiles')
  })

  test('each profile reads only its own continue-watching rows', async () => {
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    const { profiles } = (await (await s.fetch('/api/profiles')).json()) as { profiles: Array<{ id: string; name: string }> }
    expect(profiles.map((p) => p.name).sort()).toEqual(['Alex', 'Mia', 'Sam'])
    for (const p of profiles) {
      expect((await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: p.id } })).status).toBe(200)
      const { items } = (await (await s.fetch('/api/continue-watching')).json()) as { items: Array<{ title: string }> }
      expect(items.length, p.name).toBeGreaterThan(0)
      for (const item of items) expect(item.title).toContain(p.name)
    }
  })

  test("selecting another family's profile is refused", async () => {
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    expect(await errorOf(await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: NEIGHBOR.jordan } }))).toMatchObject({ status: 404, error: 'not_found' })
    expect(await errorOf(await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: 'nope' } }))).toMatchObject({ status: 400, error: 'invalid_input' })
  })

  test("another family's valid profile cookie, or a tampered one, is refused and dropped", async () => {
    const neighbor = new HttpSession(platform.url)
    await neighbor.signIn(NEIGHBOR.email)
    await neighbor.fetch('/api/profiles/select', { method: 'POST', json: { profileId: NEIGHBOR.jordan } })
    const foreign = neighbor.cookie('bt_profile')!
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })
    const own = s.cookie('bt_profile')!
    for (const cookie of [foreign, own.replace(DEMO.sam, DEMO.mia), `${own.slice(0, -2)}AA`]) {
      s.setCookie('bt_profile', cookie)
      const res = await s.fetch('/browse')
      expect(res.status).toBe(302)
      expect(res.headers.get('Location')).toBe('/profiles?next=%2Fbrowse')
      expect(s.cookie('bt_profile')).toBeUndefined()
    }
  })

  test('an account with one profile is selected automatically; a device default is remembered across sign-ins', async () => {
    const email = newEmail()
    const s = new HttpSession(platform.url)
    await s.signUp(email, 'Solo')
    const auto = await s.fetch('/profiles')
    expect(auto.status).toBe(302)
    expect(auto.headers.get('Location')).toBe('/browse')
    expect((await s.fetch('/browse')).status).toBe(200)

    await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'create', name: 'Second' } })
    const { profiles } = (await (await s.fetch('/api/profiles')).json()) as { profiles: Array<{ id: string; name: string }> }
    const second = profiles.find((p) => p.name === 'Second')!
    await s.fetch('/profiles', { method: 'POST', form: { profileId: second.id, remember: 'on' } })
    await s.fetch('/sign-out', { method: 'POST' })
    expect(s.cookie('bt_session')).toBeUndefined()
    await s.signIn(email, 'correct horse battery')
    const remembered = await s.fetch('/profiles')
    expect(remembered.status).toBe(302)
    const page = await s.fetch('/browse')
    expect(await page.text()).toContain('Hi, <!-- -->Second')
    // "Switch profile" always shows the picker.
    expect((await s.fetch('/profiles?switch=1')).status).toBe(200)
  })
})

describe('the search API', () => {
  test('answers JSON for a profile, refuses without one', async () => {
    const s = new HttpSession(platform.url)
    expect((await s.fetch('/api/search?q=tones')).status).toBe(401)
    await s.signIn(DEMO.email)
    expect((await s.fetch('/api/search?q=tones')).status).toBe(403)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })
    const body = (await (await s.fetch('/api/search?q=tones&type=music_album')).json()) as { hits: Array<{ name: string }>; total: { count: number } }
    expect(body.hits.map((h) => h.name)).toEqual(['Test Tones - Sine Waves (2026) [MP3 128]'])
    expect(body.total.count).toBe(1)
    const garbage = await s.fetch('/api/search?q=%22%22%22&type=nonsense&sort=whatever&yearFrom=x')
    expect(garbage.status).toBe(200)
  })
})

describe('resume points', () => {
  test('a position between 5 % and 90 % is kept for that profile only; finished or barely started ones are not', async () => {
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.mia } })
    const film = { infoHash: 'a1'.repeat(20), fileIndex: 0, title: 'Resume Test Film', durationS: 1000 }
    const save = async (positionS: number) => (await (await s.fetch('/api/progress', { method: 'POST', json: { ...film, positionS } })).json()) as { kept: boolean }
    const titles = async (session: HttpSession) =>
      ((await (await session.fetch('/api/continue-watching')).json()) as { items: Array<{ title: string; positionS: number }> }).items.filter((i) => i.title === film.title)
    expect(await save(500)).toEqual({ kept: true })
    expect(await titles(s)).toEqual([expect.objectContaining({ positionS: 500 })])
    const sam = new HttpSession(platform.url)
    await sam.signIn(DEMO.email)
    await sam.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })
    expect(await titles(sam)).toEqual([])
    expect(await save(950)).toEqual({ kept: false })
    expect(await titles(s)).toEqual([])
    expect(await save(20)).toEqual({ kept: false })
    expect(await titles(s)).toEqual([])
  })

  test('bad progress reports are 400s and change nothing', async () => {
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.mia } })
    const base = { infoHash: 'b2'.repeat(20), fileIndex: 0, title: 'Bad Report', durationS: 100, positionS: 50 }
    for (const bad of [{ ...base, infoHash: 'nope' }, { ...base, positionS: -1 }, { ...base, positionS: 500 }, { ...base, durationS: 0 }, { ...base, title: '' }, 'not json']) {
      const res = await s.fetch('/api/progress', { method: 'POST', ...(typeof bad === 'string' ? { body: bad, headers: { 'Content-Type': 'application/json' } } : { json: bad }) })
      expect(res.status, JSON.stringify(bad)).toBe(400)
    }
  })
})

describe('titles nobody shares', () => {
  test('the title page says there are no peers and offers the version that is being shared', async () => {
    const { default: pg } = await import('pg')
    const db = new pg.Client({ connectionString: platform.databaseUrl })
    await db.connect()
    const orphan = 'e'.repeat(40)
    await db.query(`insert into catalog.torrents (info_hash, name, size_bytes, file_count, source, seeders) values ($1, 'BitTorrented Test Card (2026) [1080p H264 AAC]', 1000, 1, 'demo', 0)`, [
      orphan,
    ])
    await db.query(`insert into catalog.torrent_files (info_hash, file_index, path, size_bytes, media_type) values ($1, 0, 'card.mp4', 1000, 'video')`, [orphan])
    const shared = (await db.query(`select info_hash from catalog.torrents where name = 'BitTorrented Test Card (2026) [360p H264 AAC]'`)).rows[0].info_hash as string
    await db.end()
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })
    const page = await s.fetch(`/torrents/${orphan}`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('No peers right now')
    expect(html).toContain(`href="/torrents/${shared}"`)
    // The index's count is said to be the index's, beside what the swarm says now (issue #24).
    expect(html).toContain('0 seeders reported by the index')
  })
})

describe('Live TV providers', () => {
  test('a playlist file larger than a form field (200 KB) is uploaded as a provider; a kids profile cannot add one (issue #19)', async () => {
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })
    const lines = ['#EXTM3U']
    for (let i = 0; lines.join('\n').length < 200_000; i++) lines.push(`#EXTINF:-1 tvg-id="up${i}" group-title="Uploaded",Uploaded ${i}`, `http://streams.example.com/${i}.m3u8`)
    const upload = () => {
      const form = new FormData()
      form.set('intent', 'add-provider')
      form.set('name', 'Uploaded list')
      form.set('kind', 'm3u')
      form.set('file', new Blob([lines.join('\n')], { type: 'audio/x-mpegurl' }), 'big.m3u')
      return form
    }
    const res = await s.fetch('/live?_data=routes%2Flive', { method: 'POST', body: upload() })
    expect(res.status).toBeLessThan(400)
    const { default: pg } = await import('pg')
    const db = new pg.Client({ connectionString: platform.databaseUrl })
    await db.connect()
    const stored = (await db.query(`select octet_length(playlist_text) as n from public.iptv_providers where name = 'Uploaded list'`)).rows
    await db.end()
    expect(stored).toHaveLength(1)
    expect(Number(stored[0].n)).toBeGreaterThan(190_000)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.mia } })
    const kid = await s.fetch('/live?_data=routes%2Flive', { method: 'POST', body: upload() })
    expect(kid.status).toBe(403)
  })
})

describe('managing profiles', () => {
  test('the eleventh profile is refused with a clear message; names with HTML are shown as text', async () => {
    const s = new HttpSession(platform.url)
    await s.signUp(newEmail(), 'Big Family')
    const hostile = '<img src=x onerror=alert(1)>'
    expect((await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'create', name: hostile } })).status).toBe(302)
    for (let i = 3; i <= 10; i++) expect((await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'create', name: `Member ${i}` } })).status).toBe(302)
    const eleventh = await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'create', name: 'One Too Many' } })
    expect(await errorOf(eleventh)).toMatchObject({ status: 409, error: 'Your plan has no room for another profile. Delete one first.' })
    const picker = await (await s.fetch('/profiles?switch=1')).text()
    expect(picker).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(picker).not.toContain(hostile)
  })

  test('duplicate and oversized names are refused; deleting needs confirmation and removes the profile', async () => {
    const s = new HttpSession(platform.url)
    await s.signUp(newEmail(), 'Parent')
    expect(await errorOf(await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'create', name: 'parent' } }))).toMatchObject({
      status: 409,
      error: expect.stringMatching(/already has that name/),
    })
    expect(await errorOf(await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'create', name: 'n'.repeat(41) } }))).toMatchObject({ status: 400 })
    await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'create', name: 'Child', isKids: 'on', maxRating: 'R' } })
    let { profiles } = (await (await s.fetch('/api/profiles')).json()) as { profiles: Array<{ id: string; name: string; maxRating: string | null }> }
    const child = profiles.find((p) => p.name === 'Child')!
    expect(child.maxRating).toBe('PG')
    expect(await errorOf(await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'delete', profileId: child.id } }))).toMatchObject({ status: 400, error: 'Confirm the deletion first.' })
    expect((await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'delete', profileId: child.id, confirm: 'yes' } })).status).toBe(302)
    ;({ profiles } = (await (await s.fetch('/api/profiles')).json()) as { profiles: Array<{ id: string; name: string; maxRating: string | null }> })
    expect(profiles.map((p) => p.name)).toEqual(['Parent'])
    expect(await errorOf(await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'delete', profileId: profiles[0]!.id, confirm: 'yes' } }))).toMatchObject({ status: 403 })
  })
})

describe('watch-party invites', () => {
  async function demoFilm(): Promise<string> {
    const { default: pg } = await import('pg')
    const db = new pg.Client({ connectionString: platform.databaseUrl })
    await db.connect()
    const hash = (await db.query(`select info_hash from catalog.torrents where name = 'BitTorrented Test Card (2026) [360p H264 AAC]'`)).rows[0].info_hash as string
    await db.end()
    return hash
  }

  test('starting a party redirects to a signed invite; the invite page signs a room connection for this profile only', async () => {
    const film = await demoFilm()
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })
    const started = await s.fetch('/api/parties', { method: 'POST', form: { infoHash: film, fileIndex: '0' } })
    expect(started.status).toBe(302)
    const invite = started.headers.get('Location')!
    expect(invite).toMatch(new RegExp(`^/party/[A-Za-z0-9_-]{16}\\?m=${film}\\.0&exp=\\d+&sig=`))
    const page = await (await s.fetch(invite)).text()
    // The page carries the URL in Remix's serialised loader data, with & written as \u0026.
    const connect = new URL(page.match(/ws:\/\/[^"\\]+(?:\\u0026[^"\\]+)*/)![0].replace(/\\u0026/g, '&'))
    expect(connect.protocol).toBe('ws:')
    expect(connect.port).toBe(String(platform.ports.PARTY_PORT))
    expect(connect.searchParams.get('p')).toBe(DEMO.sam)
    expect(connect.searchParams.get('r')).toBe(`party:${invite.split('/')[2]!.split('?')[0]}:${film}.0`)
    expect(connect.searchParams.get('l')).toMatch(/^avatar-\d\|Sam$/)
  })

  test('a tampered or expired invite, or one for a file that does not exist, gets a clear refusal', async () => {
    const film = await demoFilm()
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })
    const invite = (await s.fetch('/api/parties', { method: 'POST', form: { infoHash: film, fileIndex: '0' } })).headers.get('Location')!
    const tampered = invite.replace(`${film}.0`, `${film}.1`)
    expect(await errorOf(await s.fetch(tampered))).toEqual({ status: 403, error: 'This invite link is not valid. Ask for the link again.' })
    const expired = invite.replace(/exp=\d+/, 'exp=1000')
    expect((await s.fetch(expired)).status).toBe(403) // the expiry is signed: changing it breaks the signature
    expect(await errorOf(await s.fetch('/api/parties', { method: 'POST', form: { infoHash: 'f'.repeat(40), fileIndex: '0' } }))).toMatchObject({ status: 404 })
    expect(await errorOf(await s.fetch('/api/parties', { method: 'POST', form: { infoHash: 'nope', fileIndex: '0' } }))).toMatchObject({ status: 400 })
  })

  test('an invite opened without a session leads through sign-in and the profile picker back to it', async () => {
    const film = await demoFilm()
    const host = new HttpSession(platform.url)
    await host.signIn(DEMO.email)
    await host.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })
    const invite = (await host.fetch('/api/parties', { method: 'POST', form: { infoHash: film, fileIndex: '0' } })).headers.get('Location')!
    const guest = new HttpSession(platform.url)
    const first = await guest.fetch(invite)
    expect(first.headers.get('Location')).toBe(`/sign-in?next=${encodeURIComponent(invite)}`)
    const signedIn = await guest.fetch(first.headers.get('Location')!, { method: 'POST', form: { email: NEIGHBOR.email, password: 'watch-together' } })
    expect(signedIn.headers.get('Location')).toBe(invite)
    const picker = await guest.fetch(invite)
    expect(picker.headers.get('Location')).toBe(`/profiles?next=${encodeURIComponent(invite)}`)
    const picked = await guest.fetch(picker.headers.get('Location')!, { method: 'POST', form: { profileId: NEIGHBOR.jordan } })
    expect(picked.headers.get('Location')).toBe(invite)
    expect((await guest.fetch(invite)).status).toBe(200)
  })
})

describe('home shelves and title versions', () => {
  test('shelves by type, shows grouped by season, adult titles on no shelf, the kids profile only what its rating allows; a title page lists the other versions of its title', async () => {
    const { default: pg } = await import('pg')
    const db = new pg.Client({ connectionString: platform.databaseUrl })
    await db.connect()
    const add = (
      hash: string,
      name: string,
      type: string,
      title: string,
      year: number | null,
      season: number | null,
      episode: number | null,
      resolution: string | null,
      seeders: number,
      rating: string | null,
      adult = false,
    ) =>
      db.query(
        `insert into catalog.torrents (info_hash, name, size_bytes, file_count, source, seeders, content_type, title, year, season, episode, resolution, is_adult, content_rating)
         values ($1, $2, 1000000, 1, 'demo', $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict do nothing`,
        [hash, name, seeders, type, title, year, season, episode, resolution, adult, rating],
      )
    await add('1a'.repeat(20), 'Shelf.Topper.2031.2160p.WEB-DL', 'movie', 'Shelf Topper', 2031, null, null, '2160p', 900_001, 'PG')
    await add('1b'.repeat(20), 'Shelf.Topper.2031.1080p.BluRay', 'movie', 'Shelf Topper', 2031, null, null, '1080p', 900_000, 'PG')
    await add('1c'.repeat(20), 'Shelf Topper XXX 2031', 'movie', 'Shelf Topper XXX', 2031, null, null, '1080p', 999_999, null, true)
    await add('1d'.repeat(20), 'Binge.Show.S02E01.1080p', 'tv_episode', 'Binge Show', null, 2, 1, '1080p', 800_000, 'G')
    await add('1e'.repeat(20), 'Binge.Show.S02E02.1080p', 'tv_episode', 'Binge Show', null, 2, 2, '1080p', 800_001, 'G')
    await add('1f'.repeat(20), 'Grim.Thriller.2031.1080p.WEB', 'movie', 'Grim Thriller', 2031, null, null, '1080p', 950_000, 'R')
    await add('2a'.repeat(20), 'Unknown.Quantity.2031.1080p.WEB', 'movie', 'Unknown Quantity', 2031, null, null, '1080p', 940_000, null)
    await db.end()
    for (const [profileId, grownUp] of [
      [DEMO.sam, true],
      [DEMO.mia, false],
    ] as const) {
      const s = new HttpSession(platform.url)
      await s.signIn(DEMO.email)
      await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId } })
      const html = await (await s.fetch('/browse')).text()
      const movies = html.slice(html.indexOf('data-row="movies"'), html.indexOf('id="shows"'))
      expect(movies).toContain('Shelf Topper<!-- --> (2031)')
      expect(html).not.toContain('Shelf Topper XXX')
      // Mia (kids, up to PG): not the R-rated film, and not the unrated one either.
      expect(movies.includes('Grim Thriller'), 'R-rated film').toBe(grownUp)
      expect(movies.includes('Unknown Quantity'), 'unrated film').toBe(grownUp)
      if (!grownUp) expect((await s.fetch(`/torrents/${'1f'.repeat(20)}`)).status).toBe(404)
      const shows = html.slice(html.indexOf('data-row="shows"'), html.indexOf('id="music"'))
      expect(shows).toMatch(/Binge Show<!-- --> — season 2<\/a><span class="tile-meta">2<!-- --> <!-- -->episodes/)
    }
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })
    const page = await (await s.fetch(`/torrents/${'1a'.repeat(20)}`)).text()
    const versions = page.slice(page.indexOf('data-row="versions"'))
    expect(versions).toContain('Shelf.Topper.2031.1080p.BluRay')
    expect(versions).not.toContain('Shelf Topper XXX')
  })
})

describe('my list', () => {
  test('a title put on one profile’s list is on that list only, and comes off again; unknown titles are refused', async () => {
    const { default: pg } = await import('pg')
    const db = new pg.Client({ connectionString: platform.databaseUrl })
    await db.connect()
    const film = (await db.query(`select info_hash from catalog.torrents where name = 'BitTorrented Test Card (2026) [360p H264 AAC]'`)).rows[0].info_hash as string
    await db.end()
    const session = async (profileId: string) => {
      const s = new HttpSession(platform.url)
      await s.signIn(DEMO.email)
      await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId } })
      return s
    }
    const myList = async (s: HttpSession) => {
      const html = await (await s.fetch('/browse')).text()
      return html.slice(html.indexOf('data-row="my-list"'), html.indexOf('id="favorites"'))
    }
    const sam = await session(DEMO.sam)
    const mia = await session(DEMO.mia)
    const added = await sam.fetch('/api/list', { method: 'POST', form: { infoHash: film, on: '1' } })
    expect(added.status).toBe(302)
    expect(added.headers.get('Location')).toBe(`/torrents/${film}`)
    expect(await myList(sam)).toContain(`href="/torrents/${film}"`)
    expect(await myList(mia)).not.toContain(film)
    expect(await (await sam.fetch(`/torrents/${film}`)).text()).toContain('On my list')
    await sam.fetch('/api/list', { method: 'POST', form: { infoHash: film, on: '0' } })
    expect(await myList(sam)).not.toContain(film)
    expect(await errorOf(await sam.fetch('/api/list', { method: 'POST', form: { infoHash: 'f'.repeat(40), on: '1' } }))).toMatchObject({ status: 404 })
    expect(await errorOf(await sam.fetch('/api/list', { method: 'POST', form: { infoHash: film, on: 'yes' } }))).toMatchObject({ status: 400 })
  })
})
