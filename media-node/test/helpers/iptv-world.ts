/**
 * What an IPTV test stands on: a migrated database with one signed-up account, the loopback
 * IPTV service, the credentials key, and refresh settings that allow exactly that service.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { derivePurposeKey, openSecret } from '@bittorrented/common'
import { connect, createMigratedDatabase, type TestDatabase } from '@bittorrented/db/test-helpers'
import { startIptvFixture, type IptvFixture } from '../../src/demo/iptv-fixture.ts'
import type { RefreshDeps } from '../../src/iptv/provider-refresh.ts'

export interface IptvWorld {
  work: string
  db: TestDatabase
  client: pg.Client
  fixture: IptvFixture
  /** The iptv-credentials key credentials are sealed with. */
  key: string
  /** The account of the one user (`owner`). */
  account: string
  deps: RefreshDeps
  /** The test's one connection, as the refresher takes connections. */
  withClient: <T>(fn: (c: pg.ClientBase) => Promise<T>) => Promise<T>
  close(): Promise<void>
}

export async function openIptvWorld(opts: { owner: string; email: string }): Promise<IptvWorld> {
  const work = await mkdtemp(join(tmpdir(), 'bt-iptv-'))
  const db = await createMigratedDatabase()
  const client = await connect(db.url)
  const fixture = await startIptvFixture({ port: 0, workDir: join(work, 'streams') })
  const key = await derivePurposeKey('r'.repeat(40), 'iptv-credentials')
  await client.query(`insert into auth.users (id, aud, role, email) values ($1, 'authenticated', 'authenticated', $2)`, [opts.owner, opts.email])
  const account = (await client.query<{ id: string }>('select id from public.accounts where owner_id = $1', [opts.owner])).rows[0]!.id
  return {
    work,
    db,
    client,
    fixture,
    key,
    account,
    deps: {
      limits: { playlistMaxBytes: 8 << 20, guideMaxBytes: 64 << 20, timeoutMs: 10_000, allow: new Set([new URL(fixture.url).host]) },
      openCredentials: async (keyId, ciphertext) => JSON.parse(await openSecret([key], { keyId, ciphertext })),
    },
    withClient: (fn) => fn(client),
    async close() {
      await fixture.stop()
      await client.end()
      await db.drop()
      await rm(work, { recursive: true, force: true, maxRetries: 5 })
    },
  }
}
