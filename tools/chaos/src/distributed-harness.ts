/**
 * What the distributed cases share: throwaway Redis and PostgreSQL servers (the testkit's), two sandboxes (the seed,
 * then one user fewer per unit), `connectors worker` processes, queued syncs, the undisturbed reference runs of the
 * single-process CLI, and the checks every case ends with (secrets, temporaries, stagings of dead attempts).
 */
import { generateOrganization, startSandbox, type Sandbox } from '@connectors/aws-sandbox'
import { allBytesUnder } from '@connectors/aws-sandbox/testing'
import { PgState } from '@connectors/runner'
import { startPostgres, startRedis, type PostgresService, type RedisService } from '@connectors/testkit'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { CliRun } from './cli.js'
import { startQueuedSync, startWorker, stopWorkers, type Watched } from './cluster.js'
import { EXTERNAL_ID, runConfig, type Verdict } from './matrix.js'
import { accountsOf, compareOutputs, compareState, localSync, openReference, outputsOf, readReport, withOneLeaver, type Report } from './reference.js'

export const shape = { accounts: 4, users: 150, groups: 6, members: 12 }

/** What every case sets up: two sandboxes (the seed, then one user fewer per unit), the reference runs, the servers. */
export interface Bench {
  readonly dir: string
  readonly before: string
  readonly after: string
  readonly seed: ReturnType<typeof generateOrganization>
  readonly redis: RedisService
  readonly postgres: PostgresService
  readonly state: string
  readonly prefix: string
  readonly runs: CliRun[]
  readonly problems: string[]
  readonly sandboxes: ReadonlyArray<Sandbox>
}

async function setUp(dir: string, problems: string[]): Promise<Bench> {
  const seed = generateOrganization({ ...shape, seed: 4711, externalId: () => EXTERNAL_ID, identityStore: true })
  // Slow calls in the second run, so that a fault timed on a worker's log line lands while units are mid-way.
  const sandboxes = [await startSandbox({ seed, faults: { shortPageSize: 20 } }), await startSandbox({ seed: withOneLeaver(seed), faults: { shortPageSize: 20, latencyMs: 100 } })] as const
  await Promise.all(['before', 'after'].map((d) => mkdir(join(dir, d))))
  const [before, after] = [await runConfig(join(dir, 'before'), sandboxes[0], seed, {}), await runConfig(join(dir, 'after'), sandboxes[1], seed, {})]
  const [redis, postgres] = await Promise.all([startRedis({ throwaway: true }), startPostgres({ throwaway: true })])
  return { dir, before, after, seed, redis, postgres, state: await postgres.database(), prefix: redis.prefix(), runs: [], problems, sandboxes }
}

export const workers = (b: Bench, n: number, logLevel: 'debug' | 'info' = 'info') => Array.from({ length: n }, () => startWorker(b.dir, b.redis.url, b.state, b.prefix, { concurrency: 2, logLevel }))

/** A queued sync to its end; its report, and its run kept for the secrets check. */
export async function queued(b: Bench, config: string, out: string, during?: (sync: Watched) => Promise<void>): Promise<{ run: CliRun; report: Report | undefined }> {
  const sync = startQueuedSync(b.dir, config, out, b.redis.url, b.state, b.prefix)
  await during?.(sync)
  const run = await sync.done
  b.runs.push(run)
  return { run, report: await readReport(join(b.dir, out)).catch(() => undefined) }
}

/** The first, undisturbed queued run: the snapshot the faulted run could wrongly delete from. */
async function firstRun(b: Bench): Promise<void> {
  const pool = workers(b, 2)
  const { run } = await queued(b, b.before, 'dist-1')
  b.runs.push(...(await stopWorkers(pool)))
  if (run.code !== 0) b.problems.push(`the first, undisturbed queued run failed (${run.code}): ${run.stderr.slice(-300)}`)
}

/** Rows left of attempts that never committed (stagings, and sets no snapshot holds): none after a run. */
async function leftovers(b: Bench): Promise<number> {
  const sql = 'SELECT (SELECT count(*) FROM stagings) + (SELECT count(*) FROM sets WHERE id NOT IN (SELECT set_id FROM snapshots))'
  const { stdout } = await promisify(execFile)('psql', [b.state, '-Atc', sql])
  return Number(stdout.trim())
}

