/**
 * The distributed mode under faults: `connectors worker` processes and `connectors sync --redis … --state
 * postgres://…` on throwaway Redis and PostgreSQL servers, IAM and Identity Center accounts alike.
 *
 * Each case syncs the seed once undisturbed (so there is a snapshot to wrongly delete from), then syncs it again
 * with one user gone from every unit while it injects its fault. The same runs, undisturbed, by the single-process
 * CLI on SQLite are the reference: the faulted run's records (but for their run id and time), users files, report
 * and state (snapshots, departed users, history) must equal them.
 */
import { PgState, locationOf } from '@connectors/runner'
import { join } from 'node:path'
import { stopWorkers, unitsIn, type Watched } from './cluster.js'
import { againstReference, distributedCase, queued, referenceRuns, sameOutputs, sameState, workers } from './distributed-harness.js'
import { outputsOf, seededIds, type Envelope, type Report } from './reference.js'

export const WORKER_KILLED = 'a worker killed mid-unit (SIGKILL) while another runs (distributed)'
export const REDIS_RESTARTED = 'Redis restarted mid-run, losing the queue (distributed)'
export const POSTGRES_STOPPED = 'PostgreSQL stopped mid-run, then back (distributed)'

/** A worker SIGKILLed mid-unit: its jobs stall and the other worker runs them; nothing twice, nothing lost. */
export const runWorkerKilled = () =>
  distributedCase(WORKER_KILLED, async (b) => {
    const [doomed, survivor] = [workers(b, 1, 'debug')[0] as Watched, workers(b, 1)[0] as Watched]
    const { run, report } = await queued(b, b.after, 'dist-2', async () => {
      await doomed.waitForLine((l) => l.msg === 'assumed role')
      doomed.child.kill('SIGKILL')
    })
    const [killed, [rest]] = await Promise.all([doomed.done, stopWorkers([survivor])])
    b.runs.push(killed, rest as NonNullable<typeof rest>)
    const dead = unitsIn(killed.stderr)
    const cut = [...dead.started].filter((u) => !dead.finished.has(u))
    if (killed.signal !== 'SIGKILL') b.problems.push('the worker ended before it could be killed')
    if (cut.length === 0) b.problems.push('the killed worker had no unit mid-way: the case proves nothing')
    const rerun = unitsIn(survivor.stderr())
    for (const unit of cut) if (!rerun.finished.has(unit)) b.problems.push(`${unit}: cut short by the kill, but not run again by the other worker`)
    if (run.code !== 0) b.problems.push(`exit code ${run.code}, expected 0: ${run.stderr.slice(-300)}`)
    return { faults: cut.length, exitCode: run.code, ...(await againstReference(b, 'dist-2', report, true)) }
  })

/** Redis killed (it saves nothing) and started again mid-run: the workers reconnect, the sync queues what is unsettled. */
export const runRedisRestarted = () =>
  distributedCase(REDIS_RESTARTED, async (b) => {
    const pool = workers(b, 2)
    const { run, report } = await queued(b, b.after, 'dist-2', async () => {
      await Promise.race(pool.map((w) => w.waitForLine((l) => l.msg === 'unit finished')))
      await b.redis.stop()
      await b.redis.start()
    })
    b.runs.push(...(await stopWorkers(pool)))
    if (run.code !== 0) b.problems.push(`exit code ${run.code}, expected 0: ${run.stderr.slice(-300)}`)
    return { faults: 1, exitCode: run.code, ...(await againstReference(b, 'dist-2', report, true)) }
  })


/** Waits for `p`, or fails after `ms` naming what did not happen: a fault that never lands must not hang the matrix. */
const within = <A>(p: Promise<A>, ms: number, what: string) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms).unref())])

/**
 * PostgreSQL stopped (an immediate shutdown) mid-run, and started again once a unit has failed for it: the units it
 * cut off fail naming the state database and the fix, commit nothing (their snapshot is still the first run's and
 * no history row of the run settles them) and write no output; the others equal the reference. A rerun then
 * completes them: their outputs equal the reference's second run (their deletion reported once, now), the others'
 * its third, and the state equals the reference's.
 */
