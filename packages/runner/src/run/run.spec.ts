import { defineConnector, mapStream, silentLogger, type AnyConnector, type User } from '@connectors/core'
import { exampleConnector, FakeDirectory, sampleDirectory, type DirectoryData } from '@connectors/testkit/example'
import * as E from 'fp-ts/Either'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { planUnits } from '../plan.js'
import { StateWorker, type SyncState } from '../state-client.js'
import { StateStore } from '../state.js'
import { ToriiUsersFile } from '../platform/torii.js'
import { readRecords, recordsWithoutRun } from '../testing.js'
import { runSync, type SyncOptions } from './run.js'
import { openOutputs, type PlannedUnit } from './unit.js'

const TOKEN = 'tok_runner'
const directories = new Map<string, DirectoryData>()
const directory = (tenant: string) => new FakeDirectory(directories.get(tenant) ?? sampleDirectory, TOKEN)

/** The testkit's example connector, with an email per user (the platform users file needs one). */
function withEmails(connector: AnyConnector, onPage: (tenant: string, page: number) => Promise<void> = async () => undefined): AnyConnector {
  const users = connector.fetchers.users
  if (users === undefined) throw new Error('the example connector has a users fetcher')
  return defineConnector({
    ...connector,
    fetchers: {
      ...connector.fetchers,
      users: {
        ...users,
        fetch: async function* (session, inputs, ctx, config) {
          let page = 0
          for await (const item of mapStream(users.fetch(session, inputs, ctx, config), (records) => records.map((u: User) => ({ ...u, email: `${u.username}@example.test` })))) {
            await onPage((session as { tenant: string }).tenant, page++)
            yield item
          }
        },
      },
    },
  })
}

const TENANTS = ['alpha', 'bravo', 'charlie'] as const
function plan(connector: AnyConnector, tenants: ReadonlyArray<string> = TENANTS, exclude?: ReadonlyArray<string>): ReadonlyArray<PlannedUnit> {
  const planned = planUnits({ connectors: [{ connector: 'example', accounts: tenants.map((tenant) => ({ name: tenant, config: { tenant, token: TOKEN }, ...(exclude !== undefined ? { exclude: [...exclude] } : {}) })) }] }, [connector])
  if (E.isLeft(planned)) throw new Error(planned.left.join('\n'))
  return planned.right
}

const open: StateWorker[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
  directories.clear()
})

async function workspace() {
  const dir = await mkdtemp(join(tmpdir(), 'runner-run-'))
  const state = await StateWorker.open(join(dir, 'state.db'))
  open.push(state)
  return { dir, state, statePath: join(dir, 'state.db') }
}

const options = (out: string, state: SyncState, extra: Partial<SyncOptions> = {}): SyncOptions => ({ out, state, concurrency: 4, drop: { threshold: 0.9, accept: false }, logger: silentLogger, env: {}, ...extra })

const usersFileOf = (out: string, unit: string) => readFile(join(out, 'torii', 'example-directory', `${unit}.json`), 'utf8')

const user = (id: string): User => ({ accountId: 'alpha', id, username: id, email: `${id}@example.test`, status: 'active', roles: [], licenses: ['Example seat'], createdAt: '2024-01-01T00:00:00Z' })
const fullDisk = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
const bravoMinusOneUser: DirectoryData = { ...sampleDirectory, users: sampleDirectory.users.slice(1), groups: sampleDirectory.groups.map((g) => ({ ...g, members: g.members.filter((m) => m !== 'u0') })) }

