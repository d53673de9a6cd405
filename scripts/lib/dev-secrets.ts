import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface DevSecrets {
  URL_SIGNING_KEY: string
}

/**
 * Secrets for local runs, made once per checkout and kept under the data directory (never
 * committed), so signed URLs and sessions survive a restart of `npm start`.
 */
export async function loadOrCreateDevSecrets(dataDir: string): Promise<DevSecrets> {
  const file = join(dataDir, 'dev-secrets.json')
  try {
    const secrets = JSON.parse(await readFile(file, 'utf8')) as Partial<DevSecrets>
    if (typeof secrets.URL_SIGNING_KEY === 'string' && secrets.URL_SIGNING_KEY.length >= 32) return { URL_SIGNING_KEY: secrets.URL_SIGNING_KEY }
  } catch {
    // absent or unreadable: make new ones below
  }
  const secrets: DevSecrets = { URL_SIGNING_KEY: randomBytes(36).toString('base64url') }
  await mkdir(dataDir, { recursive: true })
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  return secrets
}
