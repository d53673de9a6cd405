import type { z } from 'zod'
import { AppError } from './errors.ts'
import { readBodyText } from './http-guards.server.ts'

/** Parses a submitted form with a zod schema; a bad field is an `invalid_input` error with its message. */
export async function parseForm<S extends z.ZodTypeAny>(
  request: Request,
  schema: S,
  shape: (form: FormData) => unknown | Promise<unknown> = Object.fromEntries,
  maxBytes?: number,
): Promise<z.infer<S>> {
  // Bounded read (http-guards), then the form; no field may hold a NUL (PostgreSQL text cannot).
  const type = request.headers.get('Content-Type') ?? 'application/x-www-form-urlencoded'
  const form = await new Response(await readBodyText(request, maxBytes), { headers: { 'Content-Type': type } }).formData().catch(() => {
    throw new AppError('invalid_input', 'Check the form and try again.')
  })
  for (const [, v] of form) if (typeof v === 'string' && v.includes('\u0000')) throw new AppError('invalid_input', 'The form contains characters that are not allowed.')
  const parsed = schema.safeParse(await shape(form))
  if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'Check the form and try again.')
  return parsed.data
}

/** What a form action answers on an expected failure: the message, with the error's status. */
export function formFailure(err: unknown): { error: string; code: string } {
  if (err instanceof AppError) return { error: err.message, code: err.code }
  throw err
}
