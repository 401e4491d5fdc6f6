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
import type { SyncState } from './state-client.js'

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
  readonly state: SyncState
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

/** A user on its way out: the record, and its JSON as records.ndjson and the state store hold it. */
interface StagedUser {
  readonly user: User
  readonly id: string
  readonly record: string
}

/** A license and its holders (`{"email","licenseStatus"}` JSON lines), as the users file lists them. */
interface LicenseHolders {
  readonly name: string
  readonly holders: () => Iterable<string>
}

/**
 * An account's users file, written as its users arrive (entries are appended to the users list), finished with the
 * license holders once the sync is known to be complete, and moved into place only then; otherwise dropped.
 */
class UsersFile {
  private first = true

  private constructor(private readonly file: AtomicStream) {}

  static async open(path: string): Promise<UsersFile> {
    const usersFile = new UsersFile(await AtomicStream.open(path))
    await usersFile.file.write('{\n  "users": [')
    return usersFile
  }

  /** Appends entries (each a serialized, checked users-file entry). */
  async add(entries: ReadonlyArray<string>): Promise<void> {
    if (entries.length === 0) return
    const text = `${this.first ? '' : ','}\n    ${entries.join(',\n    ')}`
    this.first = false
    await this.file.write(text)
  }

  /** Closes the users list, writes the licenses and moves the file to `path`; says why when it could not. */
  async finish(path: string, licenses: ReadonlyArray<LicenseHolders>): Promise<string | undefined> {
    try {
      let chunk = `${this.first ? ']' : '\n  ]'},\n  "licenses": [`
      for (const [i, license] of licenses.entries()) {
        chunk += `${i === 0 ? '' : ','}\n    {"name": ${JSON.stringify(license.name)}, "users": [`
        let first = true
        for (const holder of license.holders()) {
          chunk += `${first ? '' : ','}\n      ${holder}`
          first = false
          if (chunk.length > 1 << 20) {
            await this.file.write(chunk)
            chunk = ''
          }
        }
        chunk += first ? ']}' : '\n    ]}'
      }
      await this.file.write(`${chunk}${licenses.length === 0 ? ']\n}\n' : '\n  ]\n}\n'}`)
      await this.file.commit(path)
      return undefined
    } catch (error) {
      await this.file.abort()
      return `not written: ${(error as Error).message}`
    }
  }

