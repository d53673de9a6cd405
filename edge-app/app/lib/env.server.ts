import { z } from 'zod'
import { derivePurposeKey } from '@bittorrented/common'

/** Worker bindings as wrangler passes them (wrangler.toml, --var, secrets). */
export interface EdgeEnv {
  HYPERDRIVE: Hyperdrive
  ASSETS: Fetcher
  MEDIA_NODE_URL: string
  PARTY_URL: string
  URL_SIGNING_KEY: string
  /** HS256 secret of session JWTs: Supabase's JWT secret when its Auth issues them. */
  AUTH_JWT_SECRET: string
  /** 'true' only when deployed on Cloudflare, which sets CF-Connecting-IP itself (a client cannot). */
  TRUST_CF_CONNECTING_IP?: string
  /** CoinPayPortal (billing): base URL (…/api), the business's cp_live_/cp_test_ key, the webhook secret. Unset: no checkout. */
  COINPAY_API_URL?: string
  COINPAY_API_KEY?: string
  COINPAY_WEBHOOK_SECRET?: string
  /** The demo wallet page of `npm start`'s loopback CoinPayPortal (a link on the checkout page); never in production. */
  COINPAY_DEMO_WALLET_URL?: string
}

/** Billing settings, when CoinPayPortal is configured. */
export interface BillingConfig {
  apiUrl: string
  apiKey: string
  webhookSecret: string
  demoWalletUrl: string | null
}

const secret = (name: string) => z.string().min(32, `${name} must be at least 32 characters`)

const ConfigSchema = z.object({
  databaseUrl: z.string().min(1),
  mediaNodeUrl: z.string().url(),
  partyUrl: z.string().url(),
  signingKey: secret('URL_SIGNING_KEY'),
  jwtSecret: secret('AUTH_JWT_SECRET'),
  trustCfConnectingIp: z.boolean(),
  billing: z
    .object({
      apiUrl: z.string().url('COINPAY_API_URL must be a URL'),
      apiKey: z.string().regex(/^cp_(live|test)_[A-Za-z0-9]{8,}$/, 'COINPAY_API_KEY must be a cp_live_… or cp_test_… key'),
      webhookSecret: z.string().min(16, 'COINPAY_WEBHOOK_SECRET is too short'),
      demoWalletUrl: z.string().url().nullable(),
    })
    .nullable(),
})
type ParsedConfig = z.infer<typeof ConfigSchema>

/**
 * The edge app's settings, with one key per purpose derived from the two roots (see
 * common/src/signing-keys.ts): the roots themselves are not kept.
 */
export interface EdgeConfig extends Omit<ParsedConfig, 'signingKey'> {
  keys: {
    /** Media-node URLs (the media node holds this key). */
    mediaUrl: string
    /** Watch-party invite links (only the edge app verifies them). */
    partyInvite: string
    /** Party-room connection URLs (the party server holds this key). */
    partyConnection: string
    /** Seals IPTV credentials at rest (the media node opens them with the same key). */
    iptvCredentials: string
    /** The selected-profile cookies. */
    profileCookie: string
  }
}

const parsed = new WeakMap<object, Promise<EdgeConfig>>()

/** Parses the bindings once per isolate; a missing or bad binding fails loudly, naming it. */
export function getConfig(env: EdgeEnv): Promise<EdgeConfig> {
  let config = parsed.get(env)
  if (!config) {
    const result = ConfigSchema.safeParse({
      databaseUrl: env.HYPERDRIVE?.connectionString,
      mediaNodeUrl: env.MEDIA_NODE_URL,
      partyUrl: env.PARTY_URL,
      signingKey: env.URL_SIGNING_KEY,
      jwtSecret: env.AUTH_JWT_SECRET,
      trustCfConnectingIp: env.TRUST_CF_CONNECTING_IP === 'true',
      billing:
        env.COINPAY_API_URL || env.COINPAY_API_KEY || env.COINPAY_WEBHOOK_SECRET
          ? { apiUrl: env.COINPAY_API_URL, apiKey: env.COINPAY_API_KEY, webhookSecret: env.COINPAY_WEBHOOK_SECRET, demoWalletUrl: env.COINPAY_DEMO_WALLET_URL || null }
          : null,
    })
    if (!result.success) {
      throw new Error(`edge app configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
    }
    const { signingKey, ...rest } = result.data
    config = Promise.all([
      derivePurposeKey(signingKey, 'media-url'),
      derivePurposeKey(signingKey, 'party-invite'),
      derivePurposeKey(signingKey, 'party-connection'),
      derivePurposeKey(rest.jwtSecret, 'profile-cookie'),
      derivePurposeKey(signingKey, 'iptv-credentials'),
    ]).then(([mediaUrl, partyInvite, partyConnection, profileCookie, iptvCredentials]) => ({ ...rest, keys: { mediaUrl, partyInvite, partyConnection, profileCookie, iptvCredentials } }))
    parsed.set(env, config)
  }
  return config
}
