/**
 * `connectors sync --redis`: the run as a BullMQ flow — one child job per unit on the shared units queue, and a
 * parent on a queue of the run's own that this process works itself: BullMQ hands it over once every child is
 * settled, and it collects their envelopes into the run's report. Progress comes from the units queue's events.
 *
 * Redis is the queue, not the record: each unit's envelope is also kept by the state in the same transaction as
 * its commit (its history row). If Redis loses the run (a restart without persistence), the flow is queued again
 * with the units not yet settled, and the report takes the settled ones' envelopes from the state.
 */
import { FlowProducer, Queue, QueueEvents, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import type { ProgressEvent } from '../progress.js'
import type { Envelope } from '../run/envelope.js'
import { prepareOut, startClock, sweepOut, writeReport, type SyncResult } from '../run/run.js'
import type { PlannedUnit } from '../run/unit.js'
import type { StateBackend } from '../state-client.js'
import { jobIdOf, runQueue, UNITS_QUEUE, type UnitJob } from './job.js'
import { interruptedKey } from './keys.js'
import type { Logger } from '@connectors/core'

/** What a distributed run needs from the sync command. */
export interface DistributedRun {
  readonly runId: string
  readonly out: string
  readonly connection: Redis
  readonly prefix: string
  readonly state: StateBackend
  readonly logger: Logger
  readonly signal: AbortSignal
  readonly onProgress?: (unit: string, event: ProgressEvent) => void
}

/** How often the run checks that Redis still holds it. */
const WATCH_MS = 2000

/** Queues the units (`jobs[i]` is `units[i]`'s job), waits for every one, and writes report.json. */
export async function runDistributed(units: ReadonlyArray<PlannedUnit>, jobs: ReadonlyArray<UnitJob>, run: DistributedRun): Promise<SyncResult> {
  const clock = startClock()
  await prepareOut(run.out)
  const ids = jobs.map((job, i) => jobIdOf(run.runId, (units[i] as PlannedUnit).connector.id, job.entry.name))
  const unitOfId = new Map(ids.map((id, i) => [id, (units[i] as PlannedUnit).unit]))
  const opts = { connection: run.connection, prefix: run.prefix }
  const flows = new FlowProducer(opts)
  const parents = new Queue(runQueue(run.runId), opts)
  const events = new QueueEvents(UNITS_QUEUE, { ...opts, autorun: true })
  const tell = (unit: string | undefined, event: ProgressEvent) => {
    if (unit === undefined) return
    try {
      run.onProgress?.(unit, event)
    } catch {
      // progress is for people watching: it never fails a run
    }
  }
  events.on('active', ({ jobId }) => tell(unitOfId.get(jobId), { type: 'started' }))
  events.on('completed', ({ jobId, returnvalue }) => {
    const envelope = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as Envelope
    const fix = envelope.errors.map((e) => e['fix']).find((f): f is string => typeof f === 'string')
    tell(unitOfId.get(jobId), { type: 'done', status: envelope.status, users: envelope.counts.users, ...(fix !== undefined ? { fix } : {}) })
  })
  events.on('error', () => undefined) // reconnects on its own; the watch below finds out what was lost
  const parentId = `run-${run.runId}`
  const enqueue = (pending: ReadonlyArray<number>) =>
    flows.add({
      name: 'run',
      queueName: runQueue(run.runId),
      data: { runId: run.runId },
      opts: { jobId: parentId },
      children: pending.map((i) => ({
        name: 'unit',
        queueName: UNITS_QUEUE,
        data: jobs[i] as UnitJob,
        // A unit that cannot even be taken (its connector fails to load, Redis fails it) is reported, not awaited forever.
        opts: { jobId: ids[i] as string, attempts: 3, backoff: { type: 'exponential', delay: 1000 }, ignoreDependencyOnFailure: true, removeOnComplete: true, removeOnFail: true },
      })),
    })
  const onInterrupt = () => void run.connection.set(interruptedKey(run.prefix, run.runId), '1', 'EX', 86_400).catch(() => undefined)
  run.signal.addEventListener('abort', onInterrupt, { once: true })
  let collector: Worker | undefined
  let watch: NodeJS.Timeout | undefined
  try {
    await events.waitUntilReady()
    await enqueue(jobs.map((_, i) => i))
    const collected = new Promise<{ values: Record<string, Envelope>; failures: Record<string, string> }>((resolve) => {
      collector = new Worker(runQueue(run.runId), async (job) => {
        const result = { values: await job.getChildrenValues<Envelope>(), failures: await job.getIgnoredChildrenFailures() }
        resolve(result)
        return null
      }, { ...opts, concurrency: 1 })
      collector.on('error', () => undefined)
    })
    // Redis that lost the run (restarted without persistence) is given the units the state has not settled again.
    watch = setInterval(() => {
      void (async () => {
        if ((await parents.getJob(parentId)) !== undefined) return
        const settled = new Set((await run.state.runResults(run.runId)).map((r) => `${r.connector}\u0000${r.unit}`))
        const pending = units.flatMap((u, i) => (settled.has(`${u.connector.id}\u0000${u.unit}`) ? [] : [i]))
        run.logger.warn({ runId: run.runId, pending: pending.length }, 'the queue lost this run (Redis restarted?); queueing its unsettled accounts again')
        await enqueue(pending)
      })().catch(() => undefined)
    }, WATCH_MS)
    const { values, failures } = await collected
    const byId = new Map(Object.entries(values).map(([key, envelope]) => [key.slice(key.lastIndexOf(':') + 1), envelope]))
    const failedById = new Map(Object.entries(failures).map(([key, reason]) => [key.slice(key.lastIndexOf(':') + 1), reason]))
    const stored = new Map((await run.state.runResults(run.runId)).map((r) => [`${r.connector}\u0000${r.unit}`, JSON.parse(r.envelope) as Envelope]))
    const envelopes = units.map((u, i) => byId.get(ids[i] as string) ?? stored.get(`${u.connector.id}\u0000${u.unit}`) ?? notRun(u, failedById.get(ids[i] as string)))
    return await writeReport(run.out, run.runId, clock, run.signal.aborted, envelopes)
  } finally {
    clearInterval(watch)
    run.signal.removeEventListener('abort', onInterrupt)
    await collector?.close().catch(() => undefined)
    await parents.obliterate({ force: true }).catch(() => undefined)
    await Promise.all([events.close(), flows.close(), parents.close()].map((p) => p.catch(() => undefined)))
    await run.connection.del(interruptedKey(run.prefix, run.runId)).catch(() => undefined)
    await sweepOut(run.out)
  }
}

/** The envelope of a unit no worker could run: `failed`, with the queue's reason. */
function notRun(unit: PlannedUnit, reason: string | undefined): Envelope {
  const now = new Date().toISOString()
  const detail = `no worker could run this account: ${reason ?? 'its job was lost'}`
  const error = { reason: 'Internal', connector: unit.connector.id, account: '-', operation: 'queue', retryable: true, detail, fix: 'check the workers’ logs (is the connector installed on every worker?), then sync again', message: detail }
  return {
    unit: unit.unit,
    connector: unit.connector.id,
    accountId: null,
    status: 'failed',
    counts: { users: 0, groups: 0, memberships: 0, deleted: 0, unmatchedEmail: 0, excluded: 0 },
    errors: [error],
    startedAt: now,
    finishedAt: now,
    elapsedMs: 0,
    processingMs: 0,
    apiCalls: 0,
    throttled: 0,
    retries: 0,
    recordsFile: null,
    recordsFileReason: 'the sync failed',
    usersFile: null,
    usersFileReason: 'the sync failed',
  }
}
