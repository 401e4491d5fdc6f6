/**
 * `connectors sync`: plans the run (refusing an ambiguous config before anything runs), takes the locks on the
 * output folder and the state file, runs every unit, prints the recap, and always leaves report.json.
 */
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
import { runSync, type SyncOptions } from '../run/run.js'
import type { PlannedUnit } from '../run/unit.js'
import { configDir, type RunConfig } from '../run-config.js'
import { StateWorker } from '../state-client.js'
import { colorOn, DEFAULT_CONCURRENCY, EXIT, load, readRunConfig, UsageError, type Io } from './io.js'

/** The options of `sync`. */
export interface SyncCommandOptions {
  readonly config: string
  readonly out?: string
  readonly state?: string
  readonly concurrency?: number
  readonly acceptDrop?: boolean
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

/** Takes a run lock; a lock that cannot even be written is the user's to fix (a read-only folder). */
const lock = (file: string, what: string, runId: string) =>
  acquireLock(file, what, runId).catch((error: Error) => {
    throw error instanceof LockedError ? error : new UsageError(`cannot lock ${what} (${error.message}); give a writable location`)
  })

/** The units of the run, or a usage error naming every problem. */
async function plannedUnits(config: RunConfig, opts: SyncCommandOptions, io: Io): Promise<ReadonlyArray<PlannedUnit>> {
  const planned = planUnits(config, await load(config.connectors.map((c) => c.connector), io.cwd), opts.account, configDir(opts.config, io.cwd))
  if (E.isLeft(planned)) throw new UsageError(`run config ${opts.config}:\n  ${planned.left.join('\n  ')}`)
  return planned.right
}

/** Runs `sync`; returns the exit code. Nothing is created on disk before the run config and its connectors are valid. */
export async function syncCommand(opts: SyncCommandOptions, io: Io): Promise<number> {
  const config = await readRunConfig(opts.config, io)
  const units = await plannedUnits(config, opts, io)
  const out = opts.out !== undefined ? resolve(io.cwd, opts.out) : (config.out ?? resolve(io.cwd, 'out'))
  const statePath = opts.state !== undefined ? resolve(io.cwd, opts.state) : (config.state ?? resolve(io.cwd, '.connectors', 'state.db'))
  await usableFolder(out, opts.out !== undefined ? `--out ${opts.out}` : `the output folder ${out}`)
  await usableFolder(dirname(statePath), opts.state !== undefined ? `--state ${opts.state}` : `the state file ${statePath}`)
  const runId = randomUUID()
  const locks: Lock[] = []
  try {
    locks.push(await lock(join(out, '.run.lock'), `the output folder ${out}`, runId))
    locks.push(await lock(`${statePath}.lock`, `the state file ${statePath}`, runId))
    const state = await StateWorker.open(statePath).catch((error: Error) => {
      throw new UsageError(error.message)
    })
    try {
      return await execute(units, { out, state, runId, concurrency: opts.concurrency ?? config.concurrency ?? DEFAULT_CONCURRENCY, drop: { threshold: config.dropThreshold ?? DEFAULT_DROP_THRESHOLD, accept: opts.acceptDrop === true }, ...(config.retentionDays !== undefined ? { retentionDays: config.retentionDays } : {}), ...(config.platform !== undefined ? { platform: config.platform } : {}) }, opts, io)
    } finally {
      await state.close()
    }
  } finally {
    for (const held of locks.reverse()) await held.release()
  }
}

/** Runs the units with progress, logs and the interrupt wired to the process; prints the recap. */
async function execute(units: ReadonlyArray<PlannedUnit>, run: Pick<SyncOptions, 'out' | 'state' | 'runId' | 'concurrency' | 'drop' | 'retentionDays' | 'platform'>, opts: SyncCommandOptions, io: Io): Promise<number> {
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
    const { report, reportError } = await runSync(units, { ...run, logger, env: io.env, signal: interrupt.signal, onProgress: progress.update })
    progress.finish()
    io.out(recap(report, run.out, colorOn(io.stdoutIsTty, io.env)))
    if (reportError !== undefined) io.err(`connectors: ${reportError}\n`)
    if (report.interrupted) return EXIT.interrupted
    return report.units.every((u) => u.status === 'ok') && reportError === undefined ? EXIT.ok : EXIT.notOk
  } finally {
    unsubscribe?.()
  }
}
