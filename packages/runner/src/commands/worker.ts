/**
 * `connectors worker`: takes the units that `sync --redis` queues and runs them against the shared state, until
 * SIGINT or SIGTERM — then takes no more and lets the running ones finish. Credentials, and every `${env:…}` the run
 * config references, come from this process's environment.
 */
import type { AnyConnector } from '@connectors/core'
import { Budgets } from '../distributed/budget.js'
import { connectRedis } from '../distributed/connection.js'
import { prefixOf } from '../distributed/keys.js'
import { startWorker } from '../distributed/worker.js'
import { loadConnector } from '../load.js'
import { createLogger, redactedFields, type LOG_FORMATS, type LOG_LEVELS } from '../logger.js'
import { isPostgresUrl, openStateBackend } from '../state-open.js'
import { DEFAULT_CONCURRENCY, EXIT, installed, load, UsageError, type Io } from './io.js'

/** The options of `worker`. */
export interface WorkerCommandOptions {
  readonly redis: string
  readonly state: string
  readonly concurrency?: number
  readonly logLevel: (typeof LOG_LEVELS)[number]
  readonly logFormat: (typeof LOG_FORMATS)[number]
}

/** The platform principal's AssumeRole calls per second across the cluster (`CONNECTORS_ASSUME_ROLE_RATE`, default 20). */
function assumeRoleRate(env: Io['env']): number {
  const given = env['CONNECTORS_ASSUME_ROLE_RATE']
  if (given === undefined || given === '') return 20
  const rate = Number(given)
  if (!(rate > 0)) throw new UsageError(`CONNECTORS_ASSUME_ROLE_RATE=${given}: give calls per second, a number above 0`)
  return rate
}

/** Each connector is loaded and checked once per worker, not once per job. */
const loaded = new Map<string, Promise<AnyConnector>>()
const loadOnce = (name: string, cwd: string): Promise<AnyConnector> => {
  const key = `${cwd}\u0000${name}`
  const found = loaded.get(key) ?? loadConnector(name, cwd)
  loaded.set(key, found)
  // A failed load is not kept: the next job tries again (a connector installed meanwhile).
  found.catch(() => loaded.delete(key))
  return found
}

/** Runs `worker`; returns the exit code once interrupted. */
export async function workerCommand(opts: WorkerCommandOptions, io: Io): Promise<number> {
  if (!isPostgresUrl(opts.state)) throw new UsageError(`--state ${opts.state}: a worker needs the state every worker reaches: give postgres://user@host:port/database`)
  if (!/^rediss?:\/\//.test(opts.redis)) throw new UsageError('--redis: give the queue as redis://host:port (or rediss://)')
  const rate = assumeRoleRate(io.env)
  // Every key an installed connector marks sensitive is redacted, as in a local run.
  const logger = createLogger(opts.logLevel, opts.logFormat, io.err, redactedFields(await load(installed(), io.cwd)), false)
  const state = await openStateBackend(opts.state).catch((error: Error) => {
    throw new UsageError(error.message)
  })
  const connection = connectRedis(opts.redis)
  const prefix = prefixOf(io.env)
  // Subscribed for good: a second signal reaches the process's own handler, which ends it at once.
  const stopped = new Promise<string>((resolve) => void io.onInterrupt?.(resolve))
  const worker = startWorker({
    connection,
    prefix,
    state,
    budgets: new Budgets(connection, prefix, { rate, burst: Math.max(1, Math.ceil(rate)) }),
    concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
    logger,
    env: io.env,
    load: loadOnce,
  })
  logger.info({ state: state.location, concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY }, 'worker ready')
  io.err(`connectors worker: taking accounts (state ${state.location}); stop with Ctrl-C\n`)
  try {
    const signal = await stopped
    logger.warn({ signal }, 'stopping: taking no more accounts, finishing the running ones')
    await worker.close()
    return EXIT.ok
  } finally {
    await state.close().catch(() => undefined)
    connection.disconnect()
  }
}
