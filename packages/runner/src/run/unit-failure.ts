/**
 * What goes wrong inside a unit that is not the upstream's doing — a full disk, a vanished folder, a state store
 * that refuses a write, a connector that throws — becomes one `Internal` error naming the step and the fix.
 */
import { ConnectorError } from '@connectors/core'

/** A failure in one named step of a unit. */
export class StepFailure extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`${step}: ${messageOf(cause)}`)
  }
}

/** Raised inside a unit when the run is interrupted (SIGINT/SIGTERM): the unit stops and applies nothing. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted')
  }
}

/** Runs `f` as the step named `step`: a throw inside becomes a {@link StepFailure} naming it. */
export async function at<T>(step: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f()
  } catch (error) {
    throw error instanceof StepFailure || error instanceof Interrupted ? error : new StepFailure(step, error)
  }
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e))
const codeOf = (e: unknown) => (typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined)

/** The step that connector code runs in (its stream of pages); a throw there is the connector's bug. */
export const CONNECTOR_STEP = 'listing (connector code)'

/** What an operator can do about a failure, from its system, SQLite or state store error code. */
function fixFor(step: string, cause: unknown, connector: string, out: string, state: string): string {
  switch (codeOf(cause)) {
    case 'SQLITE_FULL':
      return `free space on the disk that holds the state file ${state}, then sync again; nothing of this account was applied`
    case 'SQLITE_READONLY':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PERM':
      return `make the state file ${state} and its folder writable by this user, then sync again`
    case 'SQLITE_IOERR':
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return `the state file ${state} could not be read or written (a failing disk, or not a state file): check it, or give another with --state; nothing of this account was applied`
    case 'STATE_UNREACHABLE':
      return `make the state database ${state} reachable (is PostgreSQL running, and the address right?), then sync again; nothing of this account was applied`
    case 'STATE_SUPERSEDED':
      return 'nothing to do: another attempt of this account took over and its result stands; nothing of this attempt was applied'
    case '53100':
      return `free space on the disk of the state database ${state}, then sync again; nothing of this account was applied`
    case 'ENOSPC':
    case 'EDQUOT':
      return `free space on the disk that holds ${out}, then sync again; nothing of this account was applied`
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `make ${out} and the state file ${state} writable by this user, then sync again`
    case 'EISDIR':
    case 'ENOTDIR':
      return `something is in the way of an output under ${out} (a folder where a file goes, or the reverse): move it away, then sync again`
    case 'ENOENT':
      return `keep ${out} in place while a sync runs (it was removed or moved), then sync again`
    default:
      return step === CONNECTOR_STEP
        ? `report this to the ${connector} connector's maintainers with the log; the other accounts were not affected`
        : 'this is a bug in the runner: report it with the log; the other accounts were not affected'
  }
}

/** The `Internal` error for a failure of a unit's own machinery. */
export function internalError(failure: unknown, scope: { readonly connector: string; readonly account: string; readonly out: string; readonly state: string }): ConnectorError {
  const step = failure instanceof StepFailure ? failure.step : 'unit'
  const cause = failure instanceof StepFailure ? failure.cause : failure
  return ConnectorError.internal({
    connector: scope.connector,
    account: scope.account,
    operation: step,
    detail: step === CONNECTOR_STEP ? `the connector threw instead of returning an error: ${messageOf(cause)}` : messageOf(cause),
    fix: fixFor(step, cause, scope.connector, scope.out, scope.state),
  })
}
