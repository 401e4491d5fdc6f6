/** Structured JSON logs on stderr (pino), with secret-bearing fields redacted wherever they appear. */
import type { Logger } from '@connectors/core'
import { pino } from 'pino'

/** Field names whose values never reach a log line. */
export const REDACTED_FIELDS = ['externalId', 'secretAccessKey', 'sessionToken', 'accessKeyId', 'token', 'password', 'authorization', 'credentials', 'config']

/** A pino logger writing JSON lines to stderr. */
export function createLogger(level: string): Logger {
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`])
  return pino({ level, base: null, redact: { paths, censor: '[redacted]' } }, pino.destination(2))
}
