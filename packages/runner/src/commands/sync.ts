/**
 * `connectors sync`: plans the run (refusing an ambiguous config before anything runs), takes the locks on the
 * output folder and the state file, runs every unit, prints the recap, and always leaves report.json.
 */
import type { AnyConnector } from '@connectors/core'
import * as E from 'fp-ts/Either'
import { randomUUID } from 'node:crypto'
import { mkdir, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { acquireLock, LockedError, type Lock } from '../lock.js'
import { createLogger, redactedFields, type LOG_FORMATS, type LOG_LEVELS } from '../logger.js'
import { planUnits } from '../plan.js'
import { createProgress } from '../progress.js'
import { recap } from '../recap.js'
import { DEFAULT_DROP_THRESHOLD } from '../run/drop-guard.js'
import { runSync, type SyncOptions, type SyncResult } from '../run/run.js'
import { prefixOf } from '../distributed/keys.js'
import type { PlannedUnit } from '../run/unit.js'
import { configDir, type RunConfig } from '../run-config.js'
import type { StateBackend } from '../state-client.js'
import { describeState, isPostgresUrl, lockState, openStateBackend, prewarmStateBackend } from '../state-open.js'
import { colorOn, DEFAULT_CONCURRENCY, EXIT, load, readRunConfig, UsageError, type Io } from './io.js'

/** The options of `sync`. */
export interface SyncCommandOptions {
  readonly config: string
  readonly out?: string
  readonly state?: string
  readonly concurrency?: number
  readonly acceptDrop?: boolean
  /** Enqueue the units for `connectors worker` processes on this Redis instead of running them here. */
  readonly redis?: string
  readonly account?: ReadonlyArray<string>
  readonly logLevel: (typeof LOG_LEVELS)[number]
  readonly logFormat: (typeof LOG_FORMATS)[number]
}

/** A folder the run can write (`what` names where it came from, e.g. `--out out`): not a file, creatable. */
async function usableFolder(folder: string, what: string): Promise<void> {
  const existing = await stat(folder).catch(() => undefined)
  if (existing !== undefined && !existing.isDirectory()) throw new UsageError(`${what}: ${folder} is a file, not a folder; give a path in a writable folder`)
  await mkdir(folder, { recursive: true }).catch((error: Error) => {
    throw new UsageError(`${what}: cannot create the folder ${folder} (${error.message}); give a path in a writable folder`)
  })
}

/** Takes a run lock; a lock that cannot even be taken is the user's to fix (a read-only folder, a database gone). */
const lock = (take: () => Promise<Lock>, what: string) =>
  take().catch((error: Error) => {
    throw error instanceof LockedError ? error : new UsageError(`cannot lock ${what} (${error.message}); give a writable location`)
  })

/** Opens the state; one that cannot be opened is the user's to fix, and the message says how. */
const open = (state: string) =>
  openStateBackend(state).catch((error: Error) => {
    throw new UsageError(error.message)
  })

/** The units of the run and the connectors of its entries, or a usage error naming every problem. */
async function plannedUnits(config: RunConfig, opts: SyncCommandOptions, io: Io): Promise<{ readonly units: ReadonlyArray<PlannedUnit>; readonly connectors: ReadonlyArray<AnyConnector> }> {
  const connectors = await load(config.connectors.map((c) => c.connector), io.cwd)
  const planned = planUnits(config, connectors, opts.account, configDir(opts.config, io.cwd))
  if (E.isLeft(planned)) throw new UsageError(`run config ${opts.config}:\n  ${planned.left.join('\n  ')}`)
  return { units: planned.right, connectors }
}

/** The modules of a queued run. */
const queueModules = async () => ({ ...(await import('../distributed/config.js')), ...(await import('../distributed/connection.js')), ...(await import('../distributed/enqueue.js')) })

/** Runs `sync`; returns the exit code. Nothing is created on disk before the run config and its connectors are valid. */
export async function syncCommand(opts: SyncCommandOptions, io: Io): Promise<number> {
  const baseDir = configDir(opts.config, io.cwd)
  // The queue's modules (BullMQ, ioredis) load only for a queued run: a local sync starts without them.
  const queue = opts.redis !== undefined ? await queueModules() : undefined
  // A queued run keeps the config as written too: its jobs carry `${env:…}` unresolved.
  const source = queue !== undefined ? await queue.readQueuedConfig(opts.config, io, baseDir) : undefined
  const config = source?.config ?? (await readRunConfig(opts.config, io))
  const stateOption = opts.state ?? config.state
  // A database URL is taken as it is; a file path resolves against the working directory (or the config's folder).
  const statePath = stateOption !== undefined && isPostgresUrl(stateOption) ? stateOption : opts.state !== undefined ? resolve(io.cwd, opts.state) : (config.state ?? resolve(io.cwd, '.connectors', 'state.db'))
  // The store's thread loads its code while the connectors load here (two cores, half the start-up).
  if (opts.redis === undefined) prewarmStateBackend(statePath)
  const { units, connectors } = await plannedUnits(config, opts, io)
  const out = opts.out !== undefined ? resolve(io.cwd, opts.out) : (config.out ?? resolve(io.cwd, 'out'))
  const shared = isPostgresUrl(statePath)
  if (opts.redis !== undefined && !shared) throw new UsageError('--redis needs a state every worker reaches: give --state postgres://user@host:port/database')
  await usableFolder(out, opts.out !== undefined ? `--out ${opts.out}` : `the output folder ${out}`)
  if (!shared) await usableFolder(dirname(statePath), opts.state !== undefined ? `--state ${opts.state}` : `the state file ${statePath}`)
  const runId = randomUUID()
  const locks: Lock[] = []
  let state: StateBackend | undefined
  try {
    locks.push(await lock(() => acquireLock(join(out, '.run.lock'), `the output folder ${out}`, runId), `the output folder ${out}`))
    // A database is opened (and its schema migrated) before its lock, whose holder row lives in it; a file is locked first.
    if (shared) state = await open(statePath)
    locks.push(await lock(() => lockState(statePath, runId), describeState(statePath)))
    state ??= await open(statePath)
    const opened = state
    const run = { out, state: opened, runId, concurrency: opts.concurrency ?? config.concurrency ?? DEFAULT_CONCURRENCY, drop: { threshold: config.dropThreshold ?? DEFAULT_DROP_THRESHOLD, accept: opts.acceptDrop === true }, ...(config.retentionDays !== undefined ? { retentionDays: config.retentionDays } : {}), ...(config.platform !== undefined ? { platform: config.platform } : {}) }
    if (opts.redis === undefined || source === undefined || queue === undefined) return await execute(units, run.out, opts, io, (hooks) => runSync(units, { ...run, ...hooks, env: io.env }))
    const jobs = queue.jobsOf(units, connectors, source, { runId, out, baseDir, drop: run.drop, ...(run.retentionDays !== undefined ? { retentionDays: run.retentionDays } : {}) })
    const connection = queue.connectRedis(opts.redis)
    try {
      return await execute(units, run.out, opts, io, (hooks) => queue.runDistributed(units, jobs, { runId, out, connection, prefix: prefixOf(io.env), state: opened, ...hooks }))
    } finally {
      connection.disconnect()
    }
  } finally {
    await state?.close()
    for (const held of locks.reverse()) await held.release()
  }
}

/** What a run is given by the command: where to log, when to stop, where progress goes. */
type Hooks = Pick<SyncOptions, 'logger' | 'onProgress'> & { readonly signal: AbortSignal }

/** Runs the units (here, or on workers) with progress, logs and the interrupt wired to the process; prints the recap. */
async function execute(units: ReadonlyArray<PlannedUnit>, out: string, opts: SyncCommandOptions, io: Io, go: (hooks: Hooks) => Promise<SyncResult>): Promise<number> {
  const live = io.stderr.isTTY === true && io.env['TERM'] !== 'dumb'
  const progress = createProgress({
    units: units.map((u) => ({ unit: u.unit, connector: u.connector.id })),
    stream: live ? io.stderr : { write: io.out },
    live,
    color: colorOn(live || io.stdoutIsTty, io.env),
  })
  const logger = createLogger(opts.logLevel, opts.logFormat, live ? (line) => progress.log(line) : io.err, redactedFields(units.map((u) => u.connector)), colorOn(io.stderr.isTTY === true, io.env))
  const interrupt = new AbortController()
  const unsubscribe = io.onInterrupt?.((signal) => {
    logger.warn({ signal }, 'interrupted: stopping the running accounts; nothing of them is applied')
    interrupt.abort()
  })
  try {
    const { report, reportError } = await go({ logger, signal: interrupt.signal, onProgress: progress.update })
    progress.finish()
    io.out(recap(report, out, colorOn(io.stdoutIsTty, io.env)))
    if (reportError !== undefined) io.err(`connectors: ${reportError}\n`)
    if (report.interrupted) return EXIT.interrupted
    return report.units.every((u) => u.status === 'ok') && reportError === undefined ? EXIT.ok : EXIT.notOk
  } finally {
    unsubscribe?.()
  }
}
