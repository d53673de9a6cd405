import { describe, expect, test } from 'vitest'
import { IcyDemuxer, streamTitleOf } from './icy.ts'
import { stationFromRaw } from './radio-browser.ts'
import { parseStationPlaylist } from './station-playlist.ts'

const BASE = 'https://radio.example.com/listen/'

describe('station playlists', () => {
  test('PLS, with entries out of order and a relative file', () => {
    const pls = '[playlist]\r\nNumberOfEntries=3\r\nFile2=http://b.example.com:8000/stream\r\nTitle2=Bee\r\nFile1=live.mp3\r\nTitle1=Ay\r\nFile3=mms://old.example.com/x\r\nVersion=2\r\n'
    expect(parseStationPlaylist(pls, BASE)).toEqual({
      stations: [
        { name: 'Ay', streamUrl: 'https://radio.example.com/listen/live.mp3', image: null },
        { name: 'Bee', streamUrl: 'http://b.example.com:8000/stream', image: null },
      ],
      unplayable: 1,
    })
  })

  test('M3U with #EXTINF (names with commas in attributes), #EXTVLCOPT, rtsp and bare URLs', () => {
    const m3u =
      '#EXTM3U\n#EXTINF:-1 tvg-logo="https://img.example.com/l.png" group-title="News, Talk",Radio One (Live) - HQ\n#EXTVLCOPT:no-video\nhttps://one.example.com/aac\n#EXTINF:-1,Freebox\nrtsp://mafreebox.freebox.fr/fbxradio\nhttps://bare.example.com/mp3\n'
    expect(parseStationPlaylist(m3u, BASE)).toEqual({
      stations: [
        { name: 'Radio One (Live) - HQ', streamUrl: 'https://one.example.com/aac', image: 'https://img.example.com/l.png' },
        { name: 'bare.example.com', streamUrl: 'https://bare.example.com/mp3', image: null },
      ],
      unplayable: 1,
    })
  })

  test('XSPF, and an HLS playlist as one station; an XSPF bomb refused', () => {
    const xspf =
      '<?xml version="1.0"?><playlist version="1" xmlns="http://xspf.org/ns/0/"><trackList><track><location>https://x.example.com/s</location><title>Ex</title></track></trackList></playlist>'
    expect(parseStationPlaylist(xspf, BASE).stations).toEqual([{ name: 'Ex', streamUrl: 'https://x.example.com/s', image: null }])
    expect(parseStationPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nseg1.aac\n', 'https://h.example.com/live.m3u8').stations).toEqual([
      { name: 'h.example.com', streamUrl: 'https://h.example.com/live.m3u8', image: null },
    ])
    expect(() => parseStationPlaylist('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "a">]><playlist/>', BASE)).toThrow(/XML bomb/)
  })
})

describe('Radio Browser stations', () => {
  test('raw snake_case station: comma lists split, flags read, a station without a web stream left out', () => {
    const raw = {
      stationuuid: '960e57c5-0601-11e8-ae97-52543be04c81',
      name: ' Klara ',
      url: 'http://example.com/klara.m3u',
      url_resolved: 'http://icecast.example.com/klara-high.mp3',
      favicon: '',
      tags: 'classical,Jazz, ',
      countrycode: 'be',
      language: 'dutch,flemish',
      codec: 'MP3',
      bitrate: 128,
      hls: 0,
      lastcheckok: 1,
      votes: '12',
    }
    expect(stationFromRaw(raw)).toMatchObject({
      name: 'Klara',
      streamUrl: 'http://icecast.example.com/klara-high.mp3',
      favicon: null,
      tags: ['classical', 'jazz'],
      countrycode: 'BE',
      languages: ['dutch', 'flemish'],
      hls: false,
      lastCheckOk: true,
      votes: 12,
    })
    expect(stationFromRaw({ ...raw, url: 'rtsp://x', url_resolved: '' })).toBeNull()
    expect(stationFromRaw({ name: 'no uuid' })).toBeNull()
  })
})

describe('ICY metadata', () => {
  test('the demuxer passes audio only and reports each title, split across chunks anywhere', async () => {
    const metaint = 8
    const meta = (t: string) => {
      const text = Buffer.from(`StreamTitle='${t}';`)
      const blocks = Math.ceil(text.length / 16)
      const b = Buffer.alloc(1 + blocks * 16)
      b[0] = blocks
      text.copy(b, 1)
      return b
    }
    const wire = Buffer.concat([Buffer.from('AAAAAAAA'), meta('One — Song'), Buffer.from('BBBBBBBB'), Buffer.from([0]), Buffer.from('CCCCCCCC'), meta('Two'), Buffer.from('DD')])
    const titles: string[] = []
    const demux = new IcyDemuxer(metaint, (t) => titles.push(t))
    const out: Buffer[] = []
    demux.on('data', (d: Buffer) => out.push(d))
    for (let i = 0; i < wire.length; i += 3) demux.write(wire.subarray(i, i + 3))
    demux.end()
    await new Promise((r) => demux.on('end', r))
    expect(Buffer.concat(out).toString()).toBe('AAAAAAAABBBBBBBBCCCCCCCCDD')
    expect(titles).toEqual(['One — Song', 'Two'])
  })

  test('titles in Latin-1 from older servers, and empty titles', () => {
    expect(streamTitleOf(Buffer.from([...Buffer.from("StreamTitle='Caf"), 0xe9, ...Buffer.from("';")]))).toBe('Café')
    expect(streamTitleOf(Buffer.from("StreamTitle='';StreamUrl='x';"))).toBeNull()
  })
})
