import { BIDI_CONTROL } from '@bittorrented/common'
import { z } from 'zod'

// bcrypt reads at most 72 bytes; a longer password would be silently cut, so refuse it.
export const PasswordSchema = z
  .string()
  .min(8, 'Use at least 8 characters for your password.')
  .refine((p) => new TextEncoder().encode(p).length <= 72, 'Use at most 72 bytes for your password.')

const Email = z.string().trim().toLowerCase().max(254, 'That email is too long.').email('Enter a valid email address.')

export const SignInSchema = z.object({
  email: Email,
  password: z.string().min(1, 'Enter your password.').max(1024),
})
export type SignIn = z.infer<typeof SignInSchema>

export const ProfileNameSchema = z
  .string()
  .trim()
  .min(1, 'Give the profile a name.')
  .max(40, 'Profile names are at most 40 characters.')
  .refine((n) => !/[\u0000-\u001f\u007f]/.test(n), 'Profile names cannot contain control characters.')
  .refine((n) => !BIDI_CONTROL.test(n), 'Profile names cannot contain text-direction controls.')

export const SignUpSchema = z.object({
  email: Email,
  password: PasswordSchema,
  displayName: ProfileNameSchema,
})
export type SignUp = z.infer<typeof SignUpSchema>
