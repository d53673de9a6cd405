/**
 * The loopback podcast and radio service of `npm start` as its own process (see audio-fixture.ts): prints one
 * JSON line `{"event":"ready","url":…}` and serves until stopped.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { startAudioFixture } from './audio-fixture.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const config = z
  .object({
    AUDIO_FIXTURE_PORT: z.coerce.number().int().min(0).max(65535).default(8792),
    BT_DATA_DIR: z.string().default(join(repoRoot, '.data')),
  })
  .parse(process.env)

const fixture = await startAudioFixture({ port: config.AUDIO_FIXTURE_PORT, workDir: join(config.BT_DATA_DIR, 'audio-fixture') })
process.stdout.write(`${JSON.stringify({ event: 'ready', url: fixture.url })}\n`)
const stop = () => void fixture.stop().finally(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