describe('a sync run: every unit sealed in its own envelope', () => {
  it('fails a unit whose outputs cannot open, closing the listing it had already started, and runs the others', async () => {
    let settled = false
    const late: string[] = []
    // bravo's session takes a while: the run must not return while it is still being opened.
    const example = withEmails(exampleConnector(directory))
    const connector = defineConnector({
      ...example,
      auth: (config, ctx) => async () => {
        if ((config as { tenant: string }).tenant === 'bravo') {
          await new Promise((resolve) => setTimeout(resolve, 150))
          late.push(`session opened ${settled ? 'after' : 'before'} the run returned`)
        }
        return example.auth(config, ctx)()
      },
    })
    const { dir, state } = await workspace()
    const failing: SyncOptions['openOutputs'] = async (unit, accountId, deps, syncedAt) => {
      if (unit.unit === 'bravo') throw fullDisk()
      return openOutputs(unit, accountId, deps, syncedAt)
    }
    const { report } = await runSync(plan(connector), options(join(dir, 'out'), state, { openOutputs: failing }))
    settled = true
    expect(report.units.map((u) => [u.unit, u.status])).toEqual([['alpha', 'ok'], ['bravo', 'failed'], ['charlie', 'ok']])
    expect(report.units[1]?.errors).toEqual([expect.objectContaining({ reason: 'Internal', operation: 'opening outputs' })])
    expect(await readdir(join(dir, 'out', 'torii', 'example-directory'))).toEqual(['alpha.json', 'charlie.json'])
    // Its session was opened before the run returned, and nothing ran on after.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(late).toEqual(['session opened before the run returned'])
  })

  it('confines a users file that cannot be written to its unit: the others are identical to a fault-free run, its state does not move, its deletion is not lost', async () => {
    const connector = withEmails(exampleConnector(directory))
    const { dir, state, statePath } = await workspace()
    const clean = join(dir, 'clean')
    expect((await runSync(plan(connector), options(clean, state))).report.units.map((u) => u.status)).toEqual(['ok', 'ok', 'ok'])

    // bravo loses a user, and its users file hits a full disk.
    directories.set('bravo', bravoMinusOneUser)
    const faulty = join(dir, 'faulty')
    const failing: SyncOptions['openOutputs'] = async (unit, accountId, deps, syncedAt) => {
      const outputs = await openOutputs(unit, accountId, deps, syncedAt)
      if (unit.unit !== 'bravo') return outputs
      return { ...outputs, usersFile: { ...outputs.usersFile, commit: async () => Promise.reject(fullDisk()) } }
    }
    const { report } = await runSync(plan(connector), options(faulty, state, { openOutputs: failing }))
    expect(report.units.map((u) => [u.unit, u.status])).toEqual([['alpha', 'ok'], ['bravo', 'failed'], ['charlie', 'ok']])
    const bravo = report.units[1]
    expect(bravo?.errors).toEqual([expect.objectContaining({ reason: 'Internal', operation: expect.stringMatching(/^committing .*bravo\.json$/), fix: expect.stringContaining(`free space on the disk that holds ${faulty}`) })])
    expect(bravo).toMatchObject({ usersFile: null, usersFileReason: 'the sync failed', recordsFile: null })
    for (const unit of ['alpha', 'charlie']) {
      expect(await recordsWithoutRun(faulty, unit)).toEqual(await recordsWithoutRun(clean, unit))
      expect(await usersFileOf(faulty, unit)).toBe(await usersFileOf(clean, unit))
    }
    expect(await readdir(join(faulty, 'torii', 'example-directory'))).toEqual(['alpha.json', 'charlie.json'])
    expect(await readdir(faulty)).toEqual(expect.not.arrayContaining(['.staging']))
    const written = JSON.parse(await readFile(join(faulty, 'report.json'), 'utf8')) as typeof report
    expect(written.units.map((u) => u.unit)).toEqual(['alpha', 'bravo', 'charlie'])

    // The fault gone, the next sync still reports bravo's departed user: state had not moved on.
    const healed = join(dir, 'healed')
    const third = await runSync(plan(connector), options(healed, state))
    expect(third.report.units.map((u) => [u.unit, u.status, u.counts.deleted])).toEqual([['alpha', 'ok', 0], ['bravo', 'ok', 1], ['charlie', 'ok', 0]])
    expect((await recordsWithoutRun(healed, 'bravo')).filter((r) => r.data['status'] === 'deleted').map((r) => r.data['username'])).toEqual(['user0'])
    await state.close()
    open.splice(0)
    const store = new StateStore(statePath)
    expect(store.history('example-directory', 'bravo').map((h) => h.status)).toEqual(['ok', 'failed', 'ok'])
    store.close()
  })

  it('turns a connector that throws into its own failed unit, naming the connector as the one to fix', async () => {
    const connector = withEmails(exampleConnector(directory), async (tenant, page) => {
      if (tenant === 'bravo' && page === 1) throw new TypeError("Cannot read properties of undefined (reading 'id')")
    })
    const { dir, state } = await workspace()
    const { report } = await runSync(plan(connector), options(join(dir, 'out'), state))
    expect(report.units.map((u) => u.status)).toEqual(['ok', 'failed', 'ok'])
    expect(report.units[1]?.errors).toEqual([
      expect.objectContaining({ reason: 'Internal', operation: 'listing (connector code)', detail: expect.stringContaining("the connector threw instead of returning an error: Cannot read properties of undefined (reading 'id')"), fix: expect.stringContaining("report this to the example-directory connector's maintainers") }),
    ])
  })

  it('confines a state store failure to its unit: the snapshot stays as it was, the other units apply', async () => {
    const connector = withEmails(exampleConnector(directory))
    const { dir, state } = await workspace()
    await runSync(plan(connector), options(join(dir, 'first'), state))
    directories.set('bravo', bravoMinusOneUser)
    const flaky: SyncState = Object.assign(Object.create(state) as SyncState, {
      commitStaging: (staging: Parameters<SyncState['commitStaging']>[0], account: string, history?: Parameters<SyncState['commitStaging']>[2]) =>
        staging.unit === 'bravo' ? Promise.reject(Object.assign(new Error('state store: database or disk is full'), { code: 'SQLITE_FULL' })) : state.commitStaging(staging, account, history),
    })
    const second = join(dir, 'second')
    const { report } = await runSync(plan(connector), options(second, flaky))
    expect(report.units.map((u) => u.status)).toEqual(['ok', 'failed', 'ok'])
    expect(report.units[1]?.errors[0]).toMatchObject({ reason: 'Internal', operation: 'committing the state', detail: 'state store: database or disk is full', fix: expect.stringContaining(`free space on the disk that holds the state file ${state.location}`) })
    // The outputs had committed before the state failed: they stay (whole, and true of that sync), and the report says so.
    expect(report.units[1]).toMatchObject({ usersFile: join(second, 'torii', 'example-directory', 'bravo.json'), recordsFile: join(second, 'records', 'example-directory', 'bravo.ndjson') })
    const again = await runSync(plan(connector), options(join(dir, 'third'), state))
    expect(again.report.units.map((u) => u.counts.deleted)).toEqual([0, 1, 0])
  })

  it('holds back a drop beyond the threshold with its own status, and writes no users file for it', async () => {
    const connector = withEmails(exampleConnector(directory))
    const { dir, state } = await workspace()
    await runSync(plan(connector), options(join(dir, 'first'), state))
    directories.set('alpha', { ...sampleDirectory, users: sampleDirectory.users.slice(0, 2) })
    const { report } = await runSync(plan(connector), options(join(dir, 'second'), state, { drop: { threshold: 0.3, accept: false } }))
    expect(report.units[0]).toMatchObject({ status: 'held', usersFile: null, usersFileReason: 'held back by the drop guard', dropGuard: { previous: 10, current: 2, share: 0.8, threshold: 0.3 }, counts: { deleted: 0 } })
    expect(report.units[0]?.recordsFile).toMatch(/records\/example-directory\/alpha\.ndjson$/)
  })

  it('stops on an interrupt: running units apply nothing, waiting ones never start, report.json says so, no temporaries remain', async () => {
    const interrupt = new AbortController()
    const connector = withEmails(exampleConnector(directory), async (_, page) => {
      if (page === 1) interrupt.abort()
      await new Promise((r) => setTimeout(r, 20))
    })
    const { dir, state } = await workspace()
    const out = join(dir, 'out')
    const { report } = await runSync(plan(connector), options(out, state, { concurrency: 1, signal: interrupt.signal }))
    expect(report.interrupted).toBe(true)
    expect(report.units.map((u) => [u.unit, u.status])).toEqual([['alpha', 'interrupted'], ['bravo', 'interrupted'], ['charlie', 'interrupted']])
    expect(report.units[2]).toMatchObject({ apiCalls: 0, counts: { users: 0 } })
    expect(JSON.parse(await readFile(join(out, 'report.json'), 'utf8'))).toMatchObject({ interrupted: true })
    const files = (await readdir(out, { recursive: true, withFileTypes: true })).filter((f) => f.isFile()).map((f) => f.name)
    expect(files).toEqual(['report.json'])
  })

  it('tags every record with the schema, run, sync time, unit and upstream account', async () => {
    const { dir, state } = await workspace()
    const out = join(dir, 'out')
    const { report } = await runSync(plan(withEmails(exampleConnector(directory)), ['alpha']), options(out, state, { runId: 'run-1' }))
    const [first] = await readRecords(out)
    expect(first).toEqual({ schema: 1, runId: 'run-1', syncedAt: report.units[0]?.startedAt, type: 'group', connector: 'example-directory', unit: 'alpha', accountId: 'alpha', data: { accountId: 'alpha', id: 'g1', name: 'admins' } })
    expect(report).toMatchObject({ schemaVersion: 1, runId: 'run-1', interrupted: false })
  })

  it('holds on to no page once it is written: a unit of many pages runs in bounded memory', async () => {
    setFlagsFromString('--expose_gc')
    const gc = runInNewContext('gc') as () => void
    const pages: Array<WeakRef<object>> = []
    let firstPageAlive: boolean | undefined
    const example = exampleConnector(directory)
    const users = example.fetchers.users
    const connector = defineConnector({
      ...example,
      fetchers: {
        ...example.fetchers,
        users: {
          ...users,
          fetch: async function* () {
            for (let page = 0; page < 30; page++) {
              if (page === 29) {
                gc()
                firstPageAlive = pages[0]?.deref() !== undefined
              }
              const records = Array.from({ length: 100 }, (_, i) => user(`u${page}-${i}`))
              pages.push(new WeakRef(records))
              yield E.right(records)
            }
          },
        },
      },
    })
    const { dir, state } = await workspace()
    const { report } = await runSync(plan(connector, ['alpha']), options(join(dir, 'out'), state))
    expect(report.units[0]?.counts.users).toBe(3000)
    expect(firstPageAlive).toBe(false)
  })

  it('runs many units on one run signal without piling up listeners (no MaxListenersExceededWarning)', async () => {
    const warnings: Error[] = []
    const record = (w: Error) => warnings.push(w)
    process.on('warning', record)
    try {
      const { dir, state } = await workspace()
      const tenants = Array.from({ length: 24 }, (_, i) => `tenant-${i}`)
      const { report } = await runSync(plan(withEmails(exampleConnector(directory)), tenants), options(join(dir, 'out'), state, { concurrency: 24, signal: new AbortController().signal }))
      expect(report.units.filter((u) => u.status === 'ok')).toHaveLength(24)
      await new Promise((r) => setTimeout(r, 20))
      expect(warnings.map((w) => w.message)).toEqual([])
    } finally {
      process.off('warning', record)
    }
  })

  it('restates a deleted user in every users file for the retention window: losing one file loses no deletion', async () => {
    const connector = withEmails(exampleConnector(directory))
    const { dir, state } = await workspace()
    await runSync(plan(connector, ['bravo']), options(join(dir, 'first'), state))
    directories.set('bravo', bravoMinusOneUser)
    const second = await runSync(plan(connector, ['bravo']), options(join(dir, 'second'), state))
    expect(second.report.units[0]?.counts.deleted).toBe(1)
    const deletedIn = async (out: string) => {
      const file = JSON.parse(await usersFileOf(out, 'bravo')) as ToriiUsersFile
      return { users: file.users.filter((u) => u.status === 'deleted'), holders: file.licenses.flatMap((l) => l.users.filter((h) => h.licenseStatus !== 'active')) }
    }
    const expected = { users: [{ id: 'u0', email: 'user0@example.test', status: 'deleted', externalStatus: 'deleted', roles: [] }], holders: [{ email: 'user0@example.test', licenseStatus: 'deleted' }] }
    expect(await deletedIn(join(dir, 'second'))).toEqual(expected)
    // The second file never reached the platform; the third, of unchanged data, still deletes the user.
    const third = await runSync(plan(connector, ['bravo']), options(join(dir, 'third'), state))
    expect(third.report.units[0]).toMatchObject({ status: 'ok', counts: { deleted: 0 } })
    expect(await deletedIn(join(dir, 'third'))).toEqual(expected)
    expect((await recordsWithoutRun(join(dir, 'third'), 'bravo')).filter((r) => r.data['status'] === 'deleted')).toEqual([])
  })

  it('keeps excluded users out of the users file, lists the ones without an email, and never writes a file that places nobody', async () => {
    const { dir, state } = await workspace()
    const someWithout = withEmails(exampleConnector(directory))
    const users = someWithout.fetchers.users
    const connector = defineConnector({ ...someWithout, fetchers: { ...someWithout.fetchers, users: { ...users, fetch: (s, i, c, config) => mapStream(users!.fetch(s, i, c, config), (page) => page.map((u: User) => (u.username === 'user3' ? { ...u, email: undefined } : u)).map((u) => JSON.parse(JSON.stringify(u)) as User)) } } })
    const { report } = await runSync(plan(connector, ['alpha'], ['user1', 'USER2*']), options(join(dir, 'out'), state))
    expect(report.units[0]).toMatchObject({ status: 'ok', counts: { users: 10, excluded: 2, unmatchedEmail: 1 }, unmatchedEmail: ['user3'] })
    const file = JSON.parse(await usersFileOf(join(dir, 'out'), 'alpha')) as ToriiUsersFile
    expect(file.users.map((u) => u.id)).toEqual(['u0', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'])
    // Nobody has an email: no users file, the account is not ok and says which rule to add; its state does not move.
    const nobody = await runSync(plan(exampleConnector(directory), ['bravo']), options(join(dir, 'none'), state))
    expect(nobody.report.units[0]).toMatchObject({ status: 'partial', usersFile: null, usersFileReason: 'no users file written: none of its 10 users could be placed: 10 without an email, 0 excluded', counts: { unmatchedEmail: 10 } })
    expect(nobody.report.units[0]?.errors).toEqual([expect.objectContaining({ reason: 'InvalidConfig', detail: 'no users file written: none of its 10 users could be placed: 10 without an email, 0 excluded', fix: 'give these users an email address where the upstream keeps them' })])
  })
})
