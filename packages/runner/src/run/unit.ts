/**
 * One unit of work — a connector and one of its accounts — as a pipeline from the connector's stream of pages into
 * sinks: the records, the platform users file, the state snapshot. Outputs commit first and state last, so state
 * never moves on unless every output of the unit committed. Whatever throws inside a unit is caught here, once,
 * and becomes the unit's envelope; nothing of it reaches another unit.
 */
import { ConnectorError, defaultRunContext, errorToJson, syncAccount, type AnyConnector, type Batch, type Logger, type PlatformIdentity, type SyncEvent, type SyncOutcome } from '@connectors/core'
import * as E from 'fp-ts/Either'
import type { SyncState } from '../state-client.js'
import type { HistoryEntry } from '../state.js'
import { heldDrop, type DropPolicy } from './drop-guard.js'
import type { DropFinding, Envelope, UnitCounts, UnitStatus } from './envelope.js'
import { openRecordsSink } from './sinks/records.js'
import { abortAll, prepare, type OutputSink, type SinkBatch } from './sinks/sink.js'
import { openStateSink, type StateSink } from './sinks/state.js'
import { openUsersFileSink, type UsersFileSink, type UsersFileTally } from './sinks/users-file.js'
import { at, CONNECTOR_STEP, internalError, Interrupted } from './unit-failure.js'
import { unitPaths } from './paths.js'

/** A unit as the plan made it: its name, connector and config, and the account the config addresses. */
export interface PlannedUnit {
  /** The run config's name for the account (unique in the run). */
  readonly unit: string
  /** `unit` made safe as a file name (unique in the run). */
  readonly fileName: string
  readonly connector: AnyConnector
  readonly config: unknown
  /** The upstream account the config addresses, or why the config did not decode. */
  readonly account: E.Either<ConnectorError, string>
  /** Username patterns kept out of the platform users file (service users). */
  readonly exclude: ReadonlyArray<string>
  /** The run config's folder: relative paths in the connector's config are read from there. */
  readonly baseDir?: string
}

/** The outputs of a unit. */
export interface UnitOutputs {
  readonly records: OutputSink
  readonly usersFile: UsersFileSink
}

/** What a unit needs from its run. */
export interface UnitDeps {
  readonly runId: string
  readonly out: string
  readonly state: SyncState
  readonly drop: DropPolicy
  /** How long a deleted user stays in every users file (days). */
  readonly retentionDays: number
  /** The platform's identity, from the run config. */
  readonly platform?: PlatformIdentity
  readonly logger: Logger
  readonly env: Readonly<Record<string, string | undefined>>
  readonly signal: AbortSignal
  readonly emit: (event: SyncEvent) => void
  /** Opens the unit's outputs; the default writes files under `out` (tests substitute outputs that fail). */
  readonly openOutputs?: typeof openOutputs
}

/** The default outputs: the records file and the platform users file. */
export async function openOutputs(unit: PlannedUnit, accountId: string, deps: Pick<UnitDeps, 'runId' | 'out'>, syncedAt: string): Promise<UnitOutputs> {
  const paths = unitPaths(deps.out, unit.connector.id, unit.fileName)
  const records = await openRecordsSink(paths.records, { runId: deps.runId, syncedAt, connector: unit.connector.id, unit: unit.unit, accountId })
  try {
    return { records, usersFile: await openUsersFileSink(paths.usersFile, paths.staging, unit.exclude) }
  } catch (error) {
    await records.abort()
    throw error
  }
}

/** Sinks opened so far (a failure while opening aborts these), and the files committed so far. */
interface Opened {
  outputs?: UnitOutputs
  state?: StateSink
  readonly committed: { records?: string; usersFile?: string }
}

