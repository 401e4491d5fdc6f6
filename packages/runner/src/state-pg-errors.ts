/**
 * How the PostgreSQL store's failures read: a database that cannot be reached is told apart from one that refused a
 * statement, because the fix differs (start or reach the server, versus a bug or a full disk), and an attempt whose
 * staging a newer attempt of the same unit replaced says so. Messages name the store by its location, which never
 * carries credentials.
 */
import { supersededError } from './state.js'

/** The code of an error raised because the database could not be reached (decides the fix a unit reports). */
export const STATE_UNREACHABLE = 'STATE_UNREACHABLE'

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN', 'ENOENT'])

/** Whether `error` says the database is out of reach (refused, gone, shutting down) rather than that a statement failed. */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03')) return true
  const message = error instanceof Error ? error.message : ''
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i.test(message)
}

/** The store's error for a failed call: its message prefixed, and the code that decides the fix. */
export function stateError(error: unknown, location: string): Error {
  const message = error instanceof Error ? error.message : String(error)
  if (isUnreachable(error)) return Object.assign(new Error(`state store: cannot reach the state database ${location} (${message})`), { code: STATE_UNREACHABLE })
  const code = (error as { code?: unknown } | null)?.code
  // 23503: a row of a set that no longer exists — this attempt's staging was replaced by a newer attempt's.
  if (code === '23503') return superseded()
  return Object.assign(new Error(`state store: ${message}`), typeof code === 'string' ? { code } : {})
}

/** The error of an attempt whose staging a newer attempt of the unit replaced, as the store reports it. */
export function superseded(): Error {
  const error = supersededError()
  error.message = `state store: ${error.message}`
  return error
}

/**
 * Where a database is, for messages: its URL without user, password or query (a query may carry a password too).
 * A string that is not a URL is returned as `(a database URL)`, never echoed.
 */
export function locationOf(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`
  } catch {
    return '(a database URL)'
  }
}

export { isPostgresUrl } from './run-config.js'
