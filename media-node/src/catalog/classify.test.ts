import { describe, expect, test } from 'vitest'
import { classifyTorrent } from './classify.ts'

const MB = 1024 * 1024
describe('classifying torrents', () => {
  test('a film', () => {
    expect(
      classifyTorrent('Hercules.2014.1080p.BluRay.x264-RARBG', [
        { path: 'Hercules.2014.1080p.BluRay.x264-RARBG.mkv', length: 2000 * MB },
        { path: 'RARBG.txt', length: 30 },
      ]),
    ).toMatchObject({
      contentType: 'movie',
      title: 'Hercules',
      year: 2014,
      resolution: '1080p',
      isAdult: false,
    })
  })
  test('an episode and a season', () => {
    expect(classifyTorrent('The Walking Dead S05E03 720p HDTV x264-ASAP', [{ path: 'twd.s05e03.mkv', length: 400 * MB }]).contentType).toBe('tv_episode')
    expect(
      classifyTorrent(
        'The Walking Dead S05 720p',
        [1, 2, 3].map((e) => ({ path: `S05E0${e}.mkv`, length: 400 * MB })),
      ).contentType,
    ).toBe('tv_season')
  })
  test('music, audiobooks, podcasts', () => {
    expect(
      classifyTorrent(
        'Test Tones - Sine Waves (2026) [MP3 128]',
        [1, 2, 3].map((t) => ({ path: `0${t}.mp3`, length: 5 * MB })),
      ).contentType,
    ).toBe('music_album')
    expect(classifyTorrent('Pink Noise (2026) [FLAC]', [{ path: 'pink.flac', length: 9 * MB }]).contentType).toBe('music_track')
    expect(classifyTorrent('Moby Dick Unabridged Audiobook', [{ path: 'moby.m4b', length: 300 * MB }]).contentType).toBe('audiobook')
    expect(
      classifyTorrent(
        'Some Show Podcast 2024 episodes',
        [1, 2].map((e) => ({ path: `ep${e}.mp3`, length: 50 * MB })),
      ).contentType,
    ).toBe('podcast')
  })
  test('music carries its artist from an "Artist - Album" name; compilations and other kinds carry none', () => {
    const tracks = [1, 2].map((t) => ({ path: `0${t}.flac`, length: 20 * MB }))
    expect(classifyTorrent('Test Tones - Sine Waves (2026) [MP3 128]', tracks).artist).toBe('Test Tones')
    expect(classifyTorrent('[FLAC] Ada and the Machines – Album 3 (2011)', tracks).artist).toBe('Ada and the Machines')
    expect(classifyTorrent('Pink_Floyd_-_The_Wall_1979', tracks).artist).toBe('Pink Floyd')
    expect(classifyTorrent('VA - Summer Hits 2020', tracks).artist).toBeNull()
    expect(classifyTorrent('Sine Waves [FLAC]', tracks).artist).toBeNull()
    expect(classifyTorrent('Some Show - S01E01 - Pilot 720p', [{ path: 'e.mkv', length: 400 * MB }]).artist).toBeNull()
  })
  test('books, comics, software, other', () => {
    expect(classifyTorrent('Leaves of Grass', [{ path: 'Leaves of Grass by Walt Whitman.epub', length: 362017 }]).contentType).toBe('ebook')
    expect(classifyTorrent('Some Comic #1', [{ path: 'issue1.cbz', length: 40 * MB }]).contentType).toBe('comic')
    expect(classifyTorrent('Debian 12 netinst', [{ path: 'debian-12.iso', length: 600 * MB }]).contentType).toBe('software')
    expect(classifyTorrent('alice', [{ path: 'alice.txt', length: 163783 }]).contentType).toBe('other')
  })
  test('adult content is flagged by name or file names', () => {
    expect(classifyTorrent('Brazzers Something 1080p', [{ path: 'a.mp4', length: 1 }])).toMatchObject({ contentType: 'adult', isAdult: true })
    expect(classifyTorrent('Holiday Clips', [{ path: 'xxx/clip.mp4', length: 1 }]).isAdult).toBe(true)
    expect(classifyTorrent('Middlesex (2012) 720p', [{ path: 'middlesex.mkv', length: 1 }]).isAdult).toBe(false)
  })
})

describe('music release names', () => {
  const album = [
    { path: 'a/01.flac', length: 1e7 },
    { path: 'a/02.flac', length: 1e7 },
  ]
  test('an album named like a year or an episode: the year is the bracketed one, the title Artist - Album', () => {
    expect(classifyTorrent("Taylor Swift - 1989 (Taylor's Version) (2023)", album)).toMatchObject({
      contentType: 'music_album',
      artist: 'Taylor Swift',
      title: 'Taylor Swift - 1989',
      year: 2023,
      episode: null,
    })
    expect(classifyTorrent('Prince - 1999 (1982) [MP3 320]', album)).toMatchObject({ title: 'Prince - 1999', year: 1982 })
    expect(classifyTorrent('Blur - 13 (1999)', album)).toMatchObject({ title: 'Blur - 13', year: 1999, episode: null, season: null })
    expect(classifyTorrent('Pink Floyd - The Wall (1979) [FLAC]', album)).toMatchObject({ title: 'Pink Floyd - The Wall', year: 1979, artist: 'Pink Floyd' })
  })
})

describe('episodes the film rules miss', () => {
  const one = [{ path: 'ep.mkv', length: 500 * MB }]
  test('第12集 and a fansub [12] are episodes; a bracketed resolution or year is not', () => {
    expect(classifyTorrent('[字幕组] 某部剧 第12集 [1080p]', one)).toMatchObject({ contentType: 'tv_episode', episode: 12 })
    expect(classifyTorrent('[Fansub] Some Show [07] [1080p]', one, 'tv_show')).toMatchObject({ contentType: 'tv_episode', episode: 7 })
    expect(classifyTorrent('[Fansub] Some Film [1080]', one, 'tv_show')).toMatchObject({ episode: null, contentType: 'tv_season' })
  })
  test("the source's own verdict of a show outranks the name's silence; a film stays a film", () => {
    expect(
      classifyTorrent(
        '某部剧 全集',
        [
          { path: 'a/1.mkv', length: MB },
          { path: 'a/2.mkv', length: MB },
        ],
        'tv_show',
      ),
    ).toMatchObject({ contentType: 'tv_season' })
    expect(classifyTorrent('Some.Film.2019.1080p', one, 'movie')).toMatchObject({ contentType: 'movie' })
    expect(classifyTorrent('Some.Film.2019.1080p', one)).toMatchObject({ contentType: 'movie', episode: null })
  })
})
