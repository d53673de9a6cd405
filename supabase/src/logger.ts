import pino, { type Logger } from 'pino'

export type { Logger }

/** Structured logs for the database tools; `silent` in tests. */
export function createLogger(level: string, name = 'db'): Logger {
  return pino({ name, level, redact: ['password', '*.password'] })
}