/** Every byte the CLI processes wrote, and every output file: no secret the sandboxes issued, nor the ExternalId. */
async function secretsCheck(b: Bench): Promise<void> {
  const outs = (await readdir(b.dir)).filter((d) => d.startsWith('dist-'))
  const bytes = b.runs.map((r) => r.stdout + r.stderr).join('') + (await Promise.all(outs.map((o) => allBytesUnder(join(b.dir, o))))).join('')
  const leaked = [...b.sandboxes.flatMap((s) => [...s.state.issuedSecrets]), EXTERNAL_ID].filter((s) => bytes.includes(s))
  if (leaked.length > 0) b.problems.push(`${leaked.length} secret(s) appeared in the CLI's output`)
  const temporaries = (await Promise.all(outs.map((o) => readdir(join(b.dir, o), { recursive: true })))).flat().filter((f) => /\.tmp-\d+$/.test(f) || f.startsWith('.staging'))
  if (temporaries.length > 0) b.problems.push(`temporaries left in the outputs after the run ('.tmp-<pid>' of a process that wrote them): ${temporaries.join(', ')}`)
}

/** Runs a case: set up, the reference and the first queued run, then `body`; tears everything down. */
export async function distributedCase(name: string, body: (b: Bench) => Promise<{ faults: number; exitCode: number | null; compared: number; mismatches: number }>): Promise<Verdict> {
  const started = Date.now()
  const problems: string[] = []
  const dir = await mkdtemp(join(tmpdir(), 'chaos-dist-'))
  let b: Bench | undefined
  try {
    b = await setUp(dir, problems)
    await firstRun(b)
    const r = await body(b)
    await secretsCheck(b)
    if ((await leftovers(b)) !== 0) problems.push('the state keeps the staging of an attempt that never committed')
    return { name, ok: problems.length === 0, problems, accounts: shape.accounts * 2, faultsInjected: r.faults, recordsCompared: r.compared, mismatches: r.mismatches, exitCode: r.exitCode, seconds: (Date.now() - started) / 1000 }
  } catch (error) {
    problems.push(`the case could not run: ${(error as Error).message}`)
    return { name, ok: false, problems, accounts: shape.accounts * 2, faultsInjected: 0, recordsCompared: 0, mismatches: 0, exitCode: null, seconds: (Date.now() - started) / 1000 }
  } finally {
    await Promise.all([...(b?.sandboxes ?? []).map((s) => s.stop()), b?.redis.close(), b?.postgres.close()])
    await rm(dir, { recursive: true, force: true })
  }
}

/** The reference: the seed synced by the single-process CLI into `ref-1`, then one user fewer `times` times (`ref-2`, …). */
export async function referenceRuns(b: Bench, times: number): Promise<Report[]> {
  const reports = [(await localSync(b.dir, b.before, 'ref-1', 'ref.db')).report]
  for (let i = 2; i <= times + 1; i++) reports.push((await localSync(b.dir, b.after, `ref-${i}`, 'ref.db')).report)
  return reports
}

/** Compares the units `keys` (`connector/unit`) of a queued run's outputs with a reference run's. */
export const sameOutputs = async (b: Bench, out: string, ref: string, keys: Iterable<string>) => compareOutputs(await outputsOf(join(b.dir, out)), await outputsOf(join(b.dir, ref)), keys, `(${ref})`, b.problems)

/** Compares the PostgreSQL state with the reference's SQLite state, every account of `ref`. */
export async function sameState(b: Bench, ref: Report, history: boolean): Promise<void> {
  const [pg, sqlite] = [await PgState.open(b.state), await openReference(join(b.dir, 'ref.db'))]
  try {
    await compareState(pg, sqlite, accountsOf(ref), history, b.problems)
  } finally {
    await Promise.all([pg.close(), sqlite.close()])
  }
}

const summary = (r: Report) => r.units.map((u) => `${u.connector}/${u.unit} ${u.status} ${u.counts.users} users ${u.counts.deleted} deleted`).sort()

/** A whole queued run against the reference's second run: its report's counts, every unit's outputs, the state. */
export async function againstReference(b: Bench, out: string, report: Report | undefined, history: boolean) {
  const [, ref] = (await referenceRuns(b, 1)) as [Report, Report]
  if (report === undefined) {
    b.problems.push('the faulted run wrote no report.json')
    return { compared: 0, mismatches: 0 }
  }
  if (JSON.stringify(summary(report)) !== JSON.stringify(summary(ref))) b.problems.push(`report.json differs from the undisturbed run's: ${summary(report).join('; ')}`)
  const result = await sameOutputs(b, out, 'ref-2', ref.units.map((u) => `${u.connector}/${u.unit}`))
  await sameState(b, ref, history)
  return result
}
