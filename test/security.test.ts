/**
 * The security findings of issue #17, reproduced the way they were found — against the whole
 * platform as `npm start` runs it (processes, sockets, files, HTTP, WebSocket) — each asserting
 * the fixed behaviour. Unit-level halves live beside their modules (signed URLs, the wire
 * server's SCRAM, the embedded database's files, the party's limits, HEAD on the media node).
 */
import { readdir, readFile, readlink, stat } from 'node:fs/promises'
import { get as httpGet } from 'node:http'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { derivePurposeKey, signUrl } from '@bittorrented/common'
import { startPlatform, type Platform } from '@bittorrented/scripts/platform'
import { HttpSession } from '@bittorrented/edge-app/test-helpers'

let platform: Platform
let dataDir: string
let secrets: { URL_SIGNING_KEY: string; AUTH_JWT_SECRET: string; DB_PASSWORD: string }
let dbUrl: string
beforeAll(async () => {
  platform = await startPlatform({ env: { METADATA_DEADLINE_MS: '1500' } })
  dataDir = platform.env.BT_DATA_DIR!
  secrets = JSON.parse(await readFile(join(dataDir, 'dev-secrets.json'), 'utf8'))
  dbUrl = platform.databaseUrl
}, 180_000)
afterAll(async () => {
  await platform?.stop()
})

const DEMO = { email: 'demo@bittorrented.local', sam: '00000000-0000-4000-9000-000000000012', mia: '00000000-0000-4000-9000-000000000013' }
let unique = 0
const newEmail = () => `probe${Date.now()}-${unique++}@example.test`

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: dbUrl })
  await c.connect()
  try {
    return (await c.query<T>(sql, params)).rows
  } finally {
    await c.end()
  }
}

/** The pids of the platform's process tree (npm start and everything below it). */
async function platformPids(): Promise<number[]> {
  const parentOf = new Map<number, number>()
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const status = await readFile(`/proc/${name}/status`, 'utf8').catch(() => '')
    const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1]
    if (ppid) parentOf.set(Number(name), Number(ppid))
  }
  const root = platform.process.child.pid!
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = parentOf.get(p), hops++) if (p === root) return true
    return false
  }
  return [...parentOf.keys()].filter(inTree)
}

/** Listening TCP sockets of those processes: address and port. */
async function platformListeners(): Promise<Array<{ address: string; port: number }>> {
  const inodes = new Set<string>()
  for (const pid of await platformPids()) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])
    for (const fd of fds) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')
      const m = /^socket:\[(\d+)\]$/.exec(link)
      if (m) inodes.add(m[1]!)
    }
  }
  const out: Array<{ address: string; port: number }> = []
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(1)
    for (const line of lines) {
      const f = line.trim().split(/\s+/)
      if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9]!)) continue // 0A = LISTEN
      const [hex, port] = f[1]!.split(':')
      const address =
        hex!.length === 8
          ? [3, 2, 1, 0].map((i) => parseInt(hex!.slice(i * 2, i * 2 + 2), 16)).join('.')
          : hex === '00000000000000000000000000000000'
            ? '::'
            : hex === '00000000000000000000000001000000'
              ? '::1'
              : hex!.endsWith('0100007F') && hex!.startsWith('0000000000000000FFFF0000')
                ? '::ffff:127.0.0.1'
                : hex!
      out.push({ address, port: parseInt(port!, 16) })
    }
  }
  return out
}

