/**
 * Run locks: one run at a time per state file and per output folder. The lock itself is an exclusive SQLite
 * transaction held open on a small lock file for the whole run: the operating system grants it to one process
 * only, atomically, and takes it back when that process ends however it ends — a run that was killed leaves no
 * lock behind, and two runs can never both take one. Beside it a holder file names who has it (pid, host, start
 * time, run id), so a refused run can say which run it is waiting for.
 */
import Database from 'better-sqlite3'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'

/** Who holds a lock. */
export interface LockHolder {
  readonly pid: number
  readonly host: string
  readonly startedAt: string
  readonly runId: string
}

/** Another run holds the lock. */
export class LockedError extends Error {
  constructor(
    readonly what: string,
    readonly holder: LockHolder | undefined,
  ) {
    const by = holder === undefined ? 'another run' : `another run (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}, run ${holder.runId})`
    super(`${what} is in use by ${by}. Wait for that run to finish, or give this run another one`)
  }
}

/** A held lock. */
export interface Lock {
  release(): Promise<void>
}

const holderFileOf = (file: string) => `${file}-holder.json`

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(holderFileOf(file), 'utf8')) as LockHolder
  } catch {
    return undefined
  }
}

/** Takes the lock `file` guarding `what` (e.g. `the state file /x/state.db`), or throws {@link LockedError}. */
export async function acquireLock(file: string, what: string, runId: string): Promise<Lock> {
  const db = new Database(file, { timeout: 0 })
  try {
    db.pragma('locking_mode = EXCLUSIVE')
    db.exec('BEGIN EXCLUSIVE')
  } catch (error) {
    db.close()
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new LockedError(what, await readHolder(file))
    throw error
  }
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), runId }
  await writeFile(holderFileOf(file), `${JSON.stringify(me)}\n`)
  return {
    release: async () => {
      if ((await readHolder(file))?.runId === runId) await rm(holderFileOf(file), { force: true })
      db.exec('ROLLBACK')
      db.close()
    },
  }
}
