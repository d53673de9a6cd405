/**
 * Real Chromium (Debian's, driven by playwright-core) against the platform as `npm start`
 * runs it. Screenshots go to test-results/ for review.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { repoRoot } from '@bittorrented/db'
import { startPlatform, type Platform } from '@bittorrented/scripts/platform'

let platform: Platform
let browser: Browser
const shots = join(repoRoot, 'test-results', 'screenshots')

beforeAll(async () => {
  await mkdir(shots, { recursive: true })
  ;[platform, browser] = await Promise.all([
    startPlatform(),
    chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--autoplay-policy=no-user-gesture-required',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    }),
  ])
}, 180_000)
afterAll(async () => {
  await browser?.close()
  // What the platform printed (warnings and errors of every part), for a failed run's post-mortem.
  if (platform) await writeFile(join(repoRoot, 'test-results', 'platform-browser-tests.log'), platform.process.output())
  await platform?.stop()
})

async function newPage(viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: platform.url, viewport })
  return { context, page: await context.newPage() }
}

async function signIn(page: Page, email: string, password = 'watch-together') {
  // A rare stall of this page load, once in several runs: three of its scripts answered by
  // `wrangler dev`'s asset server only when the browser gave up, 60 s later (seen in
  // test-results/platform-browser-tests.log; cause in the local dev server not found, a reload
  // gets them at once). After 20 s the page is loaded again, once, and the stall is reported.
  const t0 = Date.now()
  try {
    await page.goto('/sign-in', { timeout: 20_000 })
  } catch (err) {
    if ((err as Error).name !== 'TimeoutError') throw err
    console.warn(`sign-in page load stalled for ${Date.now() - t0} ms; loading it again (see test-results/platform-browser-tests.log)`)
    await page.goto('/sign-in', { timeout: 60_000 })
  }
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

const pickProfile = (page: Page, name: string) => page.locator(`button.profile-tile[data-profile-name="${name}"]`).click()

/** Signed in as the demo family's `profile`: finds the book by `query`, opens its title page and its reader. */
async function openBook(page: Page, profile: string, query: string, torrentName: string, extension: string) {
  await signIn(page, 'demo@bittorrented.local')
  await pickProfile(page, profile)
  await page.waitForURL('**/browse')
  await page.goto(`/search?${query}`)
  await page.getByRole('link', { name: torrentName }).first().click()
  await page.waitForURL('**/torrents/**')
  await page.getByRole('link', { name: new RegExp(`^Read .*\\.${extension}$`) }).click()
  await page.waitForURL('**/read/**')
}

