import { describe, expect, test } from 'vitest'
import { chaptersOf, FIXTURE_FEEDS, transcriptOf } from '../demo/audio-fixture.ts'
import { parseChapters, parseTranscript, pickTranscript } from './chapters-and-transcripts.ts'

const episode = FIXTURE_FEEDS[0]!.episodes[0]!

describe('chapters', () => {
  test('JSON chapters in order, toc:false and malformed ones left out, only web links kept', () => {
    expect(
      parseChapters({
        version: '1.2.0',
        chapters: [
          { startTime: 30, title: 'Second', url: 'https://example.com/' },
          { startTime: 0, title: 'First', img: 'javascript:alert(1)' },
          { startTime: 'x', title: 'Broken' },
          { startTime: 45, title: 'Hidden', toc: false },
          { startTime: 60 },
        ],
      }),
    ).toEqual([
      { start: 0, title: 'First' },
      { start: 30, title: 'Second', url: 'https://example.com/' },
      { start: 60, title: 'Chapter 3' },
    ])
    expect(parseChapters({ nope: true })).toEqual([])
    expect(parseChapters(chaptersOf(episode, 'https://x.example')).map((c) => c.title)).toEqual(['Cold open', 'The news', 'The long read', 'Goodbye'])
  })
})

describe('transcripts', () => {
  test('WebVTT, SRT and JSON give the same cues with speakers', () => {
    const expected = { start: 5, end: 10, speaker: 'Guest', text: 'Today we listen to the sound of a single frequency.' }
    for (const kind of ['vtt', 'srt', 'json'] as const) {
      const t = transcriptOf({ ...episode, transcript: kind })
      expect(parseTranscript(t.body, t.type)[1], kind).toEqual(expected)
    }
  })

  test('HTML transcripts, plain text, and garbage', () => {
    const html = '<cite>Host:</cite><time>0:00</time><p>Hello &amp; welcome.</p><cite>Guest:</cite><time>0:07</time><p>Thanks.</p>'
    expect(parseTranscript(html, 'text/html')).toEqual([
      { start: 0, end: 7, speaker: 'Host', text: 'Hello & welcome.' },
      { start: 7, end: null, speaker: 'Guest', text: 'Thanks.' },
    ])
    expect(parseTranscript('Just words.', 'text/plain')).toEqual([{ start: 0, end: null, text: 'Just words.' }])
    expect(parseTranscript('{not json', 'application/json')).toEqual([])
    expect(parseTranscript('WEBVTT\n\nnot a cue\n\n00:00:01.000 --> 00:00:02.000\n<b>bold</b> <script>x</script>line\n', 'text/vtt')).toEqual([{ start: 1, end: 2, text: 'bold xline' }])
  })

  test('the timed transcript is preferred, in the person’s language', () => {
    const list = [
      { url: 'a', type: 'text/plain' },
      { url: 'b', type: 'text/html' },
      { url: 'c', type: 'text/vtt', language: 'es' },
      { url: 'd', type: 'application/x-subrip', language: 'en' },
    ]
    expect(pickTranscript(list)?.url).toBe('d')
    expect(pickTranscript(list, 'es')?.url).toBe('c')
    expect(pickTranscript([])).toBeNull()
  })
})
