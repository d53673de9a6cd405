/**
 * One file of the catalog ready to play for the selected profile: the catalog rows (read under
 * the profile's RLS, so a title its profile may not see is simply not found) and the media-node
 * URLs signed for this profile — the file, its HLS rendition and the subtitle files beside it.
 */
import { isFileIndex, isInfoHash } from '@bittorrented/common'
import type { AppLoadContext } from '@remix-run/cloudflare'
import type { SubtitleTrack } from '../components/player/use-playback-decision.ts'
import { findTorrent, type CatalogFile, type CatalogTorrent } from './catalog.server.ts'
import { mediaNode } from './media-node.server.ts'
import type { ProfilePerson } from './person.ts'

export interface PlayableFile {
  torrent: CatalogTorrent
  file: CatalogFile
  src: string
  hlsSrc: string
  subtitleFiles: SubtitleTrack[]
}

/** Checks the route's info hash and file index; anything else is a 404. */
export function parseFileParams(params: { infoHash?: string; fileIndex?: string }): { infoHash: string; fileIndex: number } {
  const infoHash = (params.infoHash ?? '').toLowerCase()
  const fileIndex = Number(params.fileIndex)
  if (!isInfoHash(infoHash) || !isFileIndex(fileIndex)) throw new Response('Not found', { status: 404 })
  return { infoHash, fileIndex }
}

/** The file with its signed URLs, or null when the catalog has no such file for this profile. */
export async function loadPlayable(context: AppLoadContext, ctx: ProfilePerson, infoHash: string, fileIndex: number): Promise<PlayableFile | null> {
  const found = await findTorrent(context.db, ctx, infoHash)
  const file = found?.files.find((f) => f.index === fileIndex)
  if (!found || !file) return null
  // Subtitle files beside the video in the same torrent (the same folder), as WebVTT.
  const folder = file.path.slice(0, file.path.lastIndexOf('/') + 1)
  const sideFiles = found.files.filter((f) => f.mediaType === 'subtitle' && f.path.startsWith(folder) && !f.path.slice(folder.length).includes('/'))
  const node = mediaNode(context.config, ctx)
  const [src, hlsSrc, subtitleFiles] = await Promise.all([
    node.streamUrl(infoHash, fileIndex),
    node.hlsUrl(infoHash, fileIndex),
    Promise.all(
      sideFiles.map(async (f) => ({
        label: f.path.slice(folder.length),
        language: /\.([a-z]{2,3})\.(srt|ass|ssa|vtt)$/i.exec(f.path)?.[1]?.toLowerCase() ?? null,
        url: await node.subtitleUrl(infoHash, f.index, 'file'),
      })),
    ),
  ])
  return { torrent: found.torrent, file, src, hlsSrc, subtitleFiles }
}
