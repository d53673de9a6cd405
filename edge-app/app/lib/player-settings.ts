/** A profile's player settings: what the settings page saves and the player applies (stored in profile-data.server.ts). */
import { z } from 'zod'

export const PlayerSettingsSchema = z.object({
  subtitleLanguage: z
    .string()
    .regex(/^[a-z]{2,3}$/)
    .nullable(),
  audioLanguage: z
    .string()
    .regex(/^[a-z]{2,3}$/)
    .nullable(),
  subtitleSize: z.enum(['small', 'medium', 'large']),
  playbackRate: z.coerce.number().min(0.25).max(3),
  autoplayNext: z.boolean(),
})
export type PlayerSettings = z.infer<typeof PlayerSettingsSchema>
