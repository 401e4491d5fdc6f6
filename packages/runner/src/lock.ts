/**
 * Run locks: one run at a time per state file and per output folder. A lock is a file created exclusively, holding
 * who took it (pid, host, start time, run id); a lock whose process is gone (same host, no such pid) is stale and
 * taken over, anything else is refused with the holder named.
 */
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
    readonly lockFile: string,
    readonly holder: LockHolder | undefined,
  ) {
    const by = holder === undefined ? 'another run (its lock file cannot be read)' : `another run (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}, run ${holder.runId})`
    super(`${what} is in use by ${by}. Wait for that run to finish, or use another one; if that run is gone for good, delete ${lockFile}`)
  }
}

/** A held lock. */
export interface Lock {
  release(): Promise<void>
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'
  }
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockHolder
  } catch {
    return undefined
  }
}

/** Takes the lock `file` guarding `what` (e.g. `the state file /x/state.db`), or throws {@link LockedError}. */
export async function acquireLock(file: string, what: string, runId: string): Promise<Lock> {
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), runId }
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(file, `${JSON.stringify(me)}\n`, { flag: 'wx' })
      return { release: () => releaseIfMine(file, runId) }
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error
    }
    const holder = await readHolder(file)
    const stale = holder !== undefined && holder.host === me.host && !alive(holder.pid)
    if (!stale || attempt > 0) throw new LockedError(what, file, holder)
    await rm(file, { force: true })
  }
}

async function releaseIfMine(file: string, runId: string): Promise<void> {
  if ((await readHolder(file))?.runId === runId) await rm(file, { force: true })
}
