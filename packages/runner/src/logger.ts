/**
 * Structured logs on stderr (pino): JSON lines with level names and ISO times, or `pretty` lines for people.
 * What is redacted comes from the connectors' config codecs: every key they mark `sensitive`, at any depth, and
 * any whole config.
 */
import { sensitiveKeys, type AnyConnector, type Logger } from '@connectors/core'
import { pino } from 'pino'
import { prettyFactory } from 'pino-pretty'

/** The field names whose values never reach a log line: a config as a whole, and every key a codec marks sensitive. */
export function redactedFields(connectors: ReadonlyArray<AnyConnector>): ReadonlyArray<string> {
  return [...new Set(['config', ...connectors.flatMap((c) => sensitiveKeys(c.config))])].sort()
}

/** The log levels, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
/** The log formats. */
export const LOG_FORMATS = ['json', 'pretty'] as const

/** Where log lines go: stderr, or a live progress display that writes them above its frame. */
export type LogSink = (line: string) => void

const CENSOR = '[redacted]'

/** A copy of `value` with every `redacted` key censored, at any depth (log fields are small: the walk is cheap). */
function redactDeep(value: unknown, redacted: ReadonlySet<string>, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 16) return value
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redacted, depth + 1))
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redacted.has(k) ? CENSOR : redactDeep(v, redacted, depth + 1)]))
}

/** A logger at `level`, writing `format` lines to `sink`, with every `redacted` field censored wherever it appears. */
export function createLogger(level: (typeof LOG_LEVELS)[number], format: (typeof LOG_FORMATS)[number], sink: LogSink, redacted: ReadonlyArray<string>, color = false): Logger {
  const keys = new Set(redacted)
  const log = (fields: Record<string, unknown>) => redactDeep(fields, keys) as Record<string, unknown>
  const options = { level, base: null, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label: string) => ({ level: label }), log } }
  if (format === 'json') return pino(options, { write: sink })
  // pino-pretty formats the same JSON lines (it reads numeric levels, so they stay numbers here).
  const prettify = prettyFactory({ colorize: color, translateTime: 'SYS:HH:MM:ss.l' })
  return pino({ ...options, formatters: { log } }, { write: (line: string) => sink(prettify(line)) })
}
