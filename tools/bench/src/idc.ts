/**
 * The `identity-center` scenario: many accounts, each with an Identity Store, synced by our CLI with the
 * `@connectors/aws-identity-center` connector and by the strongest SDK peer (peer-idc.ts), each against a sandbox
 * of its own, over the same AWS JSON 1.1 protocol and per-account pace.
 */
import { generateOrganization } from '@connectors/aws-sandbox'
import { recordLines } from '@connectors/runner/testing'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { measure, type Measured } from './measure.js'
import { accountIds, baseEnv, EXTERNAL_ID, okCalls, ROOT, SEED, statsOf, withSandbox, type RunningSandbox, type Stats } from './sandbox.js'
import type { Scenario } from './scenarios.js'

export const identityCenter: Scenario = {
  name: 'identity-center',
  description: '50 accounts, each with an Identity Store of 300 users × 30 groups × 10 members; 30 ms latency; 10 req/s burst 10 per account',
  accounts: 50,
  users: 300,
  groups: 30,
  members: 10,
  latencyMs: 30,
  throttle: { rate: 10, burst: 10, per: 'account' },
  naive: false,
  identityStore: true,
}

/** Identity Store's largest page. */
const PAGE = 100

/** The minimum calls of one account: ⌈U/100⌉ ListUsers + ⌈G/100⌉ ListGroups + G × ⌈members/100⌉ ListGroupMemberships + 1 AssumeRole. */
export function idcMinimumCalls(s: Scenario): number {
  return Math.ceil(s.users / PAGE) + Math.max(1, Math.ceil(s.groups / PAGE)) + s.groups * Math.max(1, Math.ceil(Math.min(s.members, s.users) / PAGE)) + 1
}

/** The upstream bound of one account (and of the scenario, accounts being independent): its calls at the pace, the burst spent first. */
export const idcBoundS = (s: Scenario) => Math.max(0, (idcMinimumCalls(s) - (s.throttle?.burst ?? 0)) / (s.throttle?.rate ?? Number.POSITIVE_INFINITY)) + s.latencyMs / 1000

/** One contender's row: its median run by sync time, with the range. */
export interface IdcRow {
  readonly contender: string
  readonly runs: number
  readonly syncS: number
  readonly rangeS: readonly [number, number]
  readonly apiCalls: number
  readonly okCalls: number
  readonly throttled: number
  readonly usersPerS: number
  readonly recordsPerS: number
  readonly cpuS: number
  readonly cpuPerCallMs: number
  readonly peakRssMb: number
  readonly accountsFailed: number
  readonly recordsLost: number
}

const OURS = 'ours (connectors sync, aws-identity-center)'
const PEER = 'peer: SDK script (client-identitystore paginators, adaptive retry)'

const stores = (s: Scenario) => generateOrganization({ accounts: s.accounts, users: s.users, groups: s.groups, members: s.members, seed: SEED, identityStore: true }).accounts.map((a) => a.identityStore?.id as string)
const expectedRecords = (s: Scenario) => s.accounts * (s.users + s.groups + s.groups * Math.min(s.members, s.users))

function row(contender: string, m: Measured, stats: Stats, syncS: number, cpuMs: number, counts: { users: number; records: number; failed: number }, s: Scenario): IdcRow {
  return {
    contender,
    runs: 1,
    syncS,
    rangeS: [syncS, syncS],
    apiCalls: stats.totalRequests,
    okCalls: okCalls(stats),
    throttled: stats.throttled,
    usersPerS: counts.users / syncS,
    recordsPerS: counts.records / syncS,
    cpuS: m.cpuSeconds,
    cpuPerCallMs: cpuMs / stats.totalRequests,
    peakRssMb: m.peakRssMb,
    accountsFailed: counts.failed,
    recordsLost: expectedRecords(s) - counts.records,
  }
}

