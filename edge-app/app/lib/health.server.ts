import { probeDatabase, type HealthReport } from '@bittorrented/common'
import type { RequestDb } from './db.server.ts'

export async function checkHealth(db: RequestDb): Promise<HealthReport> {
  const database = await probeDatabase(db.withDb)
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
