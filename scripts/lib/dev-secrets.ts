import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface DevSecrets {
  URL_SIGNING_KEY: string
  AUTH_JWT_SECRET: string
  /** The embedded database's password (SCRAM); every client of it must give it. */
  DB_PASSWORD: string
  /** The webhook secret shared with the loopback CoinPayPortal (when COINPAY_* are not set). */
  COINPAY_WEBHOOK_SECRET: string
}

const NAMES = ['URL_SIGNING_KEY', 'AUTH_JWT_SECRET', 'DB_PASSWORD', 'COINPAY_WEBHOOK_SECRET'] as const

/**
 * Secrets for local runs, made once per checkout and kept under the data directory (never
 * committed), so signed URLs and sessions survive a restart of `npm start`.
 */
export async function loadOrCreateDevSecrets(dataDir: string): Promise<DevSecrets> {
  const file = join(dataDir, 'dev-secrets.json')
  let stored: Partial<DevSecrets> = {}
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<DevSecrets>
  } catch {
    // absent or unreadable: make new ones below
  }
  const valid = (v: unknown): v is string => typeof v === 'string' && v.length >= 32
  if (NAMES.every((n) => valid(stored[n]))) return stored as DevSecrets
  const secrets = Object.fromEntries(NAMES.map((n) => [n, valid(stored[n]) ? stored[n] : randomBytes(36).toString('base64url')])) as unknown as DevSecrets
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  await chmod(file, 0o600)
  return secrets
}
