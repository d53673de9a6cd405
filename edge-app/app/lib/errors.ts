/** Stable error codes of the edge app, each with the message a person sees. */
export type ErrorCode =
  | 'invalid_input'
  | 'invalid_credentials'
  | 'rate_limited'
  | 'email_taken'
  | 'sign_in_required'
  | 'profile_required'
  | 'not_allowed'
  | 'not_found'
  | 'profile_limit_reached'
  | 'profile_name_taken'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'pin_required'
  | 'no_peers'
  | 'unplayable_media'

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

/** The only place codes become HTTP statuses. */
export const statusFor: Record<ErrorCode, number> = {
  invalid_input: 400,
  invalid_credentials: 401,
  rate_limited: 429,
  email_taken: 409,
  sign_in_required: 401,
  profile_required: 403,
  not_allowed: 403,
  not_found: 404,
  profile_limit_reached: 409,
  profile_name_taken: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  pin_required: 403,
  /** The media node found no one sharing the torrent in time. */
  no_peers: 504,
  /** The file cannot be read as audio or video (damaged, or a format nothing here converts). */
  unplayable_media: 422,
}

/** Turns an AppError into the JSON answer of API routes and form actions. */
export function errorResponse(err: AppError, headers?: HeadersInit): Response {
  return Response.json({ error: err.code, message: err.message }, { status: statusFor[err.code], headers })
}

/** Runs a loader/action body and answers AppErrors as JSON with their status; others propagate. */
export async function handle<T>(fn: () => Promise<T>): Promise<T | Response> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof AppError) return errorResponse(err)
    throw err
  }
}
