/**
 * The state a `--state` value names: a `postgres://` URL selects the shared PostgreSQL store (what distributed
 * runs need), anything else is a SQLite file, the embedded default. Each comes with its run lock.
 */
import { acquireLock, type Lock } from './lock.js'
import type { StateBackend } from './state-client.js'
import { StateWorker } from './state-client.js'
import { isPostgresUrl, locationOf } from './state-pg-errors.js'

export { isPostgresUrl, locationOf }

/** Opens the store `state` names (a PostgreSQL URL, or a SQLite file path); a failure to open rejects, saying why. */
export async function openStateBackend(state: string): Promise<StateBackend> {
  // The PostgreSQL client loads only for a database: an embedded run starts without it.
  return isPostgresUrl(state) ? (await import('./state-pg.js')).PgState.open(state) : StateWorker.open(state)
}

/** Starts loading the store `state` names ahead of {@link openStateBackend} (a SQLite file's thread; nothing on disk). */
export function prewarmStateBackend(state: string): void {
  if (!isPostgresUrl(state)) StateWorker.prewarm()
}

/** How the state is named in messages: a file path, or a database URL without credentials. */
export const describeState = (state: string): string => (isPostgresUrl(state) ? `the state database ${locationOf(state)}` : `the state file ${state}`)

/**
 * Takes the run lock of the state `state` names: the advisory lock of a PostgreSQL state (open the store first: it
 * migrates the schema the lock's holder row lives in), or the lock file beside a SQLite file.
 */
export async function lockState(state: string, runId: string, onLost?: (error: Error) => void): Promise<Lock> {
  return isPostgresUrl(state) ? (await import('./state-pg-lock.js')).acquirePgLock(state, runId, onLost) : acquireLock(`${state}.lock`, describeState(state), runId)
}
