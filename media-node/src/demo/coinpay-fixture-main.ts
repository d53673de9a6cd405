/**
 * The loopback CoinPayPortal of `npm start` as its own process (see coinpay-fixture.ts): prints
 * one JSON line `{"event":"ready","url":…}` and serves until stopped. The webhook secret comes
 * in the environment (never argv).
 */
import { z } from 'zod'
import { startCoinpayFixture } from './coinpay-fixture.ts'

const config = z
  .object({
    COINPAY_FIXTURE_PORT: z.coerce.number().int().min(0).max(65535).default(8793),
    COINPAY_FIXTURE_WEBHOOK_URL: z.string().url(),
    COINPAY_WEBHOOK_SECRET: z.string().min(16),
    COINPAY_API_KEY: z
      .string()
      .regex(/^cp_(live|test)_/)
      .optional(),
  })
  .parse(process.env)
delete process.env.COINPAY_WEBHOOK_SECRET

const fixture = await startCoinpayFixture({
  port: config.COINPAY_FIXTURE_PORT,
  webhookUrl: config.COINPAY_FIXTURE_WEBHOOK_URL,
  webhookSecret: config.COINPAY_WEBHOOK_SECRET,
  apiKey: config.COINPAY_API_KEY,
})
process.stdout.write(`${JSON.stringify({ event: 'ready', url: fixture.url })}\n`)
const stop = () => void fixture.stop().finally(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