/** Our CLI once, against a sandbox of its own. */
async function ours(s: Scenario): Promise<IdcRow> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-idc-'))
  const ids = stores(s)
  try {
    return await withSandbox(s, async (sandbox: RunningSandbox) => {
      const accounts = accountIds(s).map((id, i) => ({
        name: `idc-${i}`,
        config: { roleArn: `arn:aws:iam::${id}:role/ConnectorsReadOnly`, externalId: EXTERNAL_ID, region: 'eu-west-1', identityStoreId: ids[i], endpoints: { sts: sandbox.endpoint, identitystore: sandbox.endpoint, sso: sandbox.endpoint } },
      }))
      await writeFile(join(dir, 'run.json'), JSON.stringify({ connectors: [{ connector: '@connectors/aws-identity-center', accounts }] }))
      const m = await measure([join(ROOT, 'packages', 'runner', 'bin', 'connectors.js'), 'sync', '--config', join(dir, 'run.json'), '--out', join(dir, 'out'), '--state', join(dir, 'state.db'), '--log-level', 'error'], { cwd: ROOT, env: baseEnv() })
      const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')) as { elapsedMs: number; cpuMs: number; units: Array<{ status: string }> }
      let [users, records] = [0, 0]
      for await (const r of recordLines(join(dir, 'out'))) {
        records++
        if (r.type === 'user') users++
      }
      return row(OURS, m, await statsOf(sandbox.endpoint), report.elapsedMs / 1000, report.cpuMs, { users, records, failed: report.units.filter((u) => u.status !== 'ok').length }, s)
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The peer once, against a sandbox of its own. */
function peer(s: Scenario): Promise<IdcRow> {
  const ids = stores(s)
  const pairs = accountIds(s).map((id, i) => [id, ids[i]])
  return withSandbox(s, async (sandbox) => {
    const m = await measure(['--import', 'tsx', join(ROOT, 'tools', 'bench', 'src', 'peer-idc.ts'), sandbox.endpoint, JSON.stringify(pairs), EXTERNAL_ID], { cwd: ROOT, env: baseEnv() })
    const out = JSON.parse(m.stdout.trim().split('\n').pop() ?? '{}') as { users: number; groups: number; memberships: number; failedAccounts: number; elapsedMs: number; cpuMs: number }
    if (out.elapsedMs === undefined) throw new Error(`peer-idc.ts printed no result (exit ${m.code}): ${m.stderr.slice(-1000)}`)
    return row(PEER, m, await statsOf(sandbox.endpoint), out.elapsedMs / 1000, out.cpuMs, { users: out.users, records: out.users + out.groups + out.memberships, failed: out.failedAccounts }, s)
  })
}

/** `times` runs of `run`: the median by sync time, with the range, the highest RSS and the worst failures. */
async function median(times: number, run: () => Promise<IdcRow>): Promise<IdcRow> {
  const all: IdcRow[] = []
  for (let i = 0; i < times; i++) all.push(await run())
  all.sort((a, b) => a.syncS - b.syncS)
  const mid = all[Math.floor((all.length - 1) / 2)] as IdcRow
  return { ...mid, runs: all.length, rangeS: [(all[0] as IdcRow).syncS, (all.at(-1) as IdcRow).syncS], peakRssMb: Math.max(...all.map((r) => r.peakRssMb)), accountsFailed: Math.max(...all.map((r) => r.accountsFailed)), recordsLost: Math.max(...all.map((r) => r.recordsLost)) }
}

/** Runs the scenario: ours, then the peer, `repeat` times each. */
export async function runIdentityCenter(repeat: number, log: (line: string) => void): Promise<{ scenario: Scenario; rows: IdcRow[] }> {
  log(`identity-center: ours ×${repeat}…`)
  const a = await median(repeat, () => ours(identityCenter))
  log(`identity-center: peer ×${repeat}…`)
  const b = await median(repeat, () => peer(identityCenter))
  return { scenario: identityCenter, rows: [a, b] }
}