describe('in Chromium', () => {
  test('sign up, add profiles, pick one: each profile sees only its own data; switching shows the other', async () => {
    const { context, page } = await newPage()
    await page.goto('/')
    await page.getByRole('link', { name: 'Create an account' }).click()
    await page.getByLabel('Your name (your first profile)').fill('Jamie')
    await page.getByLabel('Email').fill(`jamie-${Date.now()}@example.test`)
    await page.getByLabel(/Password/).fill('a long enough password')
    await page.getByRole('button', { name: 'Create account' }).click()
    // One profile: chosen without asking.
    await page.waitForURL('**/browse')
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Hi, Jamie')

    await page.goto('/profiles/manage')
    const add = page.locator('section', { has: page.getByRole('heading', { name: 'Add a profile' }) })
    await add.getByLabel('Name').fill('Kit <b>bold</b>')
    await add.getByLabel(/Kids profile/).check()
    await add.getByRole('button', { name: 'Add profile' }).click()
    await page.waitForURL('**/profiles/manage')
    await page.getByRole('link', { name: /Who's watching/ }).click()
    await page.waitForURL('**/profiles?switch=1')
    // The name is text, not markup.
    await expect.poll(() => page.locator('.profile-name').allTextContents()).toEqual(['Jamie', 'Kit <b>bold</b>'])
    await page.screenshot({ path: join(shots, 'picker-1280x800.png') })

    await pickProfile(page, 'Jamie')
    await page.waitForURL('**/browse')
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByLabel('Subtitles').selectOption('fr')
    await page.getByRole('button', { name: 'Save settings' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Saved.')

    await page.getByRole('link', { name: /Switch profile/ }).click()
    await pickProfile(page, 'Kit <b>bold</b>')
    await page.waitForURL('**/browse')
    await page.getByRole('link', { name: 'Settings' }).click()
    await expect.poll(() => page.getByLabel('Subtitles').inputValue()).toBe('')

    await page.getByRole('link', { name: /Switch profile/ }).click()
    await pickProfile(page, 'Jamie')
    await page.getByRole('link', { name: 'Settings' }).click()
    await expect.poll(() => page.getByLabel('Subtitles').inputValue()).toBe('fr')
    await context.close()
  })

  test("the demo family: each profile's home shows its own rows and none of the others'", async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local')
    await page.waitForURL('**/profiles')
    for (const [name, others] of [
      ['Alex', ['Sam', 'Mia']],
      ['Sam', ['Alex', 'Mia']],
      ['Mia', ['Alex', 'Sam']],
    ] as const) {
      await pickProfile(page, name)
      await page.waitForURL('**/browse')
      const continueRow = await page.locator('[data-row="continue"]').textContent()
      expect(continueRow).toContain(`${name}'s Movie Night`)
      for (const other of others) expect(await page.locator('main').textContent()).not.toContain(`${other}'s Movie Night`)
      if (name === 'Alex') await page.screenshot({ path: join(shots, 'browse-1280x800.png'), fullPage: true })
      await page.goto('/profiles?switch=1')
    }
    await context.close()
  })

  test('press play: the demo film streams from the local swarm, the HEVC film is converted on the fly, the MKV with AC-3 re-packed, the MP3 album plays in the music player across pages', async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Sam')
    await page.waitForURL('**/browse')
    await page.getByRole('link', { name: 'BitTorrented Test Card (2026) [360p H264 AAC]' }).click()
    await page.waitForURL('**/torrents/**')
    await page.getByRole('link', { name: /^Play .*\.mp4$/ }).click()
    await page.waitForURL('**/watch/**')
    // Once the node says the browser plays it as is, the source is a signed media-node URL, never a bare one.
    await expect.poll(async () => (await page.locator('video').getAttribute('src')) ?? '', { timeout: 30_000 }).toMatch(/\/v1\/stream\/[0-9a-f]{40}\/0\?exp=\d+&u=.+&sig=/)
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1, null, { timeout: 30_000 })
    await page.screenshot({ path: join(shots, 'watch-1280x800.png') })

    // The film has two audio tracks: choosing the French one switches to HLS carrying it, and it plays on.
    const audioMenu = page.getByRole('combobox', { name: 'Audio' })
    await expect.poll(async () => (await audioMenu.locator('option').allTextContents()).join('|')).toMatch(/eng.*\|.*fra/)
    await audioMenu.selectOption({ index: 1 })
    // hls.js (a blob: source) or the browser's own HLS (the playlist URL itself), whichever this Chromium has.
    await expect.poll(async () => (await page.locator('video').getAttribute('src')) ?? '', { timeout: 30_000 }).toMatch(/^blob:|\/v1\/hls\/.*audio=\d+/)
    const atSwitch = await page.evaluate(() => document.querySelector('video')!.currentTime)
    await page.waitForFunction((t) => document.querySelector('video')!.currentTime > t + 1, atSwitch, { timeout: 30_000 })
    await audioMenu.selectOption({ index: 0 })
    await expect.poll(async () => (await page.locator('video').getAttribute('src')) ?? '', { timeout: 30_000 }).toMatch(/\/v1\/stream\//)
    // The new source loads and plays on (autoplay) before the person reaches for the keyboard.
    const atSwitchBack = await page.evaluate(() => document.querySelector('video')!.currentTime)
    await page.waitForFunction((t) => !document.querySelector('video')!.paused && document.querySelector('video')!.currentTime > t + 0.5, atSwitchBack, { timeout: 30_000 })

    // Keyboard: K pauses and plays, → jumps 10 s ahead.
    await page.locator('h1').click()
    await page.keyboard.press('k')
    await expect.poll(() => page.evaluate(() => document.querySelector('video')!.paused)).toBe(true)
    const before = await page.evaluate(() => document.querySelector('video')!.currentTime)
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.evaluate(() => document.querySelector('video')!.currentTime)).toBeGreaterThan(before + 9)
    await page.keyboard.press('k')
    await expect.poll(() => page.evaluate(() => document.querySelector('video')!.paused)).toBe(false)

    // Seek to the middle and pause: the position is saved, and the next visit resumes there.
    const watchUrl = page.url()
    await page.evaluate(() => {
      const v = document.querySelector('video')!
      v.currentTime = 30
      v.pause()
    })
    await expect
      .poll(async () => {
        const res = await page.request.get('/api/continue-watching')
        return ((await res.json()) as { items: Array<{ title: string; positionS: number }> }).items.find((i) => i.title.endsWith('.mp4'))?.positionS
      })
      .toBe(30)
    await page.goto('/browse')
    await page
      .locator('[data-row="continue"]')
      .getByRole('link', { name: /Test\.Card\.2026/ })
      .click()
    await page.waitForURL(watchUrl)
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) >= 30, null, { timeout: 30_000 })
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Resumed at 0:30.')

    // The HEVC film is probed, found unplayable as it is, and converted to HLS as it plays (hls.js).
    await page.goto('/browse')
    await page.getByRole('link', { name: 'BitTorrented Test Card HEVC (2026) [360p x265]' }).click()
    await page.getByRole('link', { name: /^Play .*\.mkv$/ }).click()
    await expect.poll(async () => (await page.getByRole('status').allTextContents()).join(' '), { timeout: 30_000 }).toMatch(/converted as you watch/)
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1, null, { timeout: 60_000 })
    // Its subtitles — the track inside the MKV and the .srt beside it — are offered as WebVTT and load.
    await expect
      .poll(() => page.evaluate(() => [...document.querySelector('video')!.textTracks].map((t) => t.label).sort()), { timeout: 20_000 })
      .toEqual(['BitTorrented.Test.Card.HEVC.2026.en.srt', 'eng (in file)'])
    // The Subtitles menu shows each track (its cues load), and Off turns them all off.
    const subtitles = page.getByRole('combobox', { name: 'Subtitles' })
    for (const label of ['BitTorrented.Test.Card.HEVC.2026.en.srt', 'eng (in file)']) {
      await subtitles.selectOption({ label })
      await page.waitForFunction((l) => [...document.querySelector('video')!.textTracks].some((t) => t.label === l && t.mode === 'showing' && (t.cues?.length ?? 0) >= 3), label, { timeout: 20_000 })
      expect(await page.evaluate(() => [...document.querySelector('video')!.textTracks].filter((t) => t.mode === 'showing').length)).toBe(1)
    }
    await page.screenshot({ path: join(shots, 'watch-hevc-1280x800.png') })
    await subtitles.selectOption({ label: 'Off' })
    await page.waitForFunction(() => [...document.querySelector('video')!.textTracks].every((t) => t.mode === 'disabled'))

    // H.264 with AC-3 in Matroska is re-packed: the video copied at its own keyframes, the audio made AAC.
    await page.goto('/browse')
    await page.getByRole('link', { name: 'BitTorrented Test Card Surround (2026) [360p H264 AC3]' }).click()
    await page.getByRole('link', { name: /^Play .*\.mkv$/ }).click()
    await expect.poll(async () => (await page.getByRole('status').allTextContents()).join(' '), { timeout: 30_000 }).toMatch(/ac3 audio is converted\. It is re-packed as you watch/)
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1, null, { timeout: 60_000 })
    // Seek to 80 %: the segment there is fetched and plays on.
    await page.evaluate(() => (document.querySelector('video')!.currentTime = 24))
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 25, null, { timeout: 60_000 })

    await page.goto('/browse')
    await page.getByRole('link', { name: 'Test Tones - Sine Waves (2026) [MP3 128]' }).click()
    // The album view lists the tracks by their tags; "Play album" plays them in order in the music
    // player, which stays while the person browses, with the next track loaded before it is due.
    await expect.poll(async () => page.locator('.track-list button').allTextContents(), { timeout: 30_000 }).toEqual(['A440', 'E660', 'A880'])
    await expect.poll(() => page.getByRole('heading', { name: 'Sine Waves', exact: true }).count()).toBe(1)
    const albumUrl = page.url()
    await page.getByRole('button', { name: 'Play album' }).click()
    const nowPlaying = page.getByRole('region', { name: 'Now playing' })
    await expect.poll(() => nowPlaying.locator('strong').textContent()).toBe('A440')
    const slot = (n: number) => `audio[data-music-slot="${n}"]`
    await page.waitForFunction((sel) => (document.querySelector<HTMLAudioElement>(sel)?.currentTime ?? 0) > 0.5, slot(0), { timeout: 30_000 })
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click()
    await page.waitForURL('**/browse')
    const kept = await page.evaluate((sel) => document.querySelector<HTMLAudioElement>(sel)!.currentTime, slot(0))
    await page.waitForFunction(([sel, t]) => (document.querySelector<HTMLAudioElement>(sel as string)?.currentTime ?? 0) > (t as number) + 0.5, [slot(0), kept] as const, { timeout: 10_000 })
    expect(await nowPlaying.locator('strong').textContent()).toBe('A440')
    // The next track is loaded on the second element before the first ends.
    await page.waitForFunction((sel) => (document.querySelector<HTMLAudioElement>(sel)?.readyState ?? 0) >= 3, slot(1), { timeout: 30_000 })
    await page.evaluate((sel) => {
      const a = document.querySelector<HTMLAudioElement>(sel)!
      a.currentTime = a.duration - 0.3
    }, slot(0))
    await expect.poll(() => nowPlaying.locator('strong').textContent(), { timeout: 10_000 }).toBe('E660')
    await page.waitForFunction((sel) => (document.querySelector<HTMLAudioElement>(sel)?.currentTime ?? 0) > 0.5, slot(1), { timeout: 10_000 })
    // Pause from the bar; switching profile stops and closes the player.
    await nowPlaying.getByRole('button', { name: 'Pause', exact: true }).click()
    await page.waitForFunction((sel) => document.querySelector<HTMLAudioElement>(sel)!.paused, slot(1))
    await nowPlaying.getByRole('button', { name: 'Play', exact: true }).click()
    await page.waitForFunction((sel) => !document.querySelector<HTMLAudioElement>(sel)!.paused, slot(1))
    await page.getByRole('link', { name: /^Switch profile/ }).click()
    await page.waitForURL('**/profiles**')
    await expect.poll(() => page.getByRole('region', { name: 'Now playing' }).count()).toBe(0)
    expect(await page.evaluate(() => [...document.querySelectorAll('audio')].every((a) => a.paused))).toBe(true)
    await pickProfile(page, 'Sam')
    await page.goto(albumUrl)
    await page.getByRole('link', { name: /^Play .*02 - E660\.mp3$/ }).click()
    await page.waitForFunction(() => (document.querySelector('audio')?.currentTime ?? 0) > 1, null, { timeout: 30_000 })
    // The album's artist (by its tags) has a page with the artist's albums, newest first.
    await page.goto(albumUrl)
    await page.getByRole('link', { name: 'Test Tones', exact: true }).click()
    await page.waitForURL('**/artists/Test%20Tones')
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Test Tones')
    expect((await page.locator('[data-row="albums"] .tile-title').allTextContents()).sort()).toEqual(['Pink Noise (2026)', 'Sine Waves (2026)'])
    await page.locator('[data-row="albums"]').getByRole('link', { name: 'Sine Waves (2026)' }).click()
    await page.waitForURL(albumUrl)
    await context.close()
  })

  test("the profile's player settings apply: subtitles on in its language at its size, its playback speed", async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Alex')
    await page.waitForURL('**/browse')
    const setSettings = async (values: { subtitleLanguage: string; subtitleSize: string; playbackRate: string }) => {
      await page.goto('/settings')
      await page.getByRole('combobox', { name: 'Subtitles' }).selectOption(values.subtitleLanguage)
      await page.getByRole('combobox', { name: 'Subtitle size' }).selectOption(values.subtitleSize)
      await page.getByRole('combobox', { name: 'Playback speed' }).selectOption(values.playbackRate)
      await page.getByRole('button', { name: 'Save settings' }).click()
      await expect.poll(() => page.getByText('Saved.').count()).toBe(1)
    }
    await setSettings({ subtitleLanguage: 'en', subtitleSize: 'large', playbackRate: '1.5' })
    await page.goto('/search?q=test+card+hevc')
    await page.getByRole('link', { name: 'BitTorrented Test Card HEVC (2026) [360p x265]' }).first().click()
    await page.getByRole('link', { name: /^Play .*\.mkv$/ }).click()
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1, null, { timeout: 60_000 })
    // English: the first English track is showing (the one inside the file), the menu says so, large, at 1.5×.
    await expect
      .poll(() => page.evaluate(() => [...document.querySelector('video')!.textTracks].map((t) => `${t.label}:${t.mode}`)), { timeout: 20_000 })
      .toEqual(['eng (in file):showing', 'BitTorrented.Test.Card.HEVC.2026.en.srt:disabled'])
    expect(await page.getByRole('combobox', { name: 'Subtitles' }).evaluate((s) => (s as unknown as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe('eng (in file)')
    expect(await page.locator('video').getAttribute('class')).toContain('subtitles-large')
    expect(await page.evaluate(() => document.querySelector('video')!.playbackRate)).toBe(1.5)
    // The C key turns subtitles off; the menu follows.
    await page.locator('h1').click()
    await page.keyboard.press('c')
    await expect.poll(() => page.getByRole('combobox', { name: 'Subtitles' }).inputValue()).toBe('')
    await setSettings({ subtitleLanguage: '', subtitleSize: 'medium', playbackRate: '1' })
    await context.close()
  })

  test('search: words, a type filter with counts, a typo, and through to a title page', async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Alex')
    await page.getByRole('link', { name: 'Search' }).click()
    await page.getByRole('searchbox').fill('test card')
    await page.getByRole('button', { name: 'Search' }).click()
    // Empty filters are left out of the address (issue #24).
    await expect.poll(() => new URL(page.url()).search).toMatch(/^\?q=test\+card/)
    expect(new URL(page.url()).search).not.toMatch(/=(&|$)/)
    await expect
      .poll(async () => (await page.getByRole('list', { name: 'Results' }).locator('a').allTextContents()).sort())
      .toEqual(['BitTorrented Test Card (2026) [360p H264 AAC]', 'BitTorrented Test Card HEVC (2026) [360p x265]', 'BitTorrented Test Card Surround (2026) [360p H264 AC3]'])
    await page.getByRole('searchbox').fill('tones')
    await page
      .getByLabel(/^Albums/)
      .check()
      .catch(async () => {
        await page.getByRole('button', { name: 'Search' }).click()
        await page.getByLabel(/^Albums/).check()
      })
    await page.getByRole('button', { name: 'Search' }).click()
    await expect.poll(async () => page.getByRole('list', { name: 'Results' }).locator('a').allTextContents()).toEqual(['Test Tones - Sine Waves (2026) [MP3 128]'])
    await page.screenshot({ path: join(shots, 'search-1280x800.png') })
    await page.goto('/search?q=sine+wavs')
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/no exact match, showing results for “sine waves”/)
    await page.getByRole('link', { name: 'Test Tones - Sine Waves (2026) [MP3 128]' }).click()
    await page.waitForURL('**/torrents/**')
    await context.close()
  })

  test('watch party: one family starts it, a neighbour joins by the link; play on one plays on the other, in step; chat is shown as text', async () => {
    const host = await newPage()
    await signIn(host.page, 'demo@bittorrented.local')
    await pickProfile(host.page, 'Sam')
    await host.page.waitForURL('**/browse')
    await host.page.getByRole('link', { name: 'BitTorrented Test Card (2026) [360p H264 AAC]' }).click()
    await host.page.getByRole('button', { name: /^Watch .*\.mp4 together$/ }).click()
    await host.page.waitForURL(/\/party\/[A-Za-z0-9_-]{16}\?m=/)
    const invite = await host.page.getByLabel('Invite link').inputValue()
    expect(invite).toBe(host.page.url())
    await expect.poll(() => host.page.locator('.party-members li').allTextContents()).toEqual([expect.stringMatching(/^SSam \(you\) · host/)])

    // The guest follows the link: signs in, picks a profile, and lands in the party.
    const guest = await newPage({ width: 390, height: 844 })
    await guest.page.goto(invite)
    await guest.page.waitForURL('**/sign-in?next=*')
    await guest.page.getByLabel('Email').fill('neighbor@bittorrented.local')
    await guest.page.getByLabel('Password').fill('watch-together')
    await guest.page.getByRole('button', { name: 'Sign in' }).click()
    await guest.page.waitForURL('**/profiles?next=*')
    await pickProfile(guest.page, 'Robin')
    await guest.page.waitForURL(invite)
    for (const { page } of [host, guest]) {
      await expect.poll(() => page.locator('.party-members li').count(), { timeout: 15_000 }).toBe(2)
    }
    await expect.poll(() => guest.page.getByRole('button', { name: 'Play for everyone' }).isDisabled()).toBe(true)
    await expect.poll(() => guest.page.getByText('The host controls playback.').count()).toBe(1)

    await host.page.getByRole('button', { name: 'Play for everyone' }).click()
    for (const { page } of [host, guest]) {
      await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 2, null, { timeout: 45_000 })
    }
    // Both at the same place: compare positions read at known instants.
    const sample = (page: Page) => page.evaluate(() => ({ t: document.querySelector('video')!.currentTime, at: Date.now() }))
    await expect
      .poll(
        async () => {
          const [a, b] = await Promise.all([sample(host.page), sample(guest.page)])
          return Math.abs(a.t - (b.t + (a.at - b.at) / 1000))
        },
        { timeout: 20_000 },
      )
      .toBeLessThan(0.15)

    // Chat arrives as typed, shown as text.
    await guest.page.getByLabel('Message').fill('<b>popcorn</b> ready')
    await guest.page.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => host.page.locator('.party-chat li').last().textContent()).toBe('Robin <b>popcorn</b> ready')
    expect(await host.page.locator('.party-chat b').count()).toBe(0)
    await host.page.screenshot({ path: join(shots, 'party-host-1280x800.png') })
    await guest.page.screenshot({ path: join(shots, 'party-guest-390x844.png'), fullPage: true })

    // The host pauses: the guest stops too.
    await host.page.getByRole('button', { name: 'Pause for everyone' }).click()
    await guest.page.waitForFunction(() => document.querySelector('video')!.paused, null, { timeout: 10_000 })
    await expect.poll(() => guest.page.getByRole('status').first().textContent()).toMatch(/^Paused by Sam at/)
    await host.context.close()
    await guest.context.close()
  })

  test('a book opens in the reader, pages turn, and it opens again where this profile left it', async () => {
    const { context, page } = await newPage()
    // The demo swarm seeds an EPUB the project makes itself (media-node/src/demo/demo-book.ts).
    await openBook(page, 'Alex', 'q=short+guide+swarms&type=ebook', 'A Short Guide to Swarms (2026) [EPUB]', 'epub')
    const reader = page.locator('.reader')
    await expect.poll(() => reader.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready')
    // The place is reported once the first page is laid out.
    await expect.poll(() => reader.getAttribute('data-location')).toMatch(/^epubcfi\(/)
    const first = await reader.getAttribute('data-location')
    await page.getByRole('button', { name: 'Next page →' }).click()
    await expect.poll(() => reader.getAttribute('data-location')).not.toBe(first)
    await page.keyboard.press('ArrowRight')
    await page.waitForTimeout(500)
    const there = await reader.getAttribute('data-location')
    expect(there).not.toBe(first)
    await page.screenshot({ path: join(shots, 'reader-1280x800.png') })
    await page.waitForTimeout(500) // the last save lands
    await page.reload()
    await expect.poll(() => reader.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready')
    await expect.poll(() => reader.getAttribute('data-location')).toBe(there)
    await expect.poll(() => page.getByText('Opened where you left off.').count()).toBe(1)
    await context.close()
  })

  test('a comic (CBZ) opens page by page from the torrent, and again at the page this profile reached', async () => {
    const { context, page } = await newPage()
    await openBook(page, 'Sam', 'q=swarm+comics', 'Swarm Comics 001 (2026) [CBZ]', 'cbz')
    const comic = page.locator('.comic')
    await expect.poll(() => comic.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready')
    const image = page.getByRole('img', { name: /page 1 of 6$/ })
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 30_000 }).toBe(480)
    await page.getByRole('button', { name: 'Next page →' }).click()
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.getByText('Page 3 of 6').count()).toBe(1)
    await expect.poll(() => page.getByRole('img', { name: /page 3 of 6$/ }).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 30_000 }).toBe(480)
    await page.screenshot({ path: join(shots, 'comic-1280x800.png') })
    await page.waitForTimeout(500) // the last save lands
    await page.reload()
    await expect.poll(() => comic.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready')
    await expect.poll(() => comic.getAttribute('data-page')).toBe('2')
    await expect.poll(() => page.getByText('Opened where you left off.').count()).toBe(1)
    await context.close()
  })

  test('a PDF opens page by page with pdf.js, drawn on a canvas, and again at the page this profile reached', async () => {
    const { context, page } = await newPage()
    // The kids profile (up to PG) may read it: the demo PDF is rated G.
    await openBook(page, 'Mia', 'q=family+handbook', 'The Family Handbook of Swarms (2026) [PDF]', 'pdf')
    const pdf = page.locator('.pdf-page')
    await expect.poll(() => pdf.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready')
    await expect.poll(() => pdf.getAttribute('data-drawn'), { timeout: 30_000 }).toBe('0')
    // Something was drawn: the page's red header band is on the canvas, not a blank sheet.
    const header = () =>
      pdf.locator('canvas').evaluate((c: HTMLCanvasElement) =>
        Array.from(
          c
            .getContext('2d')!
            .getImageData(Math.floor(c.width / 2), 10, 1, 1)
            .data.slice(0, 3),
        ),
      )
    const [r = 0, g = 255, b = 255] = await header()
    expect(r).toBeGreaterThan(100)
    expect(g + b).toBeLessThan(100)
    await page.getByRole('button', { name: 'Next page →' }).click()
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.getByText('Page 3 of 6').count()).toBe(1)
    await expect.poll(() => pdf.getAttribute('data-drawn'), { timeout: 30_000 }).toBe('2')
    await expect.poll(() => page.getByRole('img', { name: /page 3 of 6$/ }).count()).toBe(1)
    await page.screenshot({ path: join(shots, 'pdf-1280x800.png') })
    await page.waitForTimeout(500) // the last save lands
    await page.reload()
    await expect.poll(() => pdf.getAttribute('data-drawn'), { timeout: 30_000 }).toBe('2')
    await expect.poll(() => page.getByText('Opened where you left off.').count()).toBe(1)
    // Home: the book is in this profile's "Continue reading" row.
    await page.goto('/browse')
    await expect.poll(() => page.locator('[data-row="continue-reading"]').textContent()).toContain('The Family Handbook of Swarms.pdf')
    await context.close()
  })

  test('accessibility: axe finds no serious or critical WCAG A/AA violation on the main pages', async () => {
    const { context, page } = await newPage()
    const problems: string[] = []
    const check = async (label: string) => {
      const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
      for (const v of result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
        problems.push(
          `${label}: ${v.id} (${v.impact}) — ${v.help}: ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
        )
      }
    }
    await page.goto('/sign-in')
    await check('sign-in')
    await page.goto('/sign-up')
    await check('sign-up')
    await signIn(page, 'demo@bittorrented.local')
    await page.waitForURL('**/profiles')
    await check('profile picker')
    await pickProfile(page, 'Sam')
    await page.waitForURL('**/browse')
    await check('home')
    await page.goto('/search?q=test+card')
    await check('search')
    await page.getByRole('link', { name: 'BitTorrented Test Card (2026) [360p H264 AAC]' }).first().click()
    await page.waitForURL('**/torrents/**')
    await check('title page')
    await page.getByRole('link', { name: /^Play .*\.mp4$/ }).click()
    await page.waitForURL('**/watch/**')
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.5, null, { timeout: 30_000 })
    await check('watch page')
    await page.getByRole('button', { name: 'Watch together' }).click()
    await page.waitForURL('**/party/**')
    await expect.poll(() => page.locator('.party-members li').count(), { timeout: 15_000 }).toBe(1)
    await check('watch party')
    for (const path of ['/settings', '/account', '/profiles/manage', '/artists/Test%20Tones', '/podcasts', '/radio', '/billing']) {
      await page.goto(path)
      await check(path)
    }
    expect(problems).toEqual([])
    await context.close()
  })

  test('installable: a valid manifest with icons, an active service worker, and an offline page', async () => {
    const { context, page } = await newPage()
    await page.goto('/')
    const href = await page.locator('link[rel="manifest"]').getAttribute('href')
    const manifest = (await (await page.request.get(href!)).json()) as {
      id: string
      name: string
      start_url: string
      display: string
      icons: Array<{ src: string; sizes: string; type: string; purpose?: string }>
    }
    expect(manifest).toMatchObject({ id: '/profiles', name: 'BitTorrented', display: 'standalone', start_url: '/profiles' })
    expect(manifest.icons).toContainEqual(expect.objectContaining({ purpose: 'maskable', sizes: '512x512' }))
    for (const size of ['192x192', '512x512']) {
      const icon = manifest.icons.find((i) => i.sizes === size && i.type === 'image/png')!
      expect((await page.request.get(icon.src)).headers()['content-type']).toMatch(/image\/png/)
    }
    const state = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state)
    expect(['activating', 'activated']).toContain(state)
    await page.reload()
    await context.setOffline(true)
    await page.goto('/browse').catch(() => {})
    await expect.poll(() => page.locator('h1').textContent()).toBe('You are offline')
    // Back online, the page asked for loads by itself (here: sign-in, as nobody is signed in).
    await context.setOffline(false)
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).not.toBe('You are offline')
    await context.close()
  })

  test('a tampered profile cookie sends the person back to the picker', async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Sam')
    await page.waitForURL('**/browse')
    const cookie = (await context.cookies()).find((c) => c.name === 'bt_profile')!
    await context.addCookies([{ ...cookie, value: cookie.value.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) }])
    await page.goto('/browse')
    await page.waitForURL(/\/profiles\?next=%2Fbrowse$/)
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe("Who's watching?")
    await context.close()
  })

  test('wrong password: a clear message, no hint whether the account exists', async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local', 'wrong password')
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Email or password is incorrect.')
    await signIn(page, 'nobody-here@example.test', 'wrong password')
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Email or password is incorrect.')
    await context.close()
  })

  test('keyboard only: the picker is reached and used with Tab, arrow keys and Enter', async () => {
    const { context, page } = await newPage({ width: 1920, height: 1080 })
    await signIn(page, 'neighbor@bittorrented.local')
    await page.waitForURL('**/profiles')
    await expect.poll(() => page.locator('button.profile-tile').count()).toBe(2)
    // The first tile has focus; the arrow key moves to the next one, as on a TV remote.
    const names = await page.locator('button.profile-tile').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-profile-name')))
    expect([...names].sort()).toEqual(['Jordan', 'Robin'])
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-profile-name'))
    await expect.poll(focused).toBe(names[0])
    await page.keyboard.press('ArrowRight')
    await expect.poll(focused).toBe(names[1])
    await page.keyboard.press('ArrowLeft')
    await expect.poll(focused).toBe(names[0])
    await page.keyboard.press('ArrowRight')
    await page.screenshot({ path: join(shots, 'picker-1920x1080.png') })
    await page.keyboard.press('Enter')
    await page.waitForURL('**/browse')
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(`Hi, ${names[1]}`)
    // On to playback with the keyboard alone: Tab to the film's tile, Enter, Tab to Play, Enter.
    const tabTo = async (matches: (el: { tag: string; text: string; label: string }) => boolean, most = 80) => {
      for (let i = 0; i < most; i++) {
        await page.keyboard.press('Tab')
        const el = await page.evaluate(() => ({
          tag: document.activeElement?.tagName ?? '',
          text: document.activeElement?.textContent?.trim() ?? '',
          label: document.activeElement?.getAttribute('aria-label') ?? '',
        }))
        if (matches(el)) return
      }
      throw new Error('never reached by Tab')
    }
    await tabTo((el) => el.tag === 'A' && el.text === 'BitTorrented Test Card (2026) [360p H264 AAC]')
    // Focus is visible where it lands (an outline or a ring), as a TV remote needs.
    expect(
      await page.evaluate(() => {
        const st = getComputedStyle(document.activeElement!)
        return st.outlineStyle !== 'none' || st.boxShadow !== 'none'
      }),
    ).toBe(true)
    await page.keyboard.press('Enter')
    await page.waitForURL('**/torrents/**')
    await tabTo((el) => el.tag === 'A' && /^Play .*\.mp4$/.test(el.label))
    await page.keyboard.press('Enter')
    await page.waitForURL('**/watch/**')
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1, null, { timeout: 60_000 })
    await page.keyboard.press('k')
    await page.waitForFunction(() => document.querySelector('video')!.paused)
    await page.screenshot({ path: join(shots, 'watch-1920x1080.png') })
    await context.close()
  })

  test('TV remote: the arrow keys alone move between the home rows and their tiles, and Enter opens a title', async () => {
    const { context, page } = await newPage({ width: 1920, height: 1080 })
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Alex')
    await page.waitForURL('**/browse')
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    const where = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement
        const r = el.getBoundingClientRect()
        // Page coordinates: moving the focus scrolls the page.
        return {
          row: el.closest('[data-row]')?.getAttribute('data-row') ?? null,
          text: el.textContent?.trim() ?? '',
          x: r.left + window.scrollX,
          y: r.top + window.scrollY,
          href: el.getAttribute('href'),
        }
      })
    // Down from nothing focused starts at the page's first control, then goes row by row.
    let at = await where()
    for (let i = 0; i < 20 && at.row !== 'recent'; i++) {
      await page.keyboard.press('ArrowDown')
      at = await where()
    }
    expect(at.row).toBe('recent')
    await page.keyboard.press('ArrowRight')
    const right = await where()
    expect(right.row).toBe('recent')
    expect(right.x).toBeGreaterThan(at.x)
    expect(Math.abs(right.y - at.y)).toBeLessThan(5)
    await page.keyboard.press('ArrowLeft')
    expect((await where()).text).toBe(at.text)
    // Down goes to the tile below — within the row's grid while it wraps, then into the next row.
    let below = at
    for (let i = 0; i < 10 && below.row === 'recent'; i++) {
      await page.keyboard.press('ArrowDown')
      const next = await where()
      expect(next.y).toBeGreaterThan(below.y)
      below = next
    }
    expect(below.row).not.toBe('recent')
    await page.keyboard.press('ArrowUp')
    expect((await where()).row).toBe('recent')
    await page.keyboard.press('ArrowRight')
    const target = (await where()).href
    await page.keyboard.press('Enter')
    await page.waitForURL(`**${target}`)
    await context.close()
  })

  test('a title nobody shares: its page says so once the swarm has been asked, with the index’s count labelled as the index’s (issue #24)', async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Sam')
    await page.waitForURL('**/browse')
    // The generated catalog's films have no peers on this machine: the media node waits for metadata before it says so.
    await page.goto('/search?q=silent+harbor')
    await page.getByRole('list', { name: 'Results' }).getByRole('link').first().click()
    await page.waitForURL('**/torrents/**')
    await page.locator('h1').waitFor()
    expect(await page.getByRole('button', { name: /My list|On my list/ }).count()).toBe(1)
    // Not the 5 s single-fetch default: the check may take the node's metadata deadline and still be answered.
    await expect.poll(() => page.getByTestId('swarm-check').getAttribute('data-state'), { timeout: 45_000 }).toBe('no_peers')
    expect(await page.locator('main').textContent()).toMatch(/seeders? reported by the index/)
    await context.close()
  }, 90_000)

  test('TV remote on the watch page: OK plays, Back returns to the title, and the hints are for the keys in use (issue #24)', async () => {
    const { context, page } = await newPage({ width: 1920, height: 1080 })
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Sam')
    await page.waitForURL('**/browse')
    await page.goto('/search?q=test+card')
    // ↓ leaves the search box for the first result (past the filters), ↓ again the next one.
    await page.getByRole('searchbox').focus()
    await page.keyboard.press('ArrowDown')
    const results = page.getByRole('list', { name: 'Results' }).getByRole('link')
    expect(await page.evaluate(() => document.activeElement?.closest('#search-results') !== null)).toBe(true)
    const first = await page.evaluate(() => document.activeElement?.textContent)
    expect(first).toBe(await results.first().textContent())
    await page.keyboard.press('ArrowDown')
    expect(await page.evaluate(() => document.activeElement?.textContent)).not.toBe(first)
    await page.getByRole('link', { name: 'BitTorrented Test Card (2026) [360p H264 AAC]' }).first().click()
    await page.waitForURL('**/torrents/**')
    const titleUrl = page.url()
    await page.getByRole('link', { name: /^Play .*\.mp4$/ }).click()
    await page.waitForURL('**/watch/**')
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.5, null, { timeout: 30_000 })
    expect(await page.getByTestId('key-hints').textContent()).toBe('OK play/pause · ←/→ 10 s · ↑/↓ volume · Back to the title')
    // Nothing focused (as when a remote has just opened the page): OK is the player's.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    const pausedBefore = await page.evaluate(() => document.querySelector('video')!.paused)
    await page.keyboard.press('Enter')
    await expect.poll(() => page.evaluate(() => document.querySelector('video')!.paused)).toBe(!pausedBefore)
    await page.keyboard.press('k')
    await expect.poll(() => page.getByTestId('key-hints').textContent()).toMatch(/^Keys: Space or K play\/pause/)
    // The player fills most of a TV's width (10-foot UI), not a 1024 px column.
    expect(await page.evaluate(() => document.querySelector('video')!.getBoundingClientRect().width)).toBeGreaterThan(1920 * 0.6)
    await page.keyboard.press('Escape')
    await page.waitForURL(titleUrl)
    await context.close()
  })

  test('phone watch page: the player comes first, full width, near the top (issue #24)', async () => {
    const { context, page } = await newPage({ width: 390, height: 844 })
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Sam')
    await page.waitForURL('**/browse')
    await page.goto('/search?q=test+card')
    await page.getByRole('link', { name: 'BitTorrented Test Card (2026) [360p H264 AAC]' }).first().click()
    await page.waitForURL('**/torrents/**')
    await page.getByRole('link', { name: /^Play .*\.mp4$/ }).click()
    await page.waitForURL('**/watch/**')
    const box = await page.locator('video').boundingBox()
    expect(box!.y).toBeLessThan(200)
    expect(box!.width).toBeGreaterThanOrEqual(380)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.screenshot({ path: join(shots, 'watch-390x844.png') })
    await context.close()
  })

  test('Live TV: the demo provider’s channels with now and next, a channel plays, the guide offers catch-up, and the browser never sees the provider', async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Alex')
    await page.waitForURL('**/browse')
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Live TV' }).click()
    await page.waitForURL('**/live')
    // npm start points the demo provider at the loopback IPTV service; the node reads it within seconds.
    await expect
      .poll(
        async () => {
          await page.reload()
          return page.locator('.channel-tile').count()
        },
        { timeout: 60_000, interval: 2_000 },
      )
      .toBeGreaterThanOrEqual(5)
    await expect.poll(() => page.locator('.channel-tile .now').count(), { timeout: 10_000 }).toBeGreaterThan(0)
    // Logos come through the media node.
    await expect.poll(() => page.evaluate(() => [...document.querySelectorAll<HTMLImageElement>('.channel-tile img')].every((i) => i.complete && i.naturalWidth > 0)), { timeout: 15_000 }).toBe(true)
    const html = await page.content()
    expect(html).not.toMatch(/127\.0\.0\.1:\d+\/(live|playlist|logo)\//)
    await page.getByRole('link', { name: /^Watch Test Card Clock/ }).click()
    await page.waitForURL('**/live?channel=*')
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1, null, { timeout: 60_000 })
    await page.screenshot({ path: join(shots, 'live-playing.png') })
    const catchUp = page.getByRole('link', { name: /watch from the start/ }).first()
    await catchUp.waitFor()
    await catchUp.click()
    await page.waitForURL('**start=*')
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1, null, { timeout: 60_000 })
    await page.getByText(/\(catch-up\)/).waitFor()
    await context.close()
  })

  test('Live TV on the kids profile: only the groups a grown-up allowed', async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Mia')
    await page.waitForURL('**/browse')
    await page.goto('/live')
    const names = await page.locator('.channel-tile a[aria-label^="Watch"]').allTextContents()
    expect(names.length).toBeGreaterThan(0)
    for (const n of names) expect(n).toMatch(/Game of Life|Mandelbrot Zoom/)
    await page.getByRole('heading', { name: 'Your IPTV providers' }).waitFor()
    await context.close()
  })

  test('Live TV: the account owner allows a channel group for a kids profile, and withdraws it', async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Alex')
    await page.waitForURL('**/browse')
    await page.goto('/live')
    const section = page.getByRole('region', { name: 'What kids profiles may watch' })
    await section.getByText('Mia: 1 group allowed').click()
    await section.getByRole('button', { name: 'Allow Science for Mia' }).click()
    await page.getByRole('region', { name: 'What kids profiles may watch' }).getByText('Mia: 2 groups allowed').waitFor()
    const mia = await context.newPage()
    await mia.goto('/profiles?switch=1')
    await pickProfile(mia, 'Mia')
    await mia.waitForURL('**/browse')
    await mia.goto('/live')
    expect(await mia.locator('.channel-tile a[aria-label^="Watch"]').allTextContents()).toContainEqual(expect.stringContaining('Cellular Automaton'))
    await mia.close()
    // Back as Alex (the profile cookie is the browser's), withdrawn again.
    await page.goto('/profiles?switch=1')
    await pickProfile(page, 'Alex')
    await page.waitForURL('**/browse')
    await page.goto('/live')
    await page.getByRole('region', { name: 'What kids profiles may watch' }).getByText('Mia: 2 groups allowed').click()
    await page.getByRole('button', { name: 'Stop allowing Science for Mia' }).click()
    await page.getByRole('region', { name: 'What kids profiles may watch' }).getByText('Mia: 1 group allowed').waitFor()
    await context.close()
  })

  test('Podcasts: subscriptions with artwork, a directory search, subscribing, an episode plays with chapters and a transcript that follows, speed kept per podcast, resume', async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Alex')
    await page.waitForURL('**/browse')
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Podcasts' }).click()
    await page.waitForURL('**/podcasts')
    await page
      .getByRole('list', { name: 'Subscriptions' })
      .getByRole('link', { name: /The Loopback Hour/ })
      .waitFor()
    // Covers (subscriptions and the directory's) come through the media node, never from the podcast's host.
    await page.evaluate(() => {
      for (const i of document.querySelectorAll<HTMLImageElement>('.podcast-tile img, .podcast-result img')) i.loading = 'eager'
    })
    await expect
      .poll(() => page.evaluate(() => [...document.querySelectorAll<HTMLImageElement>('.podcast-tile img, .podcast-result img')].every((i) => i.complete && i.naturalWidth > 0)), { timeout: 15_000 })
      .toBe(true)
    // (A feed's address is public and stays in the page to subscribe by; nothing is loaded from its host.)
    const loadedFrom = () =>
      page.evaluate(() => [...new Set([...document.querySelectorAll<HTMLImageElement | HTMLAudioElement>('img[src], audio[src]')].map((e) => new URL(e.src).pathname.split('/')[1]))])
    expect(await loadedFrom()).toEqual(['v1'])
    await page.screenshot({ path: join(shots, 'podcasts.png'), fullPage: true })
    await page.getByRole('search').getByRole('searchbox').fill('garden')
    await page.getByRole('search').getByRole('button', { name: 'Search' }).click()
    await page.waitForURL('**/podcasts?q=garden')
    await page.getByRole('button', { name: 'Subscribe to Seeds and Soil' }).click()
    await page.waitForURL(/\/podcasts\/\d+$/)
    await page.getByRole('heading', { name: 'Seeds and Soil' }).waitFor()
    await page.getByRole('link', { name: 'Play Tomatoes in December' }).click()
    await page.waitForURL('**episode=*')
    expect(await loadedFrom()).toEqual(['v1'])
    const audio = page.getByTestId('podcast-audio')
    await audio.evaluate((a: HTMLAudioElement) => a.play())
    await page.waitForFunction(() => (document.querySelector<HTMLAudioElement>('[data-testid=podcast-audio]')?.currentTime ?? 0) > 1.5, null, { timeout: 30_000 })
    expect(await page.locator('.podcast-chapters li').count()).toBe(4)
    // The transcript follows the playhead: jumping to a chapter moves the current cue with it.
    await page.getByRole('button', { name: /The long read/ }).click()
    await expect.poll(() => page.locator('.podcast-transcript li[aria-current="true"] button').textContent(), { timeout: 10_000 }).toBe('0:35')
    await page.getByTestId('podcast-speed').selectOption('1.5')
    expect(await audio.evaluate((a: HTMLAudioElement) => a.playbackRate)).toBe(1.5)
    // Downloaded for offline, into this profile's own cache on the device.
    await page.getByRole('button', { name: 'Download for offline' }).click()
    await page.getByTestId('downloaded').waitFor({ timeout: 30_000 })
    expect(await page.evaluate(() => caches.keys())).toContainEqual(expect.stringMatching(/^bt-downloads-[0-9a-f-]{36}$/))
    await page.waitForFunction(() => document.querySelector<HTMLAudioElement>('[data-testid=podcast-audio]')?.src.startsWith('blob:'), null, { timeout: 10_000 })
    // The stored copy carries on from where the stream was (past the chapter jumped to at 0:36).
    await page.waitForFunction(() => (document.querySelector<HTMLAudioElement>('[data-testid=podcast-audio]')?.currentTime ?? 0) > 36, null, { timeout: 10_000 })
    await audio.evaluate((a: HTMLAudioElement) => a.pause())
    await page.waitForTimeout(500) // the pause's save lands
    await page.screenshot({ path: join(shots, 'podcast-playing.png'), fullPage: true })
    // Reloaded, as another device would open it: the same speed, and it resumes where it paused.
    await page.reload()
    expect(await page.getByTestId('podcast-speed').inputValue()).toBe('1.5')
    await page.waitForFunction(() => (document.querySelector<HTMLAudioElement>('[data-testid=podcast-audio]')?.currentTime ?? 0) > 30, null, { timeout: 15_000 })
    await page.goto('/podcasts')
    await page.getByRole('heading', { name: 'Continue listening' }).waitFor()
    expect(await page.locator('.episode-list').first().textContent()).toContain('Tomatoes in December')
    await context.close()
  })

  test('Radio: a station plays through the media node and shows what is on now', async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Alex')
    await page.waitForURL('**/browse')
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Radio' }).click()
    await page.waitForURL('**/radio')
    await page.getByRole('list', { name: 'Directory' }).getByRole('link', { name: 'Listen to Loopback FM' }).click()
    await page.waitForURL('**/radio?station=*')
    await page.waitForFunction(() => (document.querySelector<HTMLAudioElement>('[data-testid=radio-audio]')?.currentTime ?? 0) > 1, null, { timeout: 30_000 })
    await expect.poll(() => page.getByTestId('now-playing').textContent(), { timeout: 30_000 }).toMatch(/^Now playing: .+ — .+/)
    expect(await page.content()).not.toMatch(/127\.0\.0\.1:\d+\/stream\//)
    await page.screenshot({ path: join(shots, 'radio-playing.png'), fullPage: true })
    // An HLS station plays too (hls.js where the browser has no HLS of its own).
    await page.goto('/radio?tag=jazz')
    await page.getByRole('list', { name: 'Directory' }).getByRole('link', { name: 'Listen to Segment Jazz (HLS)' }).click()
    await page.waitForURL('**station=*')
    await page.waitForFunction(() => (document.querySelector<HTMLAudioElement>('[data-testid=radio-audio]')?.currentTime ?? 0) > 1, null, { timeout: 30_000 })
    await context.close()
  })

  test('Podcasts and radio on the kids profile: only what a grown-up allowed, no explicit episodes, no directory', async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Mia')
    await page.waitForURL('**/browse')
    await page.goto('/podcasts')
    expect(await page.getByRole('list', { name: 'Subscriptions' }).getByRole('link').allTextContents()).toEqual([expect.stringContaining('Little Signals')])
    expect(await page.getByRole('searchbox').count()).toBe(0)
    await page.goto('/radio')
    const stations = await page.locator('.station-tile a[aria-label^="Listen"]').allTextContents()
    expect(new Set(stations)).toEqual(new Set(['Sine Wave Radio']))
    // A search that finds nothing says so, simply (issue #24).
    await page.goto('/search?q=qqxzzv')
    expect(await page.getByRole('status').first().textContent()).toBe('Nothing found for “qqxzzv”.')
    await context.close()
  })

  test('Plan & billing: the owner buys the Family plan in the demo wallet, and sees it active with its transaction', async () => {
    const { context, page } = await newPage()
    await signIn(page, 'demo@bittorrented.local')
    await pickProfile(page, 'Alex')
    await page.waitForURL('**/browse')
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Plan & billing' }).click()
    await page.waitForURL('**/billing')
    await page.getByRole('heading', { name: 'Family (trial)' }).waitFor()
    await page.getByLabel('Months').selectOption('3')
    await page.getByRole('button', { name: 'Continue to payment' }).click()
    await page.waitForURL(/\/billing\/[0-9a-f-]{36}$/)
    await page.getByRole('heading', { name: 'Pay for your plan' }).waitFor()
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toContain('($29.97)')
    expect(await page.getByRole('img', { name: /^QR code of the address/ }).count()).toBe(1)
    await page.screenshot({ path: join(shots, 'checkout.png'), fullPage: true })
    const wallet = await context.newPage()
    await wallet.goto((await page.getByRole('link', { name: 'Pay with the demo wallet' }).getAttribute('href'))!)
    await wallet.getByRole('button', { name: /^Pay / }).click()
    await expect.poll(() => page.getByTestId('payment-status').getAttribute('data-active'), { timeout: 30_000 }).toBe('true')
    expect(await page.getByTestId('payment-status').textContent()).toMatch(/^Paid — your plan is active until/)
    await page.goto('/billing')
    await page.getByRole('heading', { name: 'Family', exact: true }).waitFor()
    const row = page.locator('table.payments tbody tr').first()
    expect(await row.textContent()).toMatch(/Family × 3\$29\.97.*active until.*0x[0-9a-f]{8}/)
    // A kids profile sees none of it.
    await page.goto('/profiles?switch=1')
    await pickProfile(page, 'Mia')
    await page.waitForURL('**/browse')
    await page.goto('/billing')
    await page.getByText('Only the account owner can see the plan and payments, and not from a kids profile.').waitFor()
    await context.close()
  })

  test('phone width: no horizontal scrolling on the picker and the home page', async () => {
    const { context, page } = await newPage({ width: 360, height: 740 })
    await signIn(page, 'demo@bittorrented.local')
    await page.waitForURL('**/profiles')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await page.screenshot({ path: join(shots, 'picker-360x740.png') })
    await pickProfile(page, 'Alex')
    await page.waitForURL('**/browse')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await page.screenshot({ path: join(shots, 'browse-360x740.png'), fullPage: true })
    for (const path of ['/live', '/podcasts', '/radio']) {
      await page.goto(path)
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360)
    }
    await context.close()
  })
})