/** Runs one unit to its envelope. Never throws. */
export async function runUnit(unit: PlannedUnit, deps: UnitDeps): Promise<Envelope> {
  const facts = newFacts()
  const ctx = defaultRunContext({ logger: deps.logger, env: deps.env, emit: (event) => (count(facts, event), deps.emit(event)), ...(unit.baseDir !== undefined ? { baseDir: unit.baseDir } : {}), ...(deps.platform !== undefined ? { platform: deps.platform } : {}) })
  if (E.isLeft(unit.account)) return envelopeOf(unit, null, facts, 'failed', [unit.account.left])
  const accountId = unit.account.right
  if (deps.signal.aborted) return envelopeOf(unit, accountId, facts, 'interrupted', [])
  const opened: Opened = { committed: {} }
  // The upstream's first round trip (the session, the first page) goes out now, while the outputs and the state open.
  const pages = syncAccount(unit.connector, unit.config, ctx)
  const first = at(CONNECTOR_STEP, () => pages.next())
  first.catch(() => undefined)
  let pumping = false
  try {
    const { records, usersFile } = (opened.outputs = await at('opening outputs', () => (deps.openOutputs ?? openOutputs)(unit, accountId, deps, facts.startedAt.toISOString())))
    const state = (opened.state = await at('opening the state', () => openStateSink(deps.state, unit.connector.id, unit.unit, accountId)))
    const outputs = { usersFile, records } as const
    pumping = true
    const outcome = await pump(pages, first, [usersFile, records, state], facts, deps.signal)
    const judged = await at('comparing with the last snapshot', () => judge(outcome, state, facts, deps.drop))
    const departure = { at: new Date().toISOString(), retainSince: new Date(Date.now() - deps.retentionDays * 86_400_000).toISOString() }
    if (judged.status === 'ok') {
      for await (const page of state.deleted()) await writeAll([usersFile, records], { entity: 'users', records: page }, facts, 'deleted')
      // Every users file is a full statement: users deleted by earlier syncs stay in it for the retention window.
      for await (const page of state.retained(departure.retainSince)) await writeAll([usersFile], { entity: 'users', records: page }, facts)
    }
    const verdict = judged.status === 'ok' ? usableUsersFile(usersFile.tally, facts, unit.connector, accountId) : judged
    // Past this point the unit applies what it found: an interrupt that came meanwhile still stops it here.
    if (deps.signal.aborted) throw new Interrupted()
    for (const [name, sink] of Object.entries(outputs) as Array<[keyof typeof outputs, OutputSink]>) {
      if (!keeps(sink, verdict.status)) await sink.abort()
      else await at(`committing ${sink.file}`, () => sink.commit()).then(() => (opened.committed[name] = sink.file))
    }
    const errors = [...outcome.errors, ...(verdict.error !== undefined ? [verdict.error] : [])]
    const envelope = envelopeOf(unit, accountId, facts, verdict.status, errors, { files: opened.committed, tally: usersFile.tally, drop: verdict.drop, ...(verdict.error !== undefined ? { usersFileReason: verdict.error.detail } : {}) })
    await at('committing the state', () => (verdict.status === 'ok' ? state.commit(historyOf(envelope, deps.runId), departure) : state.abort(historyOf(envelope, deps.runId))))
    return envelope
  } catch (failure) {
    // Sinks that never opened: the listing already under way finishes its first step and is closed, so nothing of the
    // unit runs on once its envelope is out.
    if (!pumping) await first.then(() => pages.return(ABANDONED)).catch(() => undefined)
    const interrupted = failure instanceof Interrupted
    const errors = interrupted ? [] : [internalError(failure, { connector: unit.connector.id, account: accountId, out: deps.out, state: deps.state.location })]
    // Files already committed stay (each is whole and true of this sync); the report names them.
    const envelope = envelopeOf(unit, accountId, facts, interrupted ? 'interrupted' : 'failed', errors, { files: opened.committed })
    await abortAll(opened.outputs === undefined ? [] : [opened.outputs.usersFile, opened.outputs.records])
    // The history keeps every sync, also one that failed before its state was opened.
    await (opened.state?.abort(historyOf(envelope, deps.runId)) ?? deps.state.record(historyOf(envelope, deps.runId)).catch(() => undefined))
    return envelope
  }
}

