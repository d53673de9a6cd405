/**
 * The whole VOD playlist at once, from the probed duration: the player can seek anywhere, and
 * each segment is made when it is first asked for.
 */
export const SEGMENT_SECONDS = 4

export function segmentCount(durationS: number): number {
  return Math.max(1, Math.ceil(durationS / SEGMENT_SECONDS - 1e-6))
}

export function buildHlsPlaylist(durationS: number, segmentUrl: (n: number) => string): string {
  const count = segmentCount(durationS)
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${SEGMENT_SECONDS}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-INDEPENDENT-SEGMENTS']
  for (let n = 0; n < count; n++) {
    const length = n === count - 1 ? durationS - n * SEGMENT_SECONDS : SEGMENT_SECONDS
    lines.push(`#EXTINF:${length.toFixed(3)},`, segmentUrl(n))
  }
  lines.push('#EXT-X-ENDLIST', '')
  return lines.join('\n')
}
