/**
 * `connectors sync` as a library: every planned unit runs under a bounded pool, each sealed in its own envelope;
 * `report.json` is written on every way out — all units done, some crashed, or the run interrupted — and the
 * run's temporaries are removed.
 */
import type { Logger, PlatformIdentity } from '@connectors/core'
import { randomUUID } from 'node:crypto'
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ProgressEvent } from '../progress.js'
import { writeFileAtomic } from '../outputs.js'
import type { SyncState } from '../state-client.js'
import type { DropPolicy } from './drop-guard.js'
import { SCHEMA_VERSION, type Envelope } from './envelope.js'
import { STAGING_DIR } from './paths.js'
import { mapPooled } from './pool.js'
import { runUnit, type PlannedUnit, type UnitDeps } from './unit.js'

/** How long a deleted user stays in every users file unless the run config says otherwise. */
export const DEFAULT_RETENTION_DAYS = 90

/** Sync options. */
export interface SyncOptions {
  readonly out: string
  readonly state: SyncState
  readonly concurrency: number
  readonly drop: DropPolicy
  /** How long a deleted user stays in every users file, in days (default 90). */
  readonly retentionDays?: number
  /** The platform's identity, from the run config (default ExternalId, principal, credential sources). */
  readonly platform?: PlatformIdentity
  readonly logger: Logger
  readonly env: Readonly<Record<string, string | undefined>>
  /** Aborting it interrupts the run: running units stop and apply nothing, waiting ones never start. */
  readonly signal?: AbortSignal
  readonly runId?: string
  /** Progress, per unit (by its name). */
  readonly onProgress?: (unit: string, event: ProgressEvent) => void
  /** Substitute outputs (tests). */
  readonly openOutputs?: UnitDeps['openOutputs']
}

/** The run's report: `report.json`. */
export interface Report {
  readonly schemaVersion: number
  readonly runId: string
  readonly startedAt: string
  readonly finishedAt: string
  readonly elapsedMs: number
  /** CPU time of the process during the sync. */
  readonly cpuMs: number
  /** Share of the sync the main thread was busy: near 1, this machine's CPU set the pace, not the upstream. */
  readonly mainThreadBusy: number
  /** True when a signal stopped the run; its unfinished units say `interrupted`. */
  readonly interrupted: boolean
  readonly units: ReadonlyArray<Envelope>
}

/** A sync's result: the report, and why report.json could not be written, if it could not. */
export interface SyncResult {
  readonly report: Report
  readonly reportError?: string
}

/** What a run measures from its start: the wall clock, the process's CPU and its event loop. */
export interface RunClock {
  readonly startedAt: Date
  readonly cpu: NodeJS.CpuUsage
  readonly busy: ReturnType<typeof performance.eventLoopUtilization>
}

/** Starts a run's clock. */
export const startClock = (): RunClock => ({ startedAt: new Date(), cpu: process.cpuUsage(), busy: performance.eventLoopUtilization() })

/** Builds the run's report from its envelopes and writes `report.json`; a write that fails is returned, never thrown. */
export async function writeReport(out: string, runId: string, clock: RunClock, interrupted: boolean, units: ReadonlyArray<Envelope>): Promise<SyncResult> {
  const finishedAt = new Date()
  const used = process.cpuUsage(clock.cpu)
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    runId,
    startedAt: clock.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    elapsedMs: finishedAt.getTime() - clock.startedAt.getTime(),
    cpuMs: Math.round((used.user + used.system) / 1000),
    mainThreadBusy: Math.round(performance.eventLoopUtilization(clock.busy).utilization * 1000) / 1000,
    interrupted,
    units,
  }
  const file = join(out, 'report.json')
  try {
    await writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`)
    return { report }
  } catch (error) {
    return { report, reportError: `cannot write ${file}: ${(error as Error).message}` }
  }
}

/** Runs every unit and writes `report.json`; never throws for a unit's failure. */
export async function runSync(units: ReadonlyArray<PlannedUnit>, options: SyncOptions): Promise<SyncResult> {
  const clock = startClock()
  const runId = options.runId ?? randomUUID()
  const signal = options.signal ?? new AbortController().signal
  await prepareOut(options.out)
  const deps: Omit<UnitDeps, 'emit'> = { runId, out: options.out, state: options.state, drop: options.drop, retentionDays: options.retentionDays ?? DEFAULT_RETENTION_DAYS, ...(options.platform !== undefined ? { platform: options.platform } : {}), logger: options.logger, env: options.env, signal, ...(options.openOutputs !== undefined ? { openOutputs: options.openOutputs } : {}) }
  try {
    const envelopes = await mapPooled(units, options.concurrency, (unit) => runLogged(unit, { ...deps, emit: (event) => tell(() => options.onProgress?.(unit.unit, event)) }, options))
    return await writeReport(options.out, runId, clock, signal.aborted, envelopes)
  } finally {
    await rm(join(options.out, STAGING_DIR), { recursive: true, force: true })
  }
}

/** Runs a unit with its start and end logged, and its end shown as progress. */
async function runLogged(unit: PlannedUnit, deps: UnitDeps, options: SyncOptions): Promise<Envelope> {
  const who = { unit: unit.unit, connector: unit.connector.id }
  if (!deps.signal.aborted) {
    tell(() => options.logger.info(who, 'unit started'))
    tell(() => options.onProgress?.(unit.unit, { type: 'started' }))
  }
  const envelope = await runUnit(unit, deps)
  const level = envelope.status === 'ok' ? 'info' : envelope.status === 'failed' ? 'error' : 'warn'
  tell(() => options.logger[level]({ ...who, accountId: envelope.accountId, status: envelope.status, counts: envelope.counts, elapsedMs: envelope.elapsedMs, errors: envelope.errors.map((e) => ({ reason: e['reason'], operation: e['operation'], message: e['message'], fix: e['fix'] })) }, 'unit finished'))
  const fix = envelope.errors.map((e) => e['fix']).find((f): f is string => typeof f === 'string')
  tell(() => options.onProgress?.(unit.unit, { type: 'done', status: envelope.status, users: envelope.counts.users, ...(fix !== undefined ? { fix } : {}) }))
  return envelope
}

/** Logs and progress are for people watching: a failure to show them must not fail the run. */
function tell(show: () => void): void {
  try {
    show()
  } catch {
    // nothing to do: the envelope and report.json carry the same facts
  }
}

/**
 * Makes the output folder ready: what a run that was killed left behind (its staging folder, its temporaries)
 * is removed. The caller holds the folder's lock, so nothing else is writing there.
 */
export async function prepareOut(out: string): Promise<void> {
  await mkdir(out, { recursive: true })
  await sweepOut(out)
}

/**
 * Removes the staging folder and every output temporary (`*.tmp-<pid>`) under `out`. Only while no unit writes
 * there: before a run starts, or after a queued run's units settled (a worker that died mid-unit leaves its
 * temporaries behind; the attempt that replaced it wrote its own and renamed them).
 */
export async function sweepOut(out: string): Promise<void> {
  await rm(join(out, STAGING_DIR), { recursive: true, force: true })
  for (const dir of [out, ...(await subfolders(join(out, 'records'))), ...(await subfolders(join(out, 'torii')))]) {
    for (const entry of await readdir(dir).catch(() => [])) if (/\.tmp-\d+$/.test(entry)) await rm(join(dir, entry), { force: true })
  }
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isDirectory()).map((e) => join(dir, e.name))
}

