import { describe, expect, test } from 'vitest'
import { catchupUrl, fillCatchupTemplate } from './catchup-url.ts'

// 2026-12-03 14:00:00 UTC, half an hour, asked at 16:00.
const w = { startS: 1796306400, durationS: 1800, nowS: 1796313600 }

describe('catch-up URLs', () => {
  test('placeholders in every spelling', () => {
    expect(fillCatchupTemplate('?utc={utc}&lutc={lutc}&d={duration}&o={offset}', w)).toBe('?utc=1796306400&lutc=1796313600&d=1800&o=7200')
    // biome-ignore lint/suspicious/noTemplateCurlyInString: playlists write ${…} placeholders literally
    expect(fillCatchupTemplate('/${start}/${end}/${timestamp}', w)).toBe('/1796306400/1796308200/1796313600')
    expect(fillCatchupTemplate('/{Y}-{m}-{d}/{H}{M}{S}', w)).toBe('/2026-12-03/140000')
    // biome-ignore lint/suspicious/noTemplateCurlyInString: playlists write ${…} placeholders literally
    expect(fillCatchupTemplate('?b=${(b)yyyyMMddHHmmss}&e=${(e)yyyyMMddHHmmss}', w)).toBe('?b=20261203140000&e=20261203143000')
    expect(fillCatchupTemplate('?s={utc:yyyy-MM-dd HH:mm}', w)).toBe('?s=2026-12-03 14:00')
    expect(fillCatchupTemplate('{unknown}', w)).toBe('{unknown}')
  })

  test('each catch-up type', () => {
    const live = 'http://tv.example/ch/index.m3u8'
    expect(catchupUrl({ streamUrl: live, catchupType: 'append', catchupSource: '?utc={utc}&lutc={lutc}' }, w)).toBe(`${live}?utc=1796306400&lutc=1796313600`)
    expect(catchupUrl({ streamUrl: `${live}?token=t`, catchupType: 'shift', catchupSource: null }, w)).toBe(`${live}?token=t&utc=1796306400&lutc=1796313600`)
    expect(catchupUrl({ streamUrl: live, catchupType: 'default', catchupSource: 'http://archive.example/ch/{utc}.m3u8' }, w)).toBe('http://archive.example/ch/1796306400.m3u8')
    expect(catchupUrl({ streamUrl: 'http://fs.example/ch/mono.m3u8?token=t', catchupType: 'flussonic', catchupSource: null }, w)).toBe('http://fs.example/ch/index-1796306400-1800.m3u8?token=t')
    expect(catchupUrl({ streamUrl: 'http://panel.example:8080/live/u/p/42.m3u8', catchupType: 'xc', catchupSource: null }, w)).toBe(
      'http://panel.example:8080/timeshift/u/p/30/2026-12-03:14-00/42.m3u8',
    )
    expect(catchupUrl({ streamUrl: live, catchupType: 'append', catchupSource: null }, w)).toBeNull()
    expect(catchupUrl({ streamUrl: live, catchupType: 'vod', catchupSource: null }, w)).toBeNull()
  })
})
