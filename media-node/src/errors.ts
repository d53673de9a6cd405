/** Stable error codes of the media node; HTTP statuses are assigned in http/app.ts only. */
export type ErrorCode = 'invalid_input' | 'not_allowed' | 'not_found' | 'no_peers' | 'busy' | 'upstream_unavailable' | 'unplayable_media'

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    opts?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, opts)
    this.name = 'AppError'
    this.details = opts?.details
  }
  readonly details: Record<string, unknown> | undefined
}
