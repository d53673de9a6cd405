/**
 * The keyframe times of a Matroska/WebM file, from its Cues (the seek index muxers write at the
 * end or the start of the file), read with two or three small range requests — never the whole
 * file, which for a torrent would mean fetching all of it. A remux (`-c copy`) can only cut at
 * keyframes, so these times are the remux playlist's segment boundaries.
 *
 * EBML is decoded by the `ebml` package (node-ebml); this module only walks the elements it
 * needs: EBML header → Segment → SeekHead (where the Cues are) → Info (time scale) → Tracks (the
 * video track's number) → Cues (CuePoint: CueTime + CueTrack).
 */
import { Decoder } from 'ebml'

/** Reads bytes [start, end) of the file. */
export type RangeReader = (start: number, end: number) => Promise<Uint8Array>

interface EbmlChunkInfo {
  name: string
  start: number
  end: number
  dataSize: number
  value?: number | string
  data?: Uint8Array
}

const CUES_ID = '1c53bb6b'
const HEAD_BYTES = 256 * 1024
/** Cues past this size are not read (a 3-hour film with a keyframe a second needs ~150 KB). */
const MAX_CUES_BYTES = 16 * 1024 * 1024

/** Decodes `bytes`; false when they are not well-formed EBML (the decoder throws on garbage). */
function decode(bytes: Uint8Array, onChunk: (kind: 'start' | 'end' | 'tag', info: EbmlChunkInfo) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const decoder = new Decoder()
    decoder.on('data', ([kind, info]: ['start' | 'end' | 'tag', EbmlChunkInfo]) => onChunk(kind, info))
    decoder.on('error', () => resolve(false))
    decoder.on('end', () => resolve(true))
    try {
      decoder.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    } catch {
      resolve(false)
    }
  })
}

const hex = (data: Uint8Array | undefined) => (data ? Buffer.from(data).toString('hex') : '')

/** The payload bytes of a binary element (node-ebml's `data` holds only the payload for leaves). */
function payloadHex(info: EbmlChunkInfo): string {
  const h = hex(info.data)
  return h.length > info.dataSize * 2 ? h.slice(-info.dataSize * 2) : h
}

export interface MatroskaHead {
  /** Byte offset of the Segment's payload: SeekHead positions are relative to it. */
  segmentDataStart: number
  cuesPosition: number | null
  timecodeScaleNs: number
  videoTrack: number | null
}

export async function readMatroskaHead(head: Uint8Array): Promise<MatroskaHead | null> {
  let docType: string | null = null
  let segmentStart = -1
  let segmentDataStart = -1
  let seekId = ''
  let cuesPosition: number | null = null
  let seekPosition: number | null = null
  let timecodeScaleNs = 1_000_000
  let videoTrack: number | null = null
  let trackNumber: number | null = null
  let trackType: number | null = null
  const wellFormed = await decode(head, (kind, info) => {
    if (segmentStart >= 0 && segmentDataStart < 0 && info.start > segmentStart) segmentDataStart = info.start
    if (kind === 'tag' && info.name === 'DocType') docType = String(info.value)
    else if (kind === 'start' && info.name === 'Segment' && segmentStart < 0) segmentStart = info.start
    else if (kind === 'start' && info.name === 'Seek') {
      seekId = ''
      seekPosition = null
    } else if (kind === 'tag' && info.name === 'SeekID') seekId = payloadHex(info)
    else if (kind === 'tag' && info.name === 'SeekPosition') seekPosition = Number(info.value)
    else if (kind === 'end' && info.name === 'Seek' && seekId === CUES_ID && seekPosition !== null && cuesPosition === null) cuesPosition = seekPosition
    else if (kind === 'tag' && info.name === 'TimecodeScale') timecodeScaleNs = Number(info.value)
    else if (kind === 'start' && info.name === 'TrackEntry') {
      trackNumber = null
      trackType = null
    } else if (kind === 'tag' && info.name === 'TrackNumber') trackNumber = Number(info.value)
    else if (kind === 'tag' && info.name === 'TrackType') trackType = Number(info.value)
    else if (kind === 'end' && info.name === 'TrackEntry' && trackType === 1 && videoTrack === null) videoTrack = trackNumber
  })
  // The head ends mid-cluster, so only the elements before that count; garbage before them does not.
  if (!wellFormed && segmentDataStart < 0) return null
  if ((docType !== 'matroska' && docType !== 'webm') || segmentDataStart < 0) return null
  if (!Number.isFinite(timecodeScaleNs) || timecodeScaleNs <= 0) return null
  return { segmentDataStart, cuesPosition, timecodeScaleNs, videoTrack }
}

/** Reads the size of the element starting at `bytes[0]` (an EBML ID, then a size vint). */
function elementHeader(bytes: Uint8Array): { idHex: string; headerSize: number; dataSize: number } | null {
  const vintLength = (first: number) => {
    for (let n = 1; n <= 8; n++) if (first & (0x80 >> (n - 1))) return n
    return 0
  }
  const idLength = vintLength(bytes[0] ?? 0)
  if (idLength === 0 || idLength > 4) return null
  const sizeLength = vintLength(bytes[idLength] ?? 0)
  if (sizeLength === 0 || idLength + sizeLength > bytes.length) return null
  let size = (bytes[idLength]! & (0xff >> sizeLength)) as number
  for (let i = 1; i < sizeLength; i++) size = size * 256 + bytes[idLength + i]!
  return { idHex: hex(bytes.subarray(0, idLength)), headerSize: idLength + sizeLength, dataSize: size }
}

/**
 * Keyframe times in seconds (ascending, starting at the first keyframe), or null when the file
 * is not Matroska, has no Cues or no video track, or its Cues do not add up.
 */
export async function readMatroskaKeyframes(read: RangeReader, fileLength: number): Promise<number[] | null> {
  const head = await readMatroskaHead(await read(0, Math.min(fileLength, HEAD_BYTES)))
  if (!head || head.cuesPosition === null || head.videoTrack === null) return null
  const cuesAt = head.segmentDataStart + head.cuesPosition
  if (cuesAt >= fileLength) return null
  const first = await read(cuesAt, Math.min(fileLength, cuesAt + 16))
  const header = elementHeader(first)
  if (!header || header.idHex !== CUES_ID || header.dataSize > MAX_CUES_BYTES) return null
  const cuesEnd = Math.min(fileLength, cuesAt + header.headerSize + header.dataSize)
  const cues = await read(cuesAt, cuesEnd)
  const times: number[] = []
  let time: number | null = null
  let forVideo = false
  const cuesWellFormed = await decode(cues, (kind, info) => {
    if (kind === 'start' && info.name === 'CuePoint') {
      time = null
      forVideo = false
    } else if (kind === 'tag' && info.name === 'CueTime') time = Number(info.value)
    else if (kind === 'tag' && info.name === 'CueTrack' && Number(info.value) === head.videoTrack) forVideo = true
    else if (kind === 'end' && info.name === 'CuePoint' && forVideo && time !== null && Number.isFinite(time)) times.push((time * head.timecodeScaleNs) / 1e9)
  })
  if (!cuesWellFormed || times.length === 0) return null
  const sorted = [...new Set(times)].sort((a, b) => a - b)
  return sorted
}