export const runPostgresStopped = () =>
  distributedCase(POSTGRES_STOPPED, async (b) => {
    const pool = workers(b, 2)
    const location = locationOf(b.state)
    const { run, report } = await queued(b, b.after, 'dist-2', async () => {
      await within(Promise.race(pool.map((w) => w.waitForLine((l) => l.msg === 'unit finished'))), 120_000, 'no unit finished')
      await b.postgres.stop()
      await within(Promise.race(pool.map((w) => w.waitForLine((l) => l.msg === 'unit finished' && l['status'] === 'failed'))), 120_000, 'no unit failed while PostgreSQL was down')
      await b.postgres.start()
    })
    const [, ref2, ref3] = (await referenceRuns(b, 2)) as [Report, Report, Report]
    if (report === undefined) throw new Error(`the faulted run wrote no report.json (exit ${run.code}): ${run.stderr.slice(-300)}`)
    const key = (u: Envelope) => `${u.connector}/${u.unit}`
    const failed = report.units.filter((u) => u.status !== 'ok')
    const ok = report.units.filter((u) => u.status === 'ok')
    if (failed.length === 0) b.problems.push('no unit failed: the outage proves nothing')
    if (run.code !== (failed.length > 0 ? 1 : 0)) b.problems.push(`exit code ${run.code}, expected 1: ${run.stderr.slice(-300)}`)
    const before = seededIds(b.seed)
    const pg = await PgState.open(b.state)
    const outputs = await outputsOf(join(b.dir, 'dist-2'))
    try {
      for (const u of failed) {
        const error = u.errors[0]
        const said = `${error?.detail ?? error?.message ?? ''} ${error?.fix ?? ''}`
        if (u.status !== 'failed' || error?.reason !== 'Internal' || !said.includes(location) || !/make the state database .* reachable .*then sync again/.test(error.fix ?? '')) {
          b.problems.push(`${key(u)}: expected failed (Internal) naming ${location} and the fix, got ${u.status} ${JSON.stringify(u.errors.map((e) => [e.reason, e.fix]))}`)
        }
        if (u.accountId === null) continue
        const snapshot = (await pg.snapshot(u.connector, u.accountId)).map((x) => x.id)
        if (JSON.stringify(snapshot) !== JSON.stringify(before.get(key(u)))) b.problems.push(`${key(u)}: its snapshot moved although the unit failed`)
        if ((await pg.runResults(report.runId, { connector: u.connector, unit: u.unit })).length > 0) b.problems.push(`${key(u)}: a history row settles the failed unit`)
        if (outputs.has(key(u))) b.problems.push(`${key(u)}: the failed unit left outputs behind`)
      }
    } finally {
      await pg.close()
    }
    const first = await sameOutputs(b, 'dist-2', 'ref-2', ok.map(key))
    // PostgreSQL is back: a rerun completes the failed units, and the others report nothing new.
    const { run: rerun, report: again } = await queued(b, b.after, 'dist-3')
    b.runs.push(...(await stopWorkers(pool)))
    if (rerun.code !== 0) b.problems.push(`the rerun after PostgreSQL came back: exit ${rerun.code}: ${rerun.stderr.slice(-300)}`)
    const deleted = (u: Envelope) => again?.units.find((x) => key(x) === key(u))?.counts.deleted
    for (const u of failed) if (deleted(u) !== 1) b.problems.push(`${key(u)}: the rerun reported ${deleted(u)} deletions, expected its one leaver`)
    for (const u of ok) if (deleted(u) !== 0) b.problems.push(`${key(u)}: the rerun reported ${deleted(u)} deletions again`)
    const second = await sameOutputs(b, 'dist-3', 'ref-2', failed.map(key))
    const third = await sameOutputs(b, 'dist-3', 'ref-3', ok.map(key))
    await sameState(b, ref3, false)
    if (ref2.units.length !== report.units.length) b.problems.push(`report.json lists ${report.units.length} units, the reference ${ref2.units.length}`)
    return { faults: failed.length, exitCode: run.code, compared: first.compared + second.compared + third.compared, mismatches: first.mismatches + second.mismatches + third.mismatches }
  })
