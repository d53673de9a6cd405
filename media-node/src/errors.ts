import type { MediaNodeErrorCode } from '@bittorrented/common'

/** Stable error codes of the media node (common/media-node-wire.ts); HTTP statuses are assigned in http/app.ts only. */
export type ErrorCode = MediaNodeErrorCode

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
