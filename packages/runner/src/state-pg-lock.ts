/**
 * The run lock of a PostgreSQL state: a session-level advisory lock, held on a connection of its own for the whole
 * run. The server grants it to one session only and takes it back when that session ends, however it ends — a run
 * that was killed, or whose machine vanished, leaves no lock behind once its connection is gone. Beside it a row
 * names who holds it (pid, host, start time, run id), so a refused run can say which run it is waiting for, in the
 * same words as the file lock (`lock.ts`).
 */
import pg from 'pg'
import { hostname } from 'node:os'
import { LockedError, type Lock, type LockHolder } from './lock.js'
import { locationOf } from './state-pg-errors.js'

/** The advisory lock key pair (classid, objid) of the run lock: `cnct`, 2. */
const RUN_LOCK = [0x636e6374, 2] as const

/** What the lock guards, in messages: the same form as the file lock's `the state file …`. */
export const lockedWhat = (url: string) => `the state database ${locationOf(url)}`

async function holderOf(client: pg.Client): Promise<LockHolder | undefined> {
  const { rows } = await client.query<{ pid: number; host: string; startedAt: string; runId: string }>('SELECT pid, host, started_at AS "startedAt", run_id AS "runId" FROM run_lock_holder WHERE id = 1').catch(() => ({ rows: [] }))
  return rows[0]
}

/**
 * Takes the run lock of the state database at `url` (whose schema is migrated: open the store first), or throws
 * {@link LockedError}. `onLost` is told if the lock's connection breaks while it is held: the lock is gone with it.
 */
export async function acquirePgLock(url: string, runId: string, onLost: (error: Error) => void = () => undefined): Promise<Lock> {
  const client = new pg.Client({ connectionString: url, application_name: 'connectors run lock', connectionTimeoutMillis: 10_000 })
  let releasing = false
  client.on('error', (error) => {
    if (!releasing) onLost(new Error(`the run lock on ${lockedWhat(url)} was lost with its connection (${error.message})`))
  })
  await client.connect()
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [...RUN_LOCK])
    if (rows[0]?.ok !== true) throw new LockedError(lockedWhat(url), await holderOf(client))
    const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), runId }
    await client.query(
      'INSERT INTO run_lock_holder (id, pid, host, started_at, run_id) VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, host = excluded.host, started_at = excluded.started_at, run_id = excluded.run_id',
      [me.pid, me.host, me.startedAt, me.runId],
    )
  } catch (error) {
    releasing = true
    await client.end().catch(() => undefined)
    throw error
  }
  return {
    release: async () => {
      releasing = true
      // Ending the session releases the advisory lock; the holder row goes first so nobody is named who is gone.
      await client.query('DELETE FROM run_lock_holder WHERE run_id = $1', [runId]).catch(() => undefined)
      await client.end().catch(() => undefined)
    },
  }
}
