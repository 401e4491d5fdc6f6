/**
 * `connectors sync`: every (connector, account) runs as an isolated unit under a bounded pool, with its own
 * result envelope; records stream to `records.ndjson`; complete syncs update the snapshot and mark the
 * vanished users deleted (unless the drop guard holds them back); users files are written for complete syncs.
 */
import {
  AdaptiveLimiter,
  ConnectorError,
  defaultRunContext,
  errorToJson,
  syncAccount,
  type AnyConnector,
  type Logger,
  type RecordOf,
  type SyncEvent,
  type User,
} from '@connectors/core'
import * as E from 'fp-ts/Either'
import { join } from 'node:path'
import { AtomicStream, ToriiUser, writeFileAtomic } from './outputs.js'
import type { StateStore } from './state.js'

/** One unit of work. */
export interface SyncUnit {
  readonly connector: AnyConnector
  readonly name: string
  readonly config: unknown
}

/** The result of one (connector, account) sync. */
export interface Envelope {
  readonly connector: string
  readonly account: string
  readonly name: string
  readonly status: 'ok' | 'partial' | 'failed'
  readonly counts: { users: number; groups: number; memberships: number; deleted: number; unmatchedEmail: number }
  readonly errors: ReadonlyArray<Record<string, unknown>>
  readonly startedAt: string
  readonly finishedAt: string
  readonly apiCalls: number
  readonly throttled: number
  readonly retries: number
  /** Users without an email (reported, not silently dropped); at most 20 listed. */
  readonly unmatchedEmail?: ReadonlyArray<string>
  /** Set when a complete sync dropped more users than the threshold and was held back. */
  readonly dropGuard?: { readonly previous: number; readonly current: number; readonly share: number; readonly threshold: number }
  /** Where this account's users file went, or why there is none. */
  readonly usersFile?: string
  readonly elapsedMs: number
}

/** Sync options. */
export interface SyncOptions {
  readonly out: string
  readonly state: StateStore
  readonly concurrency: number
  readonly dropThreshold: number
  readonly acceptDrop: boolean
  readonly logger: Logger
  readonly env: Readonly<Record<string, string | undefined>>
  /** Progress events, per unit. */
  readonly onProgress?: (unit: SyncUnit, event: SyncEvent | { type: 'done'; envelope: Envelope }) => void
}

const TYPE_OF: Readonly<Record<keyof RecordOf, string>> = { users: 'user', groups: 'group', memberships: 'membership' }

function toriiUser(user: User): ToriiUser | undefined {
  if (user.email === undefined) return undefined
  return {
    id: user.id,
    email: user.email,
    status: user.status,
    externalStatus: user.externalStatus ?? user.status,
    roles: [...user.roles],
    ...(user.firstName !== undefined ? { firstName: user.firstName } : {}),
    ...(user.lastName !== undefined ? { lastName: user.lastName } : {}),
    ...(user.lastUsedAt !== undefined ? { lastUsedDate: user.lastUsedAt } : {}),
  }
}

/** Writes an account's users file from the staged users (streamed, one user at a time), validating each entry. */
async function writeUsersFile(path: string, users: () => Iterable<User>): Promise<string | undefined> {
  const file = await AtomicStream.open(path)
  try {
    const licenses = new Map<string, Array<{ email: string; licenseStatus: 'active' | 'inactive' }>>()
    await file.write('{\n  "users": [')
    let first = true
    for (const user of users()) {
      const entry = toriiUser(user)
      if (entry === undefined) continue
      if (!ToriiUser.is(entry)) throw new Error(`user ${user.id} does not fit the users file`)
      await file.write(`${first ? '' : ','}\n    ${JSON.stringify(entry)}`)
      first = false
      for (const name of user.licenses) {
        const holders = licenses.get(name) ?? []
        holders.push({ email: entry.email, licenseStatus: user.status === 'active' ? 'active' : 'inactive' })
        licenses.set(name, holders)
      }
    }
    const licenseList = [...licenses].map(([name, holders]) => ({ name, users: holders }))
    await file.write(`\n  ],\n  "licenses": ${JSON.stringify(licenseList)}\n}\n`)
    await file.commit()
    return undefined
  } catch (error) {
    await file.abort()
    return `not written: ${(error as Error).message}`
  }
}

