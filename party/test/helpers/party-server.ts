/** Starts the real PartyKit dev server (workerd) on a free loopback port, for tests and bench:party. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newPartyRoomId, signPartyConnection, type PartyMedia } from '@bittorrented/common'
import { partyDevSpec } from '@bittorrented/scripts/dev-servers'
import { freePort } from '@bittorrented/scripts/free-port'
import { spawnLogged, type LoggedProcess } from '@bittorrented/scripts/spawn-logged'

export const TEST_SIGNING_KEY = 'party-test-signing-key-0123456789abcdef'

export interface PartyServer {
  url: string
  process: LoggedProcess
  /** A signed connection URL for a made-up member of `room`. */
  memberUrl(room: string, member: { id: string; name?: string }, opts?: { media?: PartyMedia; ttlSeconds?: number; now?: number }): Promise<string>
  stop(): Promise<void>
}

export const DEMO_MEDIA: PartyMedia = { infoHash: 'c0ffee'.padEnd(40, '0'), fileIndex: 0 }

export async function startPartyServer(vars: Record<string, string> = {}): Promise<PartyServer> {
  const port = await freePort()
  const persistDir = await mkdtemp(join(tmpdir(), 'bt-party-'))
  const spec = await partyDevSpec({
    port,
    persistDir: join(persistDir, 'rooms'),
    runDir: join(persistDir, 'run'),
    vars: { PARTY_SIGNING_KEY: TEST_SIGNING_KEY, ...vars },
    env: { ...process.env, NO_COLOR: '1' },
  })
  const process_ = spawnLogged([...spec.args], { cwd: spec.cwd, env: spec.env })
  await process_.waitFor(/Ready on/, 90_000)
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    process: process_,
    memberUrl: (room, member, opts = {}) =>
      signPartyConnection(
        TEST_SIGNING_KEY,
        url,
        room,
        opts.media ?? DEMO_MEDIA,
        { userId: `user-${member.id}`, profileId: member.id, name: member.name ?? member.id, avatar: 'avatar-1' },
        opts.ttlSeconds ?? 600,
        opts.now,
      ),
    async stop() {
      process_.child.kill('SIGTERM')
      await process_.exited
      await rm(persistDir, { recursive: true, force: true })
    },
  }
}

export { newPartyRoomId }
