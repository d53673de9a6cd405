/**
 * An episode's chapters (Podcasting 2.0 JSON chapters) and transcript (SRT, WebVTT, the JSON
 * transcript format, or HTML with `<cite>`/`<time>`/`<p>`) into one shape the player follows:
 * chapters as `{start, title, url?, img?}` and cues as `{start, end, speaker?, text}`, both in
 * seconds, in order. Anything malformed is left out, never fatal; a transcript of another kind
 * (plain text) becomes one cue without times.
 */
import { z } from 'zod'

export interface Chapter {
  start: number
  title: string
  url?: string
  img?: string
}
export interface Cue {
  start: number
  end: number | null
  speaker?: string
  text: string
}

const MAX_CHAPTERS = 500
const MAX_CUES = 20_000

const ChaptersSchema = z.object({
  chapters: z.array(z.unknown()).max(10_000),
})
const ChapterSchema = z.object({
  startTime: z.coerce.number().finite().min(0),
  title: z.string().trim().min(1).max(300).optional(),
  url: z.string().url().max(2048).optional(),
  img: z.string().url().max(2048).optional(),
  toc: z.boolean().optional(),
})

export function parseChapters(body: unknown): Chapter[] {
  const outer = ChaptersSchema.safeParse(body)
  if (!outer.success) return []
  const out: Chapter[] = []
  for (const raw of outer.data.chapters) {
    const c = ChapterSchema.safeParse(raw)
    // toc: false marks a chapter that is not meant for the table of contents.
    if (!c.success || c.data.toc === false) continue
    const web = (u?: string) => (u && /^https?:/i.test(u) ? u : undefined)
    out.push({ start: c.data.startTime, title: c.data.title ?? `Chapter ${out.length + 1}`, ...(web(c.data.url) ? { url: c.data.url } : {}), ...(web(c.data.img) ? { img: c.data.img } : {}) })
    if (out.length >= MAX_CHAPTERS) break
  }
  return out.sort((a, b) => a.start - b.start)
}

/** `00:01:02,500`, `01:02.5`, `62.5` → seconds. */
function timeOf(s: string): number | null {
  const t = s.trim().replace(',', '.')
  if (!/^(\d+:){0,2}\d+(\.\d+)?$/.test(t)) return null
  return t.split(':').reduce((acc, p) => acc * 60 + Number(p), 0)
}

const stripTags = (s: string) =>
  s
    .replace(/<[^>]*>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .trim()

/** SRT and WebVTT: blocks of a timing line then text; a WebVTT `<v Speaker>` or an SRT `Speaker:` prefix names who speaks. */
function fromTimedText(text: string): Cue[] {
  const cues: Cue[] = []
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
    const lines = block.split('\n')
    const at = lines.findIndex((l) => l.includes('-->'))
    if (at < 0) continue
    const [a, b] = lines[at]!.split('-->')
    const start = timeOf(a ?? '')
    const end = timeOf((b ?? '').trim().split(/\s+/)[0] ?? '')
    if (start === null) continue
    let body = lines.slice(at + 1).join('\n')
    let speaker: string | undefined
    const voice = /^<v(?:\.[^\s>]*)?\s+([^>]+)>/.exec(body)
    if (voice) speaker = voice[1]!.trim()
    body = stripTags(body)
    const named = !speaker && /^([A-Z][\w .'-]{0,40}):\s+(.*)$/s.exec(body)
    if (named) {
      speaker = named[1]
      body = named[2]!
    }
    if (!body) continue
    cues.push({ start, end, ...(speaker ? { speaker: speaker.slice(0, 100) } : {}), text: body.slice(0, 2000) })
    if (cues.length >= MAX_CUES) break
  }
  return cues
}

const JsonTranscriptSchema = z.object({
  segments: z
    .array(z.object({ speaker: z.string().max(100).optional(), startTime: z.coerce.number().finite().min(0), endTime: z.coerce.number().finite().min(0).optional(), body: z.string() }).passthrough())
    .max(200_000),
})

/** The JSON format splits a sentence into word segments; consecutive ones of one speaker are joined into a cue of up to ~15 s. */
function fromJson(body: unknown): Cue[] {
  const parsed = JsonTranscriptSchema.safeParse(body)
  if (!parsed.success) return []
  const cues: Cue[] = []
  for (const s of parsed.data.segments) {
    const text = s.body.trim()
    if (!text) continue
    const last = cues.at(-1)
    if (last && last.speaker === s.speaker && s.startTime - last.start < 15 && !/[.!?]$/.test(last.text)) {
      last.text = `${last.text} ${text}`.slice(0, 2000)
      last.end = s.endTime ?? last.end
      continue
    }
    cues.push({ start: s.startTime, end: s.endTime ?? null, ...(s.speaker ? { speaker: s.speaker } : {}), text: text.slice(0, 2000) })
    if (cues.length >= MAX_CUES) break
  }
  return cues
}

/** HTML transcripts: `<cite>Speaker:</cite> <time>00:00</time> <p>Text</p>` repeated. */
function fromHtml(html: string): Cue[] {
  const cues: Cue[] = []
  const re = /(?:<cite>([\s\S]*?)<\/cite>\s*)?<time>([\s\S]*?)<\/time>\s*<p>([\s\S]*?)<\/p>/gi
  for (let m = re.exec(html); m && cues.length < MAX_CUES; m = re.exec(html)) {
    const start = timeOf(stripTags(m[2]!))
    const text = stripTags(m[3]!)
    if (start === null || !text) continue
    const speaker = m[1] ? stripTags(m[1]).replace(/:$/, '') : undefined
    cues.push({ start, end: null, ...(speaker ? { speaker } : {}), text: text.slice(0, 2000) })
  }
  for (let i = 0; i < cues.length - 1; i++) cues[i]!.end = cues[i + 1]!.start
  return cues
}

/** A transcript of `type` (its MIME type, as the feed says) into cues. */
export function parseTranscript(text: string, type: string): Cue[] {
  const t = type.toLowerCase()
  if (t.includes('json')) {
    try {
      return fromJson(JSON.parse(text))
    } catch {
      return []
    }
  }
  if (t.includes('html')) return fromHtml(text)
  if (t.includes('vtt') || t.includes('srt') || t.includes('subrip') || text.includes('-->')) return fromTimedText(text)
  const plain = text.trim()
  return plain ? [{ start: 0, end: null, text: plain.slice(0, 20_000) }] : []
}

/** Which of a feed's transcripts to show: captions-style timed ones first, in the person's language when there is a choice. */
export function pickTranscript<T extends { type: string; language?: string }>(list: T[], language = 'en'): T | null {
  const rank = (t: T) => {
    const type = t.type.toLowerCase()
    const timed = type.includes('vtt') || type.includes('srt') || type.includes('subrip') || type.includes('json') ? 0 : type.includes('html') ? 1 : 2
    return timed * 2 + (t.language && !t.language.toLowerCase().startsWith(language) ? 1 : 0)
  }
  return [...list].sort((a, b) => rank(a) - rank(b))[0] ?? null
}