/** Whether an output is kept for a sync that ended with `status`: records of any sync that listed something, the rest only when applied. */
const keeps = (sink: OutputSink, status: UnitStatus) => (sink.keep === 'always' ? status !== 'failed' : status === 'ok')

/** What a connector's stream returns when the runner stops it. */
const ABANDONED: SyncOutcome = { account: '-', complete: false, completedEntities: [], errors: [] }

/** Tells a connector's stream to stop (it may be waiting on the upstream), without waiting for it. */
const stop = (pages: AsyncGenerator<Batch, SyncOutcome>) => void pages.return(ABANDONED).catch(() => undefined)

/**
 * Streams the connector's pages, `first` already asked for, into every sink until the stream ends; stops at once when
 * the run is interrupted.
 */
async function pump(pages: AsyncGenerator<Batch, SyncOutcome>, first: Promise<IteratorResult<Batch, SyncOutcome>>, sinks: ReadonlyArray<{ write(b: SinkBatch): Promise<void> }>, facts: Facts, signal: AbortSignal): Promise<SyncOutcome> {
  let asked: Promise<IteratorResult<Batch, SyncOutcome>> | undefined = first
  try {
    for (;;) {
      const next = await nextPage(asked ?? at(CONNECTOR_STEP, () => pages.next()), signal)
      asked = undefined
      if (next.done === true) return next.value
      facts.counts[next.value.entity] += next.value.records.length
      await writeAll(sinks, prepare(next.value.entity, next.value.records), facts)
    }
  } catch (error) {
    // The connector may be waiting on the upstream; it is told to stop, and not waited for.
    if (error instanceof Interrupted) stop(pages)
    throw error
  }
}

/**
 * The connector's next page, or {@link Interrupted} as soon as the run is. The abort listener lives only as long as
 * this one wait: a listener (or a race against a promise that never settles) kept across pages would hold on to
 * every page of the unit until it ends.
 */
function nextPage(page: Promise<IteratorResult<Batch, SyncOutcome>>, signal: AbortSignal): Promise<IteratorResult<Batch, SyncOutcome>> {
  if (signal.aborted) return Promise.reject(new Interrupted())
  return new Promise((resolve, reject) => {
    const interrupted = () => reject(new Interrupted())
    signal.addEventListener('abort', interrupted, { once: true })
    page.then(resolve, reject).finally(() => signal.removeEventListener('abort', interrupted))
  })
}

/** Writes a page to every sink, timing it as the runner's own processing. */
async function writeAll(sinks: ReadonlyArray<{ write(b: SinkBatch): Promise<void> }>, batch: SinkBatch, facts: Facts, counted?: 'deleted'): Promise<void> {
  const began = performance.now()
  await at('writing outputs', async () => {
    for (const sink of sinks) await sink.write(batch)
  })
  if (counted === 'deleted') facts.counts.deleted += batch.records.length
  facts.processingMs += performance.now() - began
}

/** How a sync ended: its status, the drop guard's finding, and an error of the runner's own. */
interface Verdict {
  readonly status: UnitStatus
  readonly drop?: DropFinding
  readonly error?: ConnectorError
}

/** What to do about users without an email: the connector's own advice, else the platform's generic one. */
const missingEmailFix = (connector: AnyConnector): string => connector.manifest.missingEmailFix ?? 'give these users an email address where the upstream keeps them'

/**
 * A complete sync is applied only with a users file the platform can take: one that states at least one user. When
 * nobody could be placed, the account is `partial` (nothing deleted, state unchanged) and says which rule to add.
 */
function usableUsersFile(tally: UsersFileTally, facts: Facts, connector: AnyConnector, account: string): Verdict {
  if (tally.written > 0) return { status: 'ok' }
  const listed = facts.counts.users
  const why = listed === 0 ? 'the account lists no user' : `none of its ${listed} users could be placed: ${tally.unmatched.length} without an email, ${tally.excluded} excluded`
  const fix = listed === 0 ? 'nothing to send: the platform needs at least one user; remove the account or add users' : tally.unmatched.length > 0 ? missingEmailFix(connector) : "narrow the account's exclude patterns"
  return { status: 'partial', error: ConnectorError.invalidConfig({ connector: connector.id, account, operation: 'users file', detail: `no users file written: ${why}`, issues: [], fix }) }
}

