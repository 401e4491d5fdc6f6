/**
 * The `fleet` scenario: a thousand small accounts at IAM's per-account pace, synced by the single-process CLI and
 * then by 1, 2 and 4 `connectors worker` processes under `connectors sync --redis … --state postgres://…`. Every run
 * is held to the single-process run's outputs and state; beside its throughput and CPU, the Redis commands and
 * PostgreSQL round trips it cost, counted at the servers (wire.ts).
 */
import { startPostgres, startRedis } from '@connectors/testkit'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sameRun } from './fleet-compare.js'
import { cpuSecondsOf, measure } from './measure.js'
import { accountIds, baseEnv, EXTERNAL_ID, ROOT, withSandbox, type RunningSandbox } from './sandbox.js'
import type { Scenario } from './scenarios.js'
import { redisCommands, startPgCounter } from './wire.js'

const CLI = join(ROOT, 'packages', 'runner', 'bin', 'connectors.js')

export const fleet: Scenario = {
  name: 'fleet',
  description: '1,000 accounts × 20 users × 2 groups × 5 members; 30 ms latency; 10 req/s burst 10 per account',
  accounts: 1_000,
  users: 20,
  groups: 2,
  members: 5,
  latencyMs: 30,
  throttle: { rate: 10, burst: 10, per: 'account' },
  naive: false,
}

/** Units a worker (and the single process) runs at once: the CLI's default. */
export const FLEET_CONCURRENCY = 64
/**
 * The cluster's AssumeRole bucket, per second. The sandbox limits no AssumeRole; at the default of 20/s a
 * 1,000-account run could not take less than 50 s whatever the worker count, so the bucket is set out of the way.
 */
export const FLEET_ASSUME_ROLE_RATE = 1_000

/** One run of the fleet. */
export interface FleetRow {
  readonly contender: string
  readonly workers: number
  readonly syncS: number
  readonly unitsPerS: number
  readonly usersPerS: number
  /** Every process of ours: the sync and the workers, over the run (workers measured from ready to done). */
  readonly cpuS: number
  readonly cpuMsPerUnit: number
  readonly sandboxCpuS: number
  readonly redisCommandsPerUnit?: number
  readonly pgRoundTripsPerUnit?: number
  readonly accountsFailed: number
  /** What differs from the single-process run (records, users files, state); empty when identical. */
  readonly differences: ReadonlyArray<string>
}

interface Report {
  elapsedMs: number
  cpuMs: number
  units: Array<{ status: string; counts: { users: number }; errors: Array<{ reason: string; message?: string }> }>
}

/** The failed accounts' errors, counted by reason and message: what a row that lost accounts must say. */
function failuresOf(report: Report): string[] {
  const counts = new Map<string, number>()
  for (const u of report.units) for (const e of u.status === 'ok' ? [] : u.errors.slice(0, 1)) counts.set(`${e.reason}: ${(e.message ?? '').slice(0, 160)}`, (counts.get(`${e.reason}: ${(e.message ?? '').slice(0, 160)}`) ?? 0) + 1)
  return [...counts].map(([what, n]) => `${n} account(s) failed with ${what}`)
}

const env = (prefix: string) => ({ ...baseEnv(), BENCH_EXTERNAL_ID: EXTERNAL_ID, CONNECTORS_QUEUE_PREFIX: prefix, CONNECTORS_ASSUME_ROLE_RATE: String(FLEET_ASSUME_ROLE_RATE) })

async function writeConfig(dir: string, sandbox: RunningSandbox): Promise<string> {
  const accounts = accountIds(fleet).map((id, i) => ({
    name: `acct-${i}`,
    // Queued runs carry no secret: the ExternalId is a reference each worker resolves.
    config: { roleArn: `arn:aws:iam::${id}:role/ConnectorsReadOnly`, externalId: '${env:BENCH_EXTERNAL_ID}', endpoints: { sts: sandbox.endpoint, iam: sandbox.endpoint }, email: { template: '{username}@bench.example' } },
  }))
  const file = join(dir, 'run.json')
  await writeFile(file, JSON.stringify({ connectors: [{ connector: '@connectors/aws-iam', accounts }] }))
  return file
}