  abort(): Promise<void> {
    return this.file.abort()
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
  // This sync's users are staged in the state store as they arrive (memory holds none of them), their users-file
  // entries go straight into the users file (under a temporary name) and their license holders into staging files
  // beside the outputs; all of it is kept only if the sync turns out complete.
  const staging = await state.beginStaging(id, unit.name)
  const safeName = unit.name.replace(/[^\w.-]/g, '_')
  const stagingBase = join(options.out, '.staging', `${id}-${safeName}`)
  const usersFile = await UsersFile.open(join(options.out, 'torii', id, `${safeName}.users-file`))
  const licenseStaging = new Map<string, { readonly path: string; readonly file: AtomicStream; buffered: string }>()
  // Each records.ndjson line is {"type","connector","account","data"}; the head is the same for a whole batch.
  const head = (type: string) => `{"type":"${type}","connector":${JSON.stringify(id)},"account":${JSON.stringify(unit.name)},"data":`
  const prefix: Readonly<Record<keyof RecordOf, string>> = { users: head('user'), groups: head('group'), memberships: head('membership') }

  /** Turns users into records.ndjson lines, staging their users-file entries and license holders on the way. */
  const usersOut = async (users: Iterable<StagedUser>): Promise<string> => {
    let lines = ''
    const entries: string[] = []
    for (const { user, record } of users) {
      lines += `${prefix.users}${record}}\n`
      const entry = toriiEntry(user)
      if (entry === undefined) {
        counts.unmatchedEmail++
        if (unmatched.length < 20) unmatched.push(user.username)
        continue
      }
      entries.push(entry)
      const holder = `${JSON.stringify({ email: user.email, licenseStatus: user.status === 'active' ? 'active' : 'inactive' })}\n`
      for (const name of user.licenses) {
        let staged = licenseStaging.get(name)
        if (staged === undefined) {
          const path = `${stagingBase}.license-${licenseStaging.size}.ndjson`
          staged = { path, file: await AtomicStream.open(path), buffered: '' }
          licenseStaging.set(name, staged)
        }
        staged.buffered += holder
      }
    }
    await usersFile.add(entries)
    for (const staged of licenseStaging.values()) {
      if (staged.buffered === '') continue
      await staged.file.write(staged.buffered)
      staged.buffered = ''
    }
    return lines
  }

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
      const users = (batch.records as ReadonlyArray<User>).map((user): StagedUser => ({ user, id: user.id, record: JSON.stringify(user) }))
      await state.stage(staging, users)
      lines = await usersOut(users)
    } else for (const data of batch.records as ReadonlyArray<unknown>) lines += `${prefix[batch.entity]}${JSON.stringify(data)}}\n`
    await records.write(lines)
    processingMs += performance.now() - began
  }
  const began = performance.now()
  const account = outcome.account === '-' ? unit.name : outcome.account
  let dropGuard: Envelope['dropGuard']
  let usersFileResult = 'not written: the sync was incomplete'
  let applied = false
  if (outcome.complete) {
    const { previous, vanished } = await state.compare(staging, account)
    const share = previous === 0 ? 0 : vanished / previous
    if (share > options.dropThreshold && !options.acceptDrop) {
      dropGuard = { previous, current: counts.users, share: Math.round(share * 1000) / 1000, threshold: options.dropThreshold }
      options.logger.warn({ connector: id, account, ...dropGuard }, 'held back: the sync dropped more users than the threshold; rerun with --accept-drop to apply')
      usersFileResult = 'not written: held back by the drop guard'
    } else {
      // Users of the last complete snapshot that this complete sync did not list are reported deleted, a page at a time.
      for (let after = 0, more = true; more; ) {
        const { users, last } = await state.vanishedPage(staging, account, after, 1000)
        const deleted = users.map((row): StagedUser => {
          const user: User = { ...(JSON.parse(row.record) as User), status: 'deleted' }
          return { user, id: user.id, record: JSON.stringify(user) }
        })
        await records.write(await usersOut(deleted))
        counts.deleted += deleted.length
        more = users.length === 1000
        after = last
      }
      applied = true
    }
  }
  for (const license of licenseStaging.values()) await license.file.commit()
  if (applied) {
    const path = join(options.out, 'torii', id, `${account}.json`)
    const licenses = [...licenseStaging].map(([name, license]) => ({ name, holders: () => readLinesSync(license.path) }))
    usersFileResult = (await usersFile.finish(path, licenses)) ?? path
    await state.commitStaging(staging, account)
  } else {
    await usersFile.abort()
    await state.discardStaging(staging)
  }
  for (const license of licenseStaging.values()) await rm(license.path, { force: true })
  processingMs += performance.now() - began
  const finishedAt = new Date()
  const status: Envelope['status'] = outcome.complete && dropGuard === undefined ? 'ok' : outcome.completedEntities.length === 0 ? 'failed' : 'partial'
  await state.record({ connector: id, account, status, startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), users: counts.users, deleted: counts.deleted, heldBack: dropGuard !== undefined })
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
    ...(unmatched.length > 0 ? { unmatchedEmail: unmatched } : {}),
    ...(dropGuard !== undefined ? { dropGuard } : {}),
    usersFile: usersFileResult,
  }
}

/**
 * Runs every unit under a pool of `concurrency`; writes records.ndjson and report.json atomically. The report has
 * the sync's elapsed and CPU time and the share of it the main thread was busy, then one envelope per account.
 */
export async function runSync(units: ReadonlyArray<SyncUnit>, options: SyncOptions): Promise<{ envelopes: Envelope[]; elapsedMs: number; cpuMs: number; mainThreadBusy: number }> {
  const started = Date.now()
  const busy = performance.eventLoopUtilization()
  const cpu = process.cpuUsage()
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
    // How busy this process was: a main thread busy most of the sync means the machine's CPU, not the upstream's
    // limits, set its pace (more cores or more shards would help; more concurrency would not).
    const used = process.cpuUsage(cpu)
    const usage = { cpuMs: Math.round((used.user + used.system) / 1000), mainThreadBusy: Math.round(performance.eventLoopUtilization(busy).utilization * 1000) / 1000 }
    await writeFileAtomic(join(options.out, 'report.json'), `${JSON.stringify({ elapsedMs, ...usage, accounts: envelopes }, null, 2)}\n`)
    return { envelopes, elapsedMs, ...usage }
  } catch (error) {
    await records.abort()
    throw error
  }
}
