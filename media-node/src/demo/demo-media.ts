/**
 * Media for the local demo swarm, generated with ffmpeg the first time and kept under the data
 * directory: a film in H.264/AAC MP4 (plays everywhere), the same test card in HEVC MKV with
 * subtitles (needs transcoding), an MP3 album with tags, a FLAC track, an EPUB book, a PDF and a CBZ comic.
 */
import { existsSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runFfmpeg, type FfmpegJob } from '../adapters/ffmpeg.ts'
import { makeDemoComic, makeDemoEpub, makeDemoPdf } from './demo-book.ts'

export interface DemoFolder {
  /** The torrent's name: the folder seeded. */
  name: string
  dir: string
  /** Its age rating, as a metadata source would give it. */
  rating: string
}

const SUBTITLES = [
  '1\n00:00:01,000 --> 00:00:04,000\nWelcome to BitTorrented.\n',
  '2\n00:00:05,000 --> 00:00:09,000\nThis test card streams from a local swarm.\n',
  '3\n00:00:10,000 --> 00:00:15,000\nNothing here left this machine.\n',
].join('\n')

const tone = (freq: number, seconds: number) => ({ source: `sine=frequency=${freq}:sample_rate=44100:duration=${seconds}`, format: 'lavfi' })
const card = (seconds: number) => ({ source: `testsrc2=size=640x360:rate=25:duration=${seconds}`, format: 'lavfi' })

interface Planned {
  name: string
  rating: string
  files: Array<{ file: string; job?: (out: string, dir: string) => FfmpegJob; text?: string; bytes?: () => Promise<Uint8Array> }>
}

const PLAN: Planned[] = [
  {
    name: 'BitTorrented Test Card (2026) [360p H264 AAC]',
    rating: 'G',
    files: [
      {
        // Two audio tracks (English, French): the player's audio menu switches between them.
        file: 'BitTorrented.Test.Card.2026.360p.WEB.H264.AAC.2Audio.mp4',
        job: (output) => ({
          inputs: [card(60), tone(440, 60), tone(550, 60)],
          output,
          options: [
            '-map',
            '0:v',
            '-map',
            '1:a',
            '-map',
            '2:a',
            '-c:v',
            'libx264',
            '-preset',
            'veryfast',
            '-crf',
            '30',
            '-pix_fmt',
            'yuv420p',
            '-g',
            '50',
            '-c:a',
            'aac',
            '-b:a',
            '96k',
            '-metadata:s:a:0',
            'language=eng',
            '-metadata:s:a:1',
            'language=fra',
            '-movflags',
            '+faststart',
            '-shortest',
          ],
        }),
      },
    ],
  },
  {
    name: 'BitTorrented Test Card HEVC (2026) [360p x265]',
    rating: 'G',
    files: [
      { file: 'BitTorrented.Test.Card.HEVC.2026.en.srt', text: SUBTITLES },
      {
        file: 'BitTorrented.Test.Card.HEVC.2026.360p.x265.mkv',
        job: (output, dir) => ({
          inputs: [card(20), tone(660, 20), { source: join(dir, 'BitTorrented.Test.Card.HEVC.2026.en.srt') }],
          output,
          options: [
            '-map',
            '0:v',
            '-map',
            '1:a',
            '-map',
            '2:s',
            '-c:v',
            'libx265',
            '-preset',
            'ultrafast',
            '-x265-params',
            'log-level=error',
            '-crf',
            '32',
            '-c:a',
            'aac',
            '-b:a',
            '96k',
            '-c:s',
            'srt',
            '-metadata:s:s:0',
            'language=eng',
          ],
        }),
      },
    ],
  },
  {
    // H.264 with AC-3 in Matroska: browsers play neither the container nor the audio, so the node
    // re-packs it (the video copied at its keyframes, only the audio converted).
    name: 'BitTorrented Test Card Surround (2026) [360p H264 AC3]',
    rating: 'G',
    files: [
      {
        file: 'BitTorrented.Test.Card.Surround.2026.360p.H264.AC3.mkv',
        job: (output) => ({
          inputs: [card(30), tone(330, 30)],
          output,
          options: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '30', '-pix_fmt', 'yuv420p', '-g', '75', '-c:a', 'ac3', '-b:a', '192k', '-shortest'],
        }),
      },
    ],
  },
  {
    name: 'Test Tones - Sine Waves (2026) [MP3 128]',
    rating: 'G',
    files: [
      [1, 'A440', 440],
      [2, 'E660', 660],
      [3, 'A880', 880],
    ].map(([track, title, freq]) => ({
      file: `0${track} - ${title}.mp3`,
      job: (output: string) => ({
        inputs: [tone(freq as number, 20)],
        output,
        options: [
          '-c:a',
          'libmp3lame',
          '-b:a',
          '128k',
          '-id3v2_version',
          '3',
          '-metadata',
          `title=${title}`,
          '-metadata',
          'artist=Test Tones',
          '-metadata',
          'album=Sine Waves',
          '-metadata',
          `track=${track}/3`,
          '-metadata',
          'date=2026',
          '-metadata',
          'genre=Electronic',
        ],
      }),
    })),
  },
  {
    name: 'Test Tones - Pink Noise (2026) [FLAC]',
    rating: 'G',
    files: [
      {
        file: '01 - Pink Noise.flac',
        job: (output) => ({
          inputs: [{ source: 'anoisesrc=color=pink:sample_rate=44100:duration=20:amplitude=0.3', format: 'lavfi' }],
          output,
          options: ['-c:a', 'flac', '-metadata', 'title=Pink Noise', '-metadata', 'artist=Test Tones', '-metadata', 'album=Pink Noise', '-metadata', 'track=1/1'],
        }),
      },
    ],
  },
  {
    name: 'A Short Guide to Swarms (2026) [EPUB]',
    rating: 'G',
    files: [{ file: 'A Short Guide to Swarms.epub', bytes: makeDemoEpub }],
  },
  {
    name: 'The Family Handbook of Swarms (2026) [PDF]',
    rating: 'G',
    files: [{ file: 'The Family Handbook of Swarms.pdf', bytes: makeDemoPdf }],
  },
  {
    name: 'Swarm Comics 001 (2026) [CBZ]',
    rating: 'PG',
    files: [{ file: 'Swarm Comics 001.cbz', bytes: makeDemoComic }],
  },
]

/** Makes what is missing (atomically: a half-written file never looks finished) and lists the folders. */
export async function ensureDemoMedia(root: string, onProgress: (line: string) => void = () => {}): Promise<DemoFolder[]> {
  const folders: DemoFolder[] = []
  for (const planned of PLAN) {
    const dir = join(root, planned.name)
    await mkdir(dir, { recursive: true })
    for (const f of planned.files) {
      const target = join(dir, f.file)
      if (existsSync(target)) continue
      onProgress(`making ${planned.name}/${f.file}`)
      if (f.text !== undefined || f.bytes) {
        await writeFile(`${target}.partial`, f.bytes ? await f.bytes() : f.text!)
        await rename(`${target}.partial`, target)
        continue
      }
      const partial = join(root, `.partial-${f.file.replace(/[^\w.-]/g, '_')}${f.file.slice(f.file.lastIndexOf('.'))}`)
      await rm(partial, { force: true })
      await runFfmpeg(f.job!(partial, dir))
      await rename(partial, target)
    }
    folders.push({ name: planned.name, dir, rating: planned.rating })
  }
  return folders
}
