/**
 * The whole VOD playlist at once: the player can seek anywhere, and each segment is made when it
 * is first asked for. Segment boundaries are a fixed grid when FFmpeg encodes (it puts a keyframe
 * on each boundary), and the source's own keyframes when the video is copied (`-c copy` can only
 * cut there).
 */
export const SEGMENT_SECONDS = 4

/** Segment start times on the fixed grid: 0, 4, 8, … */
export function gridStarts(durationS: number): number[] {
  const count = Math.max(1, Math.ceil(durationS / SEGMENT_SECONDS - 1e-6))
  return Array.from({ length: count }, (_, n) => n * SEGMENT_SECONDS)
}

/**
 * Segment start times at the source's keyframes: a new segment at the first keyframe at least
 * `target` seconds after the current one began (a long GOP makes a long segment). The first
 * segment starts at 0, whatever the first keyframe's timestamp; a keyframe in the last tenth of
 * a second makes no segment of its own.
 */
export function keyframeStarts(keyframesS: number[], durationS: number, target = SEGMENT_SECONDS): number[] {
  const starts = [0]
  for (const k of keyframesS) if (k - starts[starts.length - 1]! >= target - 1e-6 && k < durationS - 0.1) starts.push(k)
  return starts
}

export function buildHlsPlaylist(starts: number[], durationS: number, segmentUrl: (n: number) => string): string {
  const lengths = starts.map((s, n) => (starts[n + 1] ?? durationS) - s)
  // EXTINF rounded to the nearest second may not exceed the target duration (RFC 8216 4.3.3.1).
  const target = Math.max(1, ...lengths.map((l) => Math.round(l)))
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${target}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-INDEPENDENT-SEGMENTS']
  lengths.forEach((length, n) => lines.push(`#EXTINF:${length.toFixed(3)},`, segmentUrl(n)))
  lines.push('#EXT-X-ENDLIST', '')
  return lines.join('\n')
}
