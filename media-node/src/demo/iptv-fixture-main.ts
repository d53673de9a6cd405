/**
 * The loopback IPTV service of `npm start` as its own process (see iptv-fixture.ts): prints one
 * JSON line `{"event":"ready","url":…}` and serves until stopped.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { startIptvFixture } from './iptv-fixture.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const config = z
  .object({
    IPTV_FIXTURE_PORT: z.coerce.number().int().min(0).max(65535).default(8791),
    BT_DATA_DIR: z.string().default(join(repoRoot, '.data')),
  })
  .parse(process.env)

const fixture = await startIptvFixture({ port: config.IPTV_FIXTURE_PORT, workDir: join(config.BT_DATA_DIR, 'iptv-fixture') })
process.stdout.write(`${JSON.stringify({ event: 'ready', url: fixture.url })}\n`)
const stop = () => void fixture.stop().finally(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
