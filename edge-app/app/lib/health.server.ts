import { probeDatabase, type HealthReport } from '@bittorrented/common'
import { databaseFor } from './db.server.ts'
import type { EdgeConfig } from './env.server.ts'

export async function checkHealth(config: EdgeConfig): Promise<HealthReport> {
  const database = await probeDatabase(databaseFor(config))
  return { service: 'edge-app', status: database.status === 'up' ? 'ok' : 'degraded', database }
}

export interface ServiceStatus {
  name: string
  up: boolean
  detail: string
}

/** Asks another part of the platform for its /healthz; never throws. */
export async function fetchServiceStatus(name: string, baseUrl: string, timeoutMs = 2_000): Promise<ServiceStatus> {
  try {
    const res = await fetch(new URL('/healthz', baseUrl), { signal: AbortSignal.timeout(timeoutMs) })
    return { name, up: res.ok, detail: res.ok ? 'up' : `answered ${res.status}` }
  } catch (err) {
    return { name, up: false, detail: err instanceof Error ? err.message : 'unreachable' }
  }
}