/** Starts a worker and resolves once it takes accounts. */
function startWorker(dir: string, redis: string, state: string, prefix: string) {
  const child = spawn(process.execPath, [CLI, '--log-level', 'error', 'worker', '--redis', redis, '--state', state, '--concurrency', String(FLEET_CONCURRENCY)], { cwd: dir, env: env(prefix), stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), stderr.includes('taking accounts') && resolve()))
    void exited.then(() => reject(new Error(`a worker exited before it was ready: ${stderr.slice(-500)}`)))
  })
  return { child, ready, exited, cpuS: () => (child.pid === undefined ? 0 : cpuSecondsOf(child.pid)) }
}

function rowOf(contender: string, workers: number, report: Report, cpuS: number, sandboxCpuS: number, extra: Partial<FleetRow>, differences: ReadonlyArray<string>): FleetRow {
  const syncS = report.elapsedMs / 1000
  const units = report.units.length
  return {
    contender,
    workers,
    syncS,
    unitsPerS: units / syncS,
    usersPerS: report.units.reduce((n, u) => n + u.counts.users, 0) / syncS,
    cpuS,
    cpuMsPerUnit: (cpuS * 1000) / units,
    sandboxCpuS,
    accountsFailed: report.units.filter((u) => u.status !== 'ok').length,
    differences,
    ...extra,
  }
}

/** Runs the fleet: the single process, then `workerCounts` workers each; `log` tells progress. */
export async function runFleet(workerCounts: ReadonlyArray<number>, log: (line: string) => void): Promise<FleetRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-fleet-'))
  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()])
  const relay = await startPgCounter(postgres.url)
  const rows: FleetRow[] = []
  try {
    log('fleet: the single process…')
    rows.push(
      await withSandbox(fleet, async (sandbox) => {
        const config = await writeConfig(dir, sandbox)
        const before = sandbox.cpuS()
        const m = await measure([CLI, 'sync', '--config', config, '--out', join(dir, 'single'), '--state', join(dir, 'single.db'), '--log-level', 'error', '--concurrency', String(FLEET_CONCURRENCY)], { cwd: dir, env: env('unused') })
        const report = JSON.parse(await readFile(join(dir, 'single', 'report.json'), 'utf8')) as Report
        return rowOf('connectors sync (one process, SQLite)', 0, report, report.cpuMs / 1000, sandbox.cpuS() - before, {}, m.code === 0 ? [] : [`exit ${m.code}`])
      }),
    )
    for (const n of workerCounts) {
      log(`fleet: ${n} worker(s)…`)
      const state = await postgres.database()
      const prefix = redis.prefix()
      rows.push(
        await withSandbox(fleet, async (sandbox) => {
          const config = await writeConfig(dir, sandbox)
          const workers = Array.from({ length: n }, () => startWorker(dir, redis.url, relay.via(state), prefix))
          try {
            await Promise.all(workers.map((w) => w.ready))
            const [cpu0, sandbox0, commands0, trips0] = [workers.map((w) => w.cpuS()), sandbox.cpuS(), await redisCommands(redis.url), relay.roundTrips()]
            const out = join(dir, `workers-${n}`)
            const m = await measure([CLI, 'sync', '--config', config, '--out', out, '--redis', redis.url, '--state', relay.via(state), '--log-level', 'error'], { cwd: dir, env: env(prefix) })
            const workerCpu = workers.reduce((s, w, i) => s + w.cpuS() - (cpu0[i] as number), 0)
            const [commands, trips, sandboxCpuS] = [(await redisCommands(redis.url)) - commands0, relay.roundTrips() - trips0, sandbox.cpuS() - sandbox0]
            const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report
            const differences = [...(m.code === 0 ? [] : [`exit ${m.code}`]), ...failuresOf(report), ...(await sameRun(join(dir, 'single'), join(dir, 'single.db'), out, state, fleet))]
            const units = report.units.length
            return rowOf(`${n} × connectors worker (Redis, PostgreSQL)`, n, report, report.cpuMs / 1000 + workerCpu, sandboxCpuS, { redisCommandsPerUnit: commands / units, pgRoundTripsPerUnit: trips / units }, differences)
          } finally {
            for (const w of workers) w.child.kill('SIGTERM')
            await Promise.all(workers.map((w) => w.exited))
          }
        }),
      )
    }
    return rows
  } finally {
    await relay.close()
    await Promise.all([redis.close(), postgres.close()])
    await rm(dir, { recursive: true, force: true })
  }
}
