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
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { readLinesSync } from './lines.js'
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
  /** Time the runner spent writing this account's records, users file and snapshot, in ms. */
  readonly processingMs: number
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

/** License holders by license name, as the users file lists them. */
type LicenseHolders = Map<string, Array<{ email: string; licenseStatus: 'active' | 'inactive' }>>

function holdLicenses(licenses: LicenseHolders, user: User, email: string): void {
  for (const name of user.licenses) {
    const holders = licenses.get(name) ?? []
    holders.push({ email, licenseStatus: user.status === 'active' ? 'active' : 'inactive' })
    licenses.set(name, holders)
  }
}

/** Writes an account's users file from entries already serialized (streamed from the staging file), atomically. */
async function writeUsersFile(path: string, entries: () => Iterable<string>, licenses: LicenseHolders): Promise<string | undefined> {
  const file = await AtomicStream.open(path)
  try {
    let chunk = '{\n  "users": ['
    let first = true
    for (const entry of entries()) {
      chunk += `${first ? '' : ','}\n    ${entry}`
      first = false
      if (chunk.length > 1 << 20) {
        await file.write(chunk)
        chunk = ''
      }
    }
    const licenseList = [...licenses].map(([name, users]) => ({ name, users }))
    await file.write(`${chunk}\n  ],\n  "licenses": ${JSON.stringify(licenseList)}\n}\n`)
    await file.commit()
    return undefined
  } catch (error) {
    await file.abort()
    return `not written: ${(error as Error).message}`
  }
}

/** The users-file entry of a user, validated by its codec, serialized; `undefined` without an email. */
function toriiEntry(user: User): string | undefined {
  const entry = toriiUser(user)
  if (entry === undefined) return undefined
  if (!ToriiUser.is(entry)) throw new Error(`user ${user.id} does not fit the users file`)
  return JSON.stringify(entry)
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
  const state = options.state
  // This sync's users go to a staging file beside the outputs (memory holds only their ids), for the snapshot
  // and the users file once the sync turns out complete.
  const stagingBase = join(options.out, '.staging', `${id}-${unit.name.replace(/[^\w.-]/g, '_')}`)
  const stagingPath = `${stagingBase}.users.ndjson`
  const toriiPath = `${stagingBase}.torii.ndjson`
  const staging = await AtomicStream.open(stagingPath)
  const toriiStaging = await AtomicStream.open(toriiPath)
  const licenses: LicenseHolders = new Map()
  const seen = new Set<string>()
  // Each records.ndjson line is {"type","connector","account","data"}; the head is the same for a whole batch.
  const head = (type: string) => `{"type":"${type}","connector":${JSON.stringify(id)},"account":${JSON.stringify(unit.name)},"data":`
  const prefix: Readonly<Record<keyof RecordOf, string>> = { users: head('user'), groups: head('group'), memberships: head('membership') }
  const generator = syncAccount(unit.connector, unit.config, ctx)
  let outcome
  let processingMs = 0
  for (;;) {
    let next
    try {
      next = await generator.next()
    } catch (error) {
      // A connector that throws instead of returning errors is a bug in it; it fails this account only.
      outcome = { account: '-', complete: false, completedEntities: [], errors: [ConnectorError.internal({ connector: id, account: unit.name, operation: 'sync', detail: `the connector threw instead of returning an error: ${String(error)}`, fix: `report this to the ${id} connector's maintainers; the other accounts were not affected` })] }
      break
    }
    if (next.done === true) {
      outcome = next.value
      break
    }
    const began = performance.now()
    const batch = next.value
    counts[batch.entity] += batch.records.length
    let lines = ''
    if (batch.entity === 'users') {
      let staged = ''
      let entries = ''
      for (const u of batch.records as ReadonlyArray<User>) {
        const json = JSON.stringify(u)
        lines += `${prefix.users}${json}}\n`
        staged += `${JSON.stringify(u.id)}\t${json}\n`
        seen.add(u.id)
        const entry = toriiEntry(u)
        if (entry === undefined) unmatched.push(u.username)
        else {
          entries += `${entry}\n`
          holdLicenses(licenses, u, u.email as string)
        }
      }
      await staging.write(staged)
      await toriiStaging.write(entries)
    } else for (const data of batch.records as ReadonlyArray<unknown>) lines += `${prefix[batch.entity]}${JSON.stringify(data)}}\n`
    await records.write(lines)
    processingMs += performance.now() - began
  }
  const began = performance.now()
  await staging.commit()
  await toriiStaging.commit()
  const account = outcome.account === '-' ? unit.name : outcome.account
  let dropGuard: Envelope['dropGuard']
  let usersFile: string | undefined
  if (outcome.complete) {
    let previous = 0
    const vanished: User[] = []
    for (const row of state.snapshotRows(id, account)) {
      previous++
      if (!seen.has(row.id)) vanished.push(JSON.parse(row.record) as User)
    }
    const share = previous === 0 ? 0 : vanished.length / previous
    if (share > options.dropThreshold && !options.acceptDrop) {
      dropGuard = { previous, current: counts.users, share: Math.round(share * 1000) / 1000, threshold: options.dropThreshold }
      options.logger.warn({ connector: id, account, ...dropGuard }, 'held back: the sync dropped more users than the threshold; rerun with --accept-drop to apply')
      usersFile = 'not written: held back by the drop guard'
    } else {
      const deleted = vanished.map((u): User => ({ ...u, status: 'deleted' }))
      let lines = ''
      const deletedEntries: string[] = []
      for (const u of deleted) {
        lines += `${prefix.users}${JSON.stringify(u)}}\n`
        const entry = toriiEntry(u)
        if (entry === undefined) unmatched.push(u.username)
        else {
          deletedEntries.push(entry)
          holdLicenses(licenses, u, u.email as string)
        }
      }
      await records.write(lines)
      counts.deleted = deleted.length
      const path = join(options.out, 'torii', id, `${account}.json`)
      const entries = function* () {
        yield* readLinesSync(toriiPath)
        yield* deletedEntries
      }
      usersFile = (await writeUsersFile(path, entries, licenses)) ?? path
      state.replaceSnapshot(
        id,
        account,
        (function* () {
          for (const line of readLinesSync(stagingPath)) {
            const tab = line.indexOf('\t')
            yield { id: JSON.parse(line.slice(0, tab)) as string, record: line.slice(tab + 1) }
          }
        })(),
      )
    }
  } else usersFile = 'not written: the sync was incomplete'
  await rm(stagingPath, { force: true })
  await rm(toriiPath, { force: true })
  processingMs += performance.now() - began
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
    processingMs: Math.round(processingMs),
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
