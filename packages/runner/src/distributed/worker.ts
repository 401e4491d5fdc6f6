/**
 * A worker: takes units from the queue and runs each with `runUnit` — the same function, sinks and outputs as a
 * local run — against the shared state and output folder. Around it, what the cluster shares: the account lock,
 * the AssumeRole bucket, and the run's interrupt flag.
 *
 * A unit is settled once per run. A job whose worker died is handed to another worker (BullMQ's stalled-job check);
 * the new attempt first looks in the state for a history row of this run and unit — written in the same transaction
 * as the state's commit — and, finding one, returns its envelope without running again. Otherwise it runs the unit
 * afresh: beginning its staging discards the dead attempt's, and its outputs replace the dead attempt's files whole.
 */
import { ConnectorError, type AnyConnector, type Logger } from '@connectors/core'
import { Worker, type Job } from 'bullmq'
import * as E from 'fp-ts/Either'
import type { Redis } from 'ioredis'
import { fileNameOf } from '../plan.js'
import type { Envelope } from '../run/envelope.js'
import { DEFAULT_RETENTION_DAYS } from '../run/run.js'
import { runUnit, type PlannedUnit } from '../run/unit.js'
import type { StateBackend } from '../state-client.js'
import type { Budgets } from './budget.js'
import { UNITS_QUEUE, unitOfJob, type UnitJob } from './job.js'
import { interruptedKey } from './keys.js'

/** What a worker runs with. */
export interface WorkerDeps {
  readonly connection: Redis
  readonly prefix: string
  readonly state: StateBackend
  readonly budgets: Budgets
  readonly concurrency: number
  readonly logger: Logger
  readonly env: Readonly<Record<string, string | undefined>>
  /** Loads a connector by the name the run config gives it. */
  readonly load: (name: string, cwd: string) => Promise<AnyConnector>
}

/** How long a job's lock lives without renewal: a worker that died releases its units to others after this. */
export const JOB_LOCK_MS = 10_000

/** Starts taking units; `close()` stops taking new ones and waits for those running. */
export function startWorker(deps: WorkerDeps): Worker<UnitJob, Envelope> {
  const worker = new Worker<UnitJob, Envelope>(UNITS_QUEUE, (job) => processUnit(job, deps), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency,
    lockDuration: JOB_LOCK_MS,
    stalledInterval: JOB_LOCK_MS / 2,
    // A unit stalls only when its worker died or froze: retry it a few times, each on whichever worker is free.
    maxStalledCount: 5,
    autorun: true,
  })
  worker.on('error', (error) => deps.logger.warn({ error: error.message }, 'queue connection error; reconnecting'))
  return worker
}

/** A planned unit that fails at once, with `detail` as its config error: the job could not be turned into a unit here. */
function unrunnable(job: UnitJob, connector: AnyConnector, detail: string): PlannedUnit {
  const error = ConnectorError.invalidConfig({ connector: connector.id, account: '-', operation: 'config', detail, issues: [], fix: 'set the variables the run config references on every worker, or fix the run config' })
  return { unit: job.entry.name, fileName: fileNameOf(job.entry.name), connector, config: undefined, account: E.left(error), exclude: [] }
}

async function processUnit(job: Job<UnitJob, Envelope>, deps: WorkerDeps): Promise<Envelope> {
  const data = job.data
  const connector = await deps.load(data.connector, data.baseDir)
  const [settled] = await deps.state.runResults(data.runId, { connector: connector.id, unit: data.entry.name })
  if (settled !== undefined) return JSON.parse(settled.envelope) as Envelope
  const resolved = unitOfJob(data, connector, deps.env)
  const unit = E.isLeft(resolved) ? unrunnable(data, connector, resolved.left) : resolved.right.unit
  const platform = E.isRight(resolved) ? resolved.right.platform : undefined
  const interrupt = new AbortController()
  const watch = await watchInterrupt(deps, data.runId, interrupt)
  const lock = E.isRight(unit.account) ? await deps.budgets.lockAccount(`${connector.id}/${unit.account.right}`, interrupt.signal) : undefined
  try {
    // Asked again under the lock: an attempt that held it (one whose job only seemed to stall) may have finished the unit meanwhile.
    const [finished] = lock !== undefined ? await deps.state.runResults(data.runId, { connector: connector.id, unit: data.entry.name }) : []
    if (finished !== undefined) return JSON.parse(finished.envelope) as Envelope
    if (E.isRight(unit.account) && !interrupt.signal.aborted) await deps.budgets.takeAssumeRole(platform?.principalArn ?? 'default', interrupt.signal)
    const who = { runId: data.runId, unit: unit.unit, connector: connector.id }
    deps.logger.info(who, 'unit started')
    const envelope = await runUnit(unit, {
      runId: data.runId,
      out: data.out,
      state: deps.state,
      drop: data.drop,
      retentionDays: data.retentionDays ?? DEFAULT_RETENTION_DAYS,
      ...(platform !== undefined ? { platform } : {}),
      logger: deps.logger,
      env: deps.env,
      signal: interrupt.signal,
      emit: () => undefined,
    })
    deps.logger[envelope.status === 'ok' ? 'info' : 'warn']({ ...who, status: envelope.status, counts: envelope.counts }, 'unit finished')
    return envelope
  } finally {
    clearInterval(watch)
    await lock?.release()
  }
}

/** Checks the run's interrupt flag (set by the sync on SIGINT/SIGTERM) now and every second; aborts the unit once it is raised. */
async function watchInterrupt(deps: WorkerDeps, runId: string, interrupt: AbortController): Promise<NodeJS.Timeout> {
  const check = () =>
    deps.connection
      .exists(interruptedKey(deps.prefix, runId))
      .then((n) => void (n > 0 && interrupt.abort()))
      .catch(() => undefined)
  await check()
  return setInterval(() => void check(), 1000)
}
