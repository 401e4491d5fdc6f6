/**
 * What a disturbed distributed run is held to: the same runs, undisturbed, by the single-process CLI on its SQLite
 * state. Outputs are compared unit by unit (records but for their run id and time, users files byte for byte) and
 * the state account by account (snapshots, departed users, history).
 */
import { identityStoreIds, type Seed } from '@connectors/aws-sandbox'
import { StateWorker, type StateReader } from '@connectors/runner'
import { readRecords } from '@connectors/runner/testing'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { platformEnv, startCli } from './cli.js'
import { EXTERNAL_ID } from './matrix.js'

/** One unit's envelope in report.json, as the cases read it. */
export interface Envelope {
  readonly unit: string
  readonly connector: string
  readonly accountId: string | null
  readonly status: string
  readonly counts: { readonly users: number; readonly deleted: number }
  readonly errors: ReadonlyArray<{ readonly reason: string; readonly message?: string; readonly detail?: string; readonly fix?: string }>
}

/** report.json, as the cases read it. */
export interface Report {
  readonly runId: string
  readonly units: ReadonlyArray<Envelope>
}

export const readReport = async (out: string) => JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report

/** The seed with each account's last IAM user and last Identity Store user gone: a complete sync reports one deletion per unit. */
export function withOneLeaver(seed: Seed): Seed {
  const next = JSON.parse(JSON.stringify(seed)) as Seed
  for (const account of next.accounts) {
    const gone = account.users.pop()?.name
    account.groups = account.groups.map((g) => ({ ...g, members: g.members.filter((m) => m !== gone) }))
    const store = account.identityStore
    if (store === undefined) continue
    const left = store.users.pop()?.name
    store.groups = store.groups.map((g) => ({ ...g, members: g.members.filter((m) => m !== left) }))
  }
  return next
}

/** The user ids a unit's snapshot must hold after a complete sync of `seed`, by `connector/unit`. */
export function seededIds(seed: Seed): Map<string, ReadonlyArray<string>> {
  const ids = new Map<string, ReadonlyArray<string>>()
  for (const [i, a] of seed.accounts.entries()) {
    ids.set(`aws-iam/acct-${i}`, a.users.flatMap((u) => (u.id === undefined ? [] : [u.id])))
    const store = a.identityStore
    if (store !== undefined) ids.set(`aws-identity-center/idc-${i}`, store.users.map((u) => identityStoreIds.user(store.id, u.name)))
  }
  return ids
}

/** A local sync (the single process, SQLite state) of `config` into `out`. */
export async function localSync(dir: string, config: string, out: string, state: string) {
  const run = await startCli(['sync', '--config', config, '--out', out, '--state', state, '--concurrency', '4'], dir, platformEnv({ CHAOS_EXTERNAL_ID: EXTERNAL_ID })).done
  return { run, report: await readReport(join(dir, out)) }
}

/** Each unit's records (without run id and time, one JSON line each) and users file, by `connector/unit`. */
export async function outputsOf(out: string): Promise<Map<string, { records: string[]; users: string | undefined }>> {
  const units = new Map<string, { records: string[]; users: string | undefined }>()
  const of = (key: string) => units.get(key) ?? (units.set(key, { records: [], users: undefined }).get(key) as { records: string[]; users: string | undefined })
  for (const { runId: _r, syncedAt: _s, ...rest } of await readRecords(out)) of(`${rest.connector}/${rest.unit}`).records.push(JSON.stringify(rest))
  const torii = join(out, 'torii')
  for (const connector of await readdir(torii).catch(() => [] as string[])) {
    for (const file of (await readdir(join(torii, connector))).filter((f) => f.endsWith('.json'))) of(`${connector}/${file.slice(0, -'.json'.length)}`).users = await readFile(join(torii, connector, file), 'utf8')
  }
  return units
}

/** Compares the units `keys` of two outputs; problems name the unit and `label`. */
export function compareOutputs(got: Map<string, { records: string[]; users: string | undefined }>, expected: typeof got, keys: Iterable<string>, label: string, problems: string[]): { compared: number; mismatches: number } {
  let compared = 0
  let mismatches = 0
  for (const key of keys) {
    const [g, e] = [got.get(key), expected.get(key)]
    if (e === undefined) {
      problems.push(`${key}: the undisturbed run wrote nothing to compare with`)
      continue
    }
    const records = g?.records ?? []
    compared += e.records.length
    const differing = e.records.filter((line, i) => records[i] !== line).length + Math.max(0, records.length - e.records.length)
    mismatches += differing
    if (differing > 0) problems.push(`${key}: ${differing} record(s) differ from the undisturbed run ${label} (${records.length} vs ${e.records.length})`)
    if (g?.users !== e.users) problems.push(`${key}: users file differs from the undisturbed run ${label}`)
  }
  return { compared, mismatches }
}

/** A state to compare: the reference's SQLite file, or the run's PostgreSQL database. */
export type StateOf = StateReader & { close(): Promise<void> }

export const openReference = (file: string): Promise<StateOf> => StateWorker.open(file)

const strip = <T extends { id: string; record: string }>(users: ReadonlyArray<T>) => users.map((u) => `${u.id} ${u.record}`)

/**
 * Compares the state of `accounts` (`connector`, account id, `connector/unit`): snapshots and departed users
 * exactly; with `history`, each account's history rows (status, users, deleted) too.
 */
export async function compareState(got: StateReader, expected: StateReader, accounts: ReadonlyArray<{ connector: string; account: string; key: string }>, history: boolean, problems: string[]): Promise<void> {
  for (const { connector, account, key } of accounts) {
    const same = async (what: string, read: (s: StateReader) => Promise<unknown>) => {
      const [g, e] = await Promise.all([read(got), read(expected)])
      if (JSON.stringify(g) !== JSON.stringify(e)) problems.push(`${key}: the state's ${what} differ from the undisturbed run's: ${JSON.stringify(g).slice(0, 160)} vs ${JSON.stringify(e).slice(0, 160)}`)
    }
    await same('snapshot', async (s) => strip(await s.snapshot(connector, account)))
    await same('departed users', async (s) => strip(await s.departed(connector, account)))
    if (history) await same('history rows', async (s) => (await s.history(connector, account)).map((h) => [h.status, h.users, h.deleted]))
  }
}

/** The accounts of a report, keyed as the comparisons key them. */
export const accountsOf = (report: Report) =>
  report.units.flatMap((u) => (u.accountId === null ? [] : [{ connector: u.connector, account: u.accountId, key: `${u.connector}/${u.unit}` }]))
