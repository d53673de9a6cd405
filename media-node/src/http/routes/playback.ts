import type { Hono } from 'hono'
import { z } from 'zod'
import { signUrl } from '@bittorrented/common'
import type { TorrentEngine } from '../../adapters/torrent-engine.ts'
import { AppError } from '../../errors.ts'
import { ClientCapabilitiesSchema, decidePlayback } from '../../playback/playback-decision.ts'
import { ProbeCache } from '../../playback/probe-cache.ts'
import { parseInfoHash } from '../../streaming/torrent-id.ts'
import type { SignedEnv } from '../require-signature.ts'

const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [])

/**
 * `GET /v1/playback/:infoHash/:fileIndex?c=mp4,webm&v=h264,vp9&a=aac,opus` — what the file holds
 * (ffprobe, once per file) and how this player should get it: direct, remux or transcode.
 * The capability parameters are not signed: they only describe the asking browser.
 */
export function mountPlaybackRoutes(app: Hono<SignedEnv>, engine: TorrentEngine, opts: { selfUrl: string; signingKey: string }): void {
  const probes = new ProbeCache()
  app.get('/v1/playback/:infoHash/:fileIndex', async (c) => {
    const infoHash = parseInfoHash(c.req.param('infoHash'))
    const fileIndex = z.coerce.number().int().min(0).safeParse(c.req.param('fileIndex'))
    if (!fileIndex.success) throw new AppError('invalid_input', 'The file index is a whole number.')
    const resource = c.get('subject').resource
    if (resource !== `torrent:${infoHash}` && resource !== `torrent:${infoHash}/${fileIndex.data}`) throw new AppError('not_allowed', 'This URL was signed for something else.')
    const caps = ClientCapabilitiesSchema.safeParse({ containers: list(c.req.query('c')), videoCodecs: list(c.req.query('v')), audioCodecs: list(c.req.query('a')) })
    if (!caps.success) throw new AppError('invalid_input', 'Capabilities are comma-separated known container and codec names.')
    const file = await engine.file(infoHash, fileIndex.data)
    // ffprobe reads through the node's own stream route, with ranges: only what it needs is fetched.
    const media = await probes.get(`${infoHash}/${fileIndex.data}`, () =>
      signUrl({
        secret: opts.signingKey,
        method: 'GET',
        url: `${opts.selfUrl}/v1/stream/${infoHash}/${fileIndex.data}`,
        subject: { userId: 'media-node', resource: `torrent:${infoHash}/${fileIndex.data}` },
        ttlSeconds: 600,
      }),
    )
    return c.json({ file: { name: file.name, length: file.length, contentType: file.contentType }, media, decision: decidePlayback(media, caps.data) })
  })
}
