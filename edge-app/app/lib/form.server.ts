import type { z } from 'zod'
import { AppError } from './errors.ts'

/** Parses a submitted form with a zod schema; a bad field is an `invalid_input` error with its message. */
export async function parseForm<S extends z.ZodTypeAny>(request: Request, schema: S, shape: (form: FormData) => unknown = Object.fromEntries): Promise<z.infer<S>> {
  const form = await request.formData()
  const parsed = schema.safeParse(shape(form))
  if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'Check the form and try again.')
  return parsed.data
}

/** What a form action answers on an expected failure: the message, with the error's status. */
export function formFailure(err: unknown): { error: string; code: string } {
  if (err instanceof AppError) return { error: err.message, code: err.code }
  throw err
}