async function syncUnit(unit: SyncUnit, options: SyncOptions, records: AtomicStream): Promise<Envelope> {
  const startedAt = new Date()
  const counters = { apiCalls: 0, throttled: 0, retries: 0 }
  const ctx = defaultRunContext({
    logger: options.logger,
    env: options.env,
    emit: (event) => {
      if (event.type === 'apiCall') counters.apiCalls++
      else if (event.type === 'throttled') counters.throttled++
      else if (event.type === 'retry') counters.retries++
      options.onProgress?.(unit, event)
    },
  })
  const counts = { users: 0, groups: 0, memberships: 0, deleted: 0, unmatchedEmail: 0 }
  const unmatched: string[] = []
  const id = unit.connector.id
  // Users stream into the state store under the unit's name (the account id is known only at the end).
  const key = `run:${unit.name}`
  const state = options.state
  state.beginStaging(id, key)
  const generator = syncAccount(unit.connector, unit.config, ctx)
  let outcome
  for (;;) {
    let next
    try {
      next = await generator.next()
    } catch (error) {
      // A connector that throws instead of returning errors is a bug in it; it fails this account only.
      outcome = { account: '-', complete: false, completedEntities: [], errors: [ConnectorError.internal({ connector: id, account: unit.name, operation: 'sync', detail: String(error) })] }
      break
    }
    if (next.done === true) {
      outcome = next.value
      break
    }
    const batch = next.value
    counts[batch.entity] += batch.records.length
    let lines = ''
    for (const data of batch.records as ReadonlyArray<unknown>) lines += `${JSON.stringify({ type: TYPE_OF[batch.entity], connector: id, account: unit.name, data })}\n`
    await records.write(lines)
    if (batch.entity === 'users') {
      const users = batch.records as ReadonlyArray<User>
      for (const u of users) if (u.email === undefined) unmatched.push(u.username)
      state.stage(id, key, users.map((u) => ({ id: u.id, username: u.username, email: u.email ?? null, record: JSON.stringify(u) })))
    }
  }
  const account = outcome.account === '-' ? unit.name : outcome.account
  let dropGuard: Envelope['dropGuard']
  let usersFile: string | undefined
  if (outcome.complete) {
    const previous = state.snapshotSize(id, account)
    const vanished = state.vanished(id, key, account)
    const share = previous === 0 ? 0 : vanished.length / previous
    if (share > options.dropThreshold && !options.acceptDrop) {
      dropGuard = { previous, current: counts.users, share: Math.round(share * 1000) / 1000, threshold: options.dropThreshold }
      options.logger.warn({ connector: id, account, ...dropGuard }, 'held back: the sync dropped more users than the threshold; rerun with --accept-drop to apply')
      usersFile = 'not written: held back by the drop guard'
    } else {
      const deleted = vanished.map((p): User => ({ ...(JSON.parse(p.record) as User), status: 'deleted' }))
      let lines = ''
      for (const data of deleted) lines += `${JSON.stringify({ type: 'user', connector: id, account: unit.name, data })}\n`
      await records.write(lines)
      for (const u of deleted) if (u.email === undefined) unmatched.push(u.username)
      counts.deleted = deleted.length
      const path = join(options.out, 'torii', id, `${account}.json`)
      const staged = function* () {
        for (const row of state.staged(id, key)) yield JSON.parse(row.record) as User
        yield* deleted
      }
      usersFile = (await writeUsersFile(path, staged)) ?? path
      state.commitStaging(id, key, account)
    }
  } else usersFile = 'not written: the sync was incomplete'
  state.dropStaging(id, key)
  counts.unmatchedEmail = unmatched.length
  const finishedAt = new Date()
  const status: Envelope['status'] = outcome.complete && dropGuard === undefined ? 'ok' : outcome.completedEntities.length === 0 ? 'failed' : 'partial'
  state.record({ connector: id, account, status, startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), users: counts.users, deleted: counts.deleted, heldBack: dropGuard !== undefined })
  return {
    connector: id,
    account,
    name: unit.name,
    status,
    counts,
    errors: outcome.errors.map(errorToJson),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    elapsedMs: finishedAt.getTime() - startedAt.getTime(),
    ...counters,
    ...(unmatched.length > 0 ? { unmatchedEmail: unmatched.slice(0, 20) } : {}),
    ...(dropGuard !== undefined ? { dropGuard } : {}),
    usersFile,
  }
}

/** Runs every unit under a pool of `concurrency`; writes records.ndjson and report.json atomically. */
export async function runSync(units: ReadonlyArray<SyncUnit>, options: SyncOptions): Promise<{ envelopes: Envelope[]; elapsedMs: number }> {
  const started = Date.now()
  const records = await AtomicStream.open(join(options.out, 'records.ndjson'))
  const pool = new AdaptiveLimiter({ initial: options.concurrency, max: options.concurrency })
  try {
    const envelopes = await Promise.all(
      units.map(async (unit) => {
        const result = await pool.run(async () => E.right(await syncUnit(unit, options, records)))()
        const envelope = (result as E.Right<Envelope>).right
        options.onProgress?.(unit, { type: 'done', envelope })
        return envelope
      }),
    )
    await records.commit()
    const elapsedMs = Date.now() - started
    await writeFileAtomic(join(options.out, 'report.json'), `${JSON.stringify({ elapsedMs, accounts: envelopes }, null, 2)}\n`)
    return { envelopes, elapsedMs }
  } catch (error) {
    await records.abort()
    throw error
  }
}
