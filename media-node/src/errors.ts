/** Stable error codes of the media node; HTTP statuses are assigned in http/app.ts only. */
export type ErrorCode = 'invalid_input' | 'not_allowed' | 'not_found' | 'upstream_unavailable'

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    opts?: { cause?: unknown },
  ) {
    super(message, opts)
    this.name = 'AppError'
  }
}
