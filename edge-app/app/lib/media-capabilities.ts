/** What this browser can play, from canPlayType: sent to the media node to choose direct, remux or transcode. */
export interface MediaCapabilities {
  containers: string[]
  videoCodecs: string[]
  audioCodecs: string[]
}

export function browserCapabilities(): MediaCapabilities {
  const video = document.createElement('video')
  const can = (type: string) => video.canPlayType(type) !== ''
  const pick = (probes: Record<string, string[]>) =>
    Object.entries(probes)
      .filter(([, types]) => types.some(can))
      .map(([name]) => name)
  return {
    containers: pick({ mp4: ['video/mp4'], webm: ['video/webm'], ogg: ['video/ogg', 'audio/ogg'], mp3: ['audio/mpeg'], flac: ['audio/flac'], wav: ['audio/wav'] }),
    videoCodecs: pick({
      h264: ['video/mp4; codecs="avc1.42E01E"'],
      hevc: ['video/mp4; codecs="hvc1.1.6.L93.B0"', 'video/mp4; codecs="hev1.1.6.L93.B0"'],
      vp8: ['video/webm; codecs="vp8"'],
      vp9: ['video/webm; codecs="vp9"', 'video/webm; codecs="vp09.00.10.08"'],
      av1: ['video/mp4; codecs="av01.0.05M.08"'],
    }),
    audioCodecs: pick({
      aac: ['audio/mp4; codecs="mp4a.40.2"'],
      mp3: ['audio/mpeg'],
      opus: ['audio/ogg; codecs="opus"', 'audio/webm; codecs="opus"'],
      vorbis: ['audio/ogg; codecs="vorbis"'],
      flac: ['audio/flac'],
    }),
  }
}

export function capabilitiesQuery(caps: MediaCapabilities): string {
  return new URLSearchParams({ c: caps.containers.join(','), v: caps.videoCodecs.join(','), a: caps.audioCodecs.join(',') }).toString()
}