describe('#17 critical and high: inspector, secrets, binds, the embedded database', () => {
  test('no process of the platform listens beyond loopback, and none of its ports is a V8 inspector', async () => {
    const listeners = await platformListeners()
    expect(listeners.length).toBeGreaterThanOrEqual(4) // edge, media node, party, database at least
    for (const l of listeners) expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'], `${l.address}:${l.port}`).toContain(l.address)
    expect(listeners.map((l) => l.port)).not.toContain(9229)
    for (const { port } of listeners) {
      const res = await fetch(`http://127.0.0.1:${port}/json/version`, { signal: AbortSignal.timeout(3000) }).catch(() => null)
      const text = res ? await res.text().catch(() => '') : ''
      expect(text, `port ${port}`).not.toMatch(/V8-Version|webSocketDebuggerUrl|Protocol-Version/)
    }
  })

  test('no secret is on any command line of the platform (ps shows argv to every user)', async () => {
    const keys = [
      secrets.URL_SIGNING_KEY,
      secrets.AUTH_JWT_SECRET,
      secrets.DB_PASSWORD,
      await derivePurposeKey(secrets.URL_SIGNING_KEY, 'media-url'),
      await derivePurposeKey(secrets.URL_SIGNING_KEY, 'party-connection'),
    ]
    const pids = await platformPids()
    expect(pids.length).toBeGreaterThan(4)
    for (const pid of pids) {
      const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ')
      for (const k of keys) expect(argv.includes(k), `pid ${pid}: ${argv.slice(0, 120)}`).toBe(false)
    }
    // Where they are instead: files only this user may read.
    for (const f of ['dev-secrets.json', 'run/party/party.env', 'run/edge/.dev.vars']) expect((await stat(join(dataDir, f))).mode & 0o777, f).toBe(0o600)
  })

  test('the embedded database wants its password: none, a wrong one, another user are refused', async () => {
    const url = new URL(dbUrl)
    const attempt = async (user: string, password: string) => {
      const c = new pg.Client({ host: '127.0.0.1', port: Number(url.port), user, password, database: 'postgres', connectionTimeoutMillis: 5000 })
      c.on('error', () => {})
      try {
        await c.connect()
        return 'connected'
      } catch (err) {
        return (err as { code?: string }).code ?? (err as Error).message
      } finally {
        await c.end().catch(() => {})
      }
    }
    expect(await attempt('postgres', '')).not.toBe('connected')
    expect(await attempt('postgres', 'postgres')).toBe('28P01')
    expect(await attempt('anon', secrets.DB_PASSWORD)).toBe('28P01')
    expect(await attempt('postgres', secrets.DB_PASSWORD)).toBe('connected')
    expect((await query<{ fsync: string }>('show fsync'))[0]!.fsync).toBe('on')
    // Files of the database: the owner's alone.
    const loose: string[] = []
    for (const e of await readdir(join(dataDir, 'pglite'), { withFileTypes: true, recursive: true })) {
      const mode = (await stat(join(e.parentPath, e.name))).mode & 0o777
      if (e.isDirectory() ? mode !== 0o700 : mode !== 0o600) loose.push(`${e.name} ${mode.toString(8)}`)
    }
    expect(loose.slice(0, 5)).toEqual([])
  })

  test('a media URL minted with the real key to expire in ten years is refused by the media node, and so is a random hash', async () => {
    const mediaKey = await derivePurposeKey(secrets.URL_SIGNING_KEY, 'media-url')
    const [film] = await query<{ info_hash: string }>(`select info_hash from catalog.torrents where source = 'demo' order by name limit 1`)
    const node = `http://127.0.0.1:${platform.ports.MEDIA_NODE_PORT}`
    const sign = (hash: string, ttlSeconds: number) =>
      signUrl({ secret: mediaKey, method: 'GET', url: `${node}/v1/torrents/${hash}`, subject: { userId: 'attacker', resource: `torrent:${hash}` }, ttlSeconds })
    const forever = await fetch(await sign(film!.info_hash, 10 * 365 * 24 * 3600))
    expect(forever.status).toBe(403)
    expect(((await forever.json()) as { message: string }).message).toMatch(/expiry_too_far/)
    expect((await fetch(await sign(film!.info_hash, 60))).status).toBe(200) // the same, within the lifetime
    // The root key itself is not what the node checks with: a URL signed with it is refused.
    const withRoot = await signUrl({
      secret: secrets.URL_SIGNING_KEY,
      method: 'GET',
      url: `${node}/v1/torrents/${film!.info_hash}`,
      subject: { userId: 'a', resource: `torrent:${film!.info_hash}` },
      ttlSeconds: 60,
    })
    expect((await fetch(withRoot)).status).toBe(403)
    // A hash the catalog does not know: 404 at once, no swarm joined.
    const random = 'f0'.repeat(20)
    const res = await fetch(await sign(random, 60))
    expect(res.status).toBe(404)
    expect(((await res.json()) as { message: string }).message).toMatch(/not in the catalog/)
  })

  test('a party connection URL minted with the party key to expire in ten years is refused by the room', async () => {
    const partyKey = await derivePurposeKey(secrets.URL_SIGNING_KEY, 'party-connection')
    const room = 'AAAAAAAAAAAAAAAAAAAAAA'
    const url = await signUrl({
      secret: partyKey,
      method: 'GET',
      url: `ws://127.0.0.1:${platform.ports.PARTY_PORT}/parties/main/${room}`,
      subject: { userId: 'a', profileId: 'p', resource: `party:${room}:${'ab'.repeat(20)}.0`, label: 'avatar-1|Mallory' },
      ttlSeconds: 10 * 365 * 24 * 3600,
    })
    // The WebSocket handshake as a browser sends it; the room answers it with a plain HTTP refusal.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpGet(url.replace(/^ws/, 'http'), { headers: { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' } })
      req.on('upgrade', () => resolve({ status: 101, body: '' }))
      req.on('response', (res) => {
        let body = ''
        res.on('data', (d: Buffer) => (body += d.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      req.on('error', reject)
    })
    expect(answer.status).toBe(403)
    expect(answer.body).toMatch(/expiry_too_far|not valid/)
  })
})

describe('#17 medium: redirects, kids profiles, playback, lockout, sessions, load, CSRF', () => {
  test('next= with a TAB, CR or LF never leads off-site and never fails', async () => {
    const s = new HttpSession(platform.url)
    expect((await s.signUp(newEmail(), 'Solo')).status).toBe(302) // one profile: picked automatically, then `next`
    // With a control character the address itself is refused (400), before any redirect.
    for (const next of ['%2F%09%2Fattacker.example%2F', '%2F%0A%2Fattacker.example', '%2F%0D%2Fattacker.example']) {
      const res = await s.fetch(`/profiles?next=${next}`)
      expect(res.status, next).toBe(400)
      expect(res.headers.get('Location'), next).toBeNull()
    }
    for (const next of ['%2F%2Fattacker.example', '%2F%5Cattacker.example', 'https%3A%2F%2Fattacker.example', '%2F%2F%2Fattacker.example']) {
      const res = await s.fetch(`/profiles?next=${next}`)
      expect(res.status, next).toBe(302)
      expect(res.headers.get('Location'), next).toBe('/browse')
    }
    expect((await s.fetch('/profiles?next=%2Fsearch%3Fq%3Dx')).headers.get('Location')).toBe('/search?q=x')
  })

  test('a kids profile cannot change any profile; with a PIN set it cannot leave without it', async () => {
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    expect((await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.mia } })).status).toBe(200)
    const lift = await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'update', profileId: DEMO.mia, name: 'Mia', maxRating: 'NC-17' } })
    expect(lift.status).toBe(403)
    expect((await s.fetch('/profiles/manage')).status).toBe(403)
    expect((await query<{ max_rating: string }>('select max_rating from public.profiles where id = $1', [DEMO.mia]))[0]!.max_rating).toBe('PG')
    // Dropping the profile cookie does not make her the account holder: the session remembers.
    const noCookie = new HttpSession(platform.url)
    noCookie.setCookie('bt_session', s.cookie('bt_session')!)
    expect((await noCookie.fetch('/profiles/manage', { method: 'POST', form: { intent: 'update', profileId: DEMO.mia, name: 'Mia', maxRating: 'NC-17' } })).status).toBe(403)
    // Without a PIN she may switch (the family chose no lock) — back to Sam, who sets one.
    expect((await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })).status).toBe(200)
    expect((await s.fetch('/account', { method: 'POST', form: { intent: 'set-pin', pin: '4711', password: 'wrong password' } })).status).toBe(401)
    expect((await s.fetch('/account', { method: 'POST', form: { intent: 'set-pin', pin: '4711', password: 'watch-together' } })).status).toBe(302)
    try {
      const kid = new HttpSession(platform.url)
      await kid.signIn(DEMO.email)
      expect((await kid.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.mia } })).status).toBe(200)
      const leave = await kid.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })
      expect(leave.status).toBe(403)
      expect(((await leave.json()) as { error: string }).error).toBe('pin_required')
      expect((await kid.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam, pin: '0000' } })).status).toBe(403)
      expect((await kid.fetch('/profiles/manage', { method: 'POST', form: { intent: 'update', profileId: DEMO.mia, name: 'Mia', maxRating: 'NC-17' } })).status).toBe(403)
      expect((await kid.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam, pin: '4711' } })).status).toBe(200)
    } finally {
      // The PIN unlocked on s's device too? No: unlock is per session; s unlocks and removes it.
      expect((await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'unlock', pin: '4711' } })).status).toBe(302)
      expect((await s.fetch('/account', { method: 'POST', form: { intent: 'set-pin', pin: '', password: 'watch-together' } })).status).toBe(302)
    }
  })

  test('/api/playback signs nothing for a hash the catalog lacks, a file that is not there, or a title hidden from the profile', async () => {
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.mia } })
    const [hidden] = await query<{ info_hash: string }>(`select info_hash from catalog.torrents where not is_adult and (content_rating is null or content_rating in ('R', 'NC-17')) limit 1`)
    for (const path of [`/api/playback/${'e1'.repeat(20)}/0`, `/api/playback/${hidden!.info_hash}/0`, `/api/playback/${hidden!.info_hash}/99999999999`]) {
      const res = await s.fetch(path)
      expect([400, 404], path).toContain(res.status)
      expect(await res.text(), path).not.toMatch(/sig=/)
    }
  })

  test('wrong passwords from someone else do not lock the owner out of a device that signed in before', async () => {
    const email = newEmail()
    const owner = new HttpSession(platform.url)
    expect((await owner.signUp(email, 'Owner')).status).toBe(302)
    await owner.fetch('/sign-out', { method: 'POST' })
    for (let i = 0; i < 8; i++) await new HttpSession(platform.url).signIn(email, `guess-${i}`)
    // The attacker's next try waits; the owner's known device goes in.
    expect((await new HttpSession(platform.url).signIn(email, 'correct horse battery')).status).toBe(429)
    expect((await owner.signIn(email, 'correct horse battery')).status).toBe(302)
  })

  test('sessions end on the server: an old cookie after sign-out, or a device signed out from another, reads nothing', async () => {
    const a = new HttpSession(platform.url)
    await a.signIn(DEMO.email)
    const stolen = a.cookie('bt_session')!
    expect((await a.fetch('/api/profiles')).status).toBe(200)
    expect((await a.fetch('/sign-out', { method: 'POST' })).status).toBe(302)
    const thief = new HttpSession(platform.url)
    thief.setCookie('bt_session', stolen)
    expect((await thief.fetch('/api/profiles')).status).toBe(401)
    // Two devices; one signs the other out from the list of signed-in devices.
    const phone = new HttpSession(platform.url)
    const laptop = new HttpSession(platform.url)
    await phone.signIn(DEMO.email)
    await laptop.signIn(DEMO.email)
    const [{ id }] = (await query<{ id: string }>(`select id from auth.sessions where user_id = '00000000-0000-4000-8000-000000000001' order by created_at desc limit 1`)) as [{ id: string }]
    expect((await phone.fetch('/account', { method: 'POST', form: { intent: 'end', session: id } })).status).toBe(302)
    expect((await laptop.fetch('/api/profiles')).status).toBe(401)
    expect((await phone.fetch('/api/profiles')).status).toBe(200)
  })

  test('changing the password signs every other device out', async () => {
    const email = newEmail()
    const here = new HttpSession(platform.url)
    await here.signUp(email, 'Changer')
    const elsewhere = new HttpSession(platform.url)
    expect((await elsewhere.signIn(email, 'correct horse battery')).status).toBe(302)
    expect((await here.fetch('/account', { method: 'POST', form: { intent: 'change-password', password: 'not it', newPassword: 'a new long password' } })).status).toBe(401)
    expect((await here.fetch('/account', { method: 'POST', form: { intent: 'change-password', password: 'correct horse battery', newPassword: 'a new long password' } })).status).toBe(302)
    expect((await elsewhere.fetch('/api/profiles')).status).toBe(401)
    expect((await here.fetch('/api/profiles')).status).toBe(200)
    expect((await new HttpSession(platform.url).signIn(email, 'a new long password')).status).toBe(302)
  })

  test('a media URL of a profile deleted since is refused', async () => {
    const s = new HttpSession(platform.url)
    await s.signUp(newEmail(), 'First')
    await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'create', name: 'Second' } })
    const [second] = await query<{ id: string }>(`select id from public.profiles where name = 'Second' order by created_at desc limit 1`)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: second!.id } })
    const [film] = await query<{ info_hash: string; file_index: number }>(
      `select f.info_hash, f.file_index from catalog.torrent_files f join catalog.torrents t using (info_hash) where t.source = 'demo' and f.media_type = 'video' and t.content_rating is not null order by t.name limit 1`,
    )
    const html = await (await s.fetch(`/watch/${film!.info_hash}/${film!.file_index}`)).text()
    const mediaUrl = /http:\/\/127\.0\.0\.1:\d+\/v1\/stream\/[^"\s<>]+/
      .exec(html)?.[0]
      ?.replace(/\\u0026/g, '&')
      .replace(/&amp;/g, '&')
    expect(mediaUrl).toBeTruthy()
    await s.fetch('/api/profiles/select', {
      method: 'POST',
      json: { profileId: (await query<{ id: string }>(`select id from public.profiles where name = 'First' order by created_at desc limit 1`))[0]!.id },
    })
    expect((await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'delete', profileId: second!.id, confirm: 'yes' } })).status).toBe(302)
    const res = await fetch(mediaUrl!, { headers: { Range: 'bytes=0-9' } })
    expect(res.status).toBe(403)
  })

  test('200 searches at once: every one answers, promptly, and no answer carries a stack or a cookie', async () => {
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })
    const cookie = s.cookie('bt_session')!
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        s
          .fetch(i % 2 ? `/api/search?q=test+${i % 7}` : `/search?q=demo+${i % 5}`, { signal: AbortSignal.timeout(60_000) })
          .then(async (r) => ({ status: r.status, body: await r.text() }))
          .catch((err: Error) => ({ status: 0, body: err.name })),
      ),
    )
    expect(results.filter((r) => r.status === 0)).toEqual([]) // none hung
    for (const r of results) {
      expect([200, 503]).toContain(r.status)
      expect(r.body).not.toContain(cookie)
      expect(r.body).not.toMatch(/\n\s+at .+:\d+:\d+/) // no stack trace
    }
  }, 120_000)

  test('state-changing requests from another origin, without an Origin, or JSON sent as text/plain are refused', async () => {
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })
    const other = `http://127.0.0.1:${platform.ports.PARTY_PORT}` // same site, another port
    const progress = { infoHash: 'ab'.repeat(20), fileIndex: 0, title: 'x', positionS: 100, durationS: 1000 }
    for (const path of ['/api/progress', '/api/reading', '/api/profiles/select', '/api/list', '/api/parties', '/sign-out']) {
      const res = await s.fetch(path, { method: 'POST', headers: { Origin: other, 'Content-Type': 'text/plain' }, body: JSON.stringify(progress) })
      expect(res.status, path).toBe(403)
    }
    const noOrigin = await fetch(new URL('/api/progress', platform.url), {
      method: 'POST',
      headers: { Cookie: `bt_session=${s.cookie('bt_session')}; bt_profile=${s.cookie('bt_profile')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(progress),
    })
    expect(noOrigin.status).toBe(403)
    const plain = await s.fetch('/api/progress', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(progress) })
    expect(plain.status).toBe(415)
    // The session survived the foreign sign-out.
    expect((await s.fetch('/api/profiles')).status).toBe(200)
  })
})

describe('#17 low: headers and input edges', () => {
  test('pages carry CSP with a nonce on every script, frame-ancestors none, nosniff, Referrer-Policy, and no caching of signed URLs', async () => {
    const res = await fetch(new URL('/sign-in', platform.url))
    const csp = res.headers.get('Content-Security-Policy') ?? ''
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    expect(csp).toMatch(/frame-ancestors 'none'/)
    expect(csp).toContain(`media-src 'self' blob: http://127.0.0.1:${platform.ports.MEDIA_NODE_PORT}`)
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(res.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin')
    expect(res.headers.get('Cache-Control')).toBe('private, no-store')
    const html = await res.text()
    const scripts = html.match(/<script\b[^>]*>/g) ?? []
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) if (!/\bsrc=/.test(tag)) expect(tag).toContain(`nonce="${nonce}"`)
    const again = (await fetch(new URL('/sign-in', platform.url))).headers.get('Content-Security-Policy')
    expect(again).not.toBe(csp) // a new nonce each time
  })

  test('NUL and control characters, huge file indexes, big bodies and bidi controls get a clear 4xx', async () => {
    const s = new HttpSession(platform.url)
    await s.signIn(DEMO.email)
    await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: DEMO.sam } })
    expect((await s.fetch('/api/search?q=%00')).status).toBe(400)
    expect((await s.fetch('/search?q=a%00b')).status).toBe(400)
    const nul = { infoHash: 'ab'.repeat(20), fileIndex: 0, title: 'a\u0000b', positionS: 100, durationS: 1000 }
    expect((await s.fetch('/api/progress', { method: 'POST', json: nul })).status).toBe(400)
    expect((await s.fetch('/api/reading', { method: 'POST', json: { ...nul, location: 'page:1', fraction: 0.5 } })).status).toBe(400)
    const [film] = await query<{ info_hash: string }>(`select info_hash from catalog.torrents where source = 'demo' limit 1`)
    expect([400, 404]).toContain((await s.fetch(`/watch/${film!.info_hash}/999999999999999`)).status)
    expect((await s.fetch(`/api/playback/${film!.info_hash}/999999999999999`)).status).toBe(400)
    const big = await s.fetch('/api/progress', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: `{"title":"${'x'.repeat(10 * 1024 * 1024)}"}` })
    expect(big.status).toBe(413)
    const bidi = await s.fetch('/profiles/manage', { method: 'POST', form: { intent: 'create', name: 'evil\u202Egnp.exe' } })
    expect(bidi.status).toBe(400)
  })

  test('oversized request headers get a prompt answer, never a hang', async () => {
    for (const n of [9_000, 20_000]) {
      const started = Date.now()
      const res = await fetch(new URL('/sign-in', platform.url), { headers: { 'X-Padding': 'a'.repeat(n) }, signal: AbortSignal.timeout(10_000) })
      expect([200, 431], String(n)).toContain(res.status)
      await res.arrayBuffer()
      expect(Date.now() - started).toBeLessThan(5_000)
    }
  })
})
