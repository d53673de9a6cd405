// The few declarations our adapters need from packages that ship no types.
declare module 'webtorrent' {
  const WebTorrent: new (opts?: Record<string, unknown>) => unknown
  export default WebTorrent
}

declare module 'magnet-uri' {
  export interface MagnetData {
    infoHash?: string
    name?: string | string[]
    xt?: string | string[]
    announce?: string[]
  }
  export function decode(uri: string): MagnetData
}

declare module 'parse-torrent' {
  export default function parseTorrent(torrentId: Uint8Array | string): Promise<{ infoHash: string; name: string }>
}

declare module 'ebml' {
  import { Transform } from 'node:stream'
  /** node-ebml's streaming decoder: emits ['start' | 'end' | 'tag', element info] chunks. */
  export class Decoder extends Transform {}
}
