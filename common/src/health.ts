import { z } from 'zod'

/** What `GET /healthz` answers on every server of the platform. */
export const HealthReportSchema = z.object({
  service: z.enum(['edge-app', 'media-node', 'party']),
  status: z.enum(['ok', 'degraded']),
  database: z.object({
    status: z.enum(['up', 'down']),
    /** Newest applied migration version, when the database is up. */
    schemaVersion: z.string().nullable(),
    latencyMs: z.number().nonnegative().nullable(),
    error: z.string().optional(),
  }),
})
export type HealthReport = z.infer<typeof HealthReportSchema>