/** How the sync ended: applied (`ok`), held back by the drop guard, partial, or failed. */
async function judge(outcome: SyncOutcome, state: StateSink, facts: Facts, policy: DropPolicy): Promise<Verdict> {
  if (!outcome.complete) return { status: outcome.completedEntities.length === 0 ? 'failed' : 'partial' }
  const { previous, vanished } = await state.compare()
  const drop = heldDrop(policy, previous, vanished, facts.counts.users)
  return drop === undefined ? { status: 'ok' } : { status: 'held', drop }
}

/** What a unit learns as it runs. */
interface Facts {
  readonly startedAt: Date
  readonly counts: { -readonly [K in keyof UnitCounts]: number }
  readonly calls: { apiCalls: number; throttled: number; retries: number }
  processingMs: number
}

const newFacts = (): Facts => ({ startedAt: new Date(), counts: { users: 0, groups: 0, memberships: 0, deleted: 0, unmatchedEmail: 0, excluded: 0 }, calls: { apiCalls: 0, throttled: 0, retries: 0 }, processingMs: 0 })

function count(facts: Facts, event: SyncEvent): void {
  if (event.type === 'apiCall') facts.calls.apiCalls++
  else if (event.type === 'throttled') facts.calls.throttled++
  else if (event.type === 'retry') facts.calls.retries++
}

const NOT_WRITTEN: Readonly<Partial<Record<UnitStatus, string>>> = {
  partial: 'the sync was incomplete',
  held: 'held back by the drop guard',
  failed: 'the sync failed',
  interrupted: 'the run was interrupted',
}

/** What a unit reports beyond its facts: the files it committed, who the users file left out, a held drop. */
interface Findings {
  readonly files?: { readonly records?: string; readonly usersFile?: string }
  readonly tally?: UsersFileTally
  readonly drop?: DropFinding | undefined
  /** Why there is no users file, when the status alone does not say it. */
  readonly usersFileReason?: string
}

function envelopeOf(unit: PlannedUnit, accountId: string | null, facts: Facts, status: UnitStatus, errors: ReadonlyArray<ConnectorError>, findings: Findings = {}): Envelope {
  const finishedAt = new Date()
  const { files = {}, tally, drop } = findings
  const reason = NOT_WRITTEN[status] ?? 'not written'
  return {
    unit: unit.unit,
    connector: unit.connector.id,
    accountId,
    status,
    counts: { ...facts.counts, unmatchedEmail: tally?.unmatched.length ?? 0, excluded: tally?.excluded ?? 0 },
    errors: errors.map(errorToJson),
    startedAt: facts.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    elapsedMs: finishedAt.getTime() - facts.startedAt.getTime(),
    processingMs: Math.round(facts.processingMs),
    ...facts.calls,
    recordsFile: files.records ?? null,
    ...(files.records === undefined ? { recordsFileReason: reason } : {}),
    usersFile: files.usersFile ?? null,
    ...(files.usersFile === undefined ? { usersFileReason: findings.usersFileReason ?? reason } : {}),
    ...(tally !== undefined && tally.unmatched.length > 0 ? { unmatchedEmail: tally.unmatched, unmatchedEmailFix: missingEmailFix(unit.connector) } : {}),
    ...(drop !== undefined ? { dropGuard: drop } : {}),
  }
}

/** The sync's history row: with its run, unit and envelope, so that a retried attempt of the unit finds it settled. */
function historyOf(e: Envelope, runId: string): HistoryEntry {
  return { connector: e.connector, account: e.accountId ?? '-', status: e.status, startedAt: e.startedAt, finishedAt: e.finishedAt, users: e.counts.users, deleted: e.counts.deleted, heldBack: e.status === 'held', runId, unit: e.unit, envelope: JSON.stringify(e) }
}
