/**
 * The contenders, each run as a child process against its own sandbox: our CLI (and, with `--profile`, one more run
 * of it under `--cpu-prof`), the strongest peer and the naive loop (SDK scripts), the mapping-and-writing stage
 * (SDK mocked), and the bare SDK's CPU probe behind the bound.
 */
import { generateOrganization } from '@connectors/aws-sandbox'
import { recordLines } from '@connectors/runner/testing'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { measure, type Measured } from './measure.js'
import { monotonicOffsetUs, readProfiles, summarize, type ProfileSummary } from './profile.js'
import { NAIVE, PEER, STAGE_CONTENDER, type Bare, type Run } from './results.js'
import { accountIds, baseEnv, EXTERNAL_ID, okCalls, ROOT, SEED, statsOf, withSandbox, type RunningSandbox, type Stats } from './sandbox.js'
import { minimumCalls, type Scenario } from './scenarios.js'

const CLI = join(ROOT, 'packages', 'runner', 'bin', 'connectors.js')
const script = (name: string) => join(ROOT, 'tools', 'bench', 'src', name)

/** Records expected of a complete sync of the scenario. */
const expectedRecords = (s: Scenario) => s.accounts * (s.users + s.groups + s.groups * Math.min(s.members, s.users))

/** Counts the records per (type, unit) in the output's records files and checks user ids against the seed. */
async function recordsLost(out: string, s: Scenario): Promise<{ lost: number; records: number; users: number }> {
  const seed = generateOrganization({ accounts: s.accounts, users: s.users, groups: s.groups, members: s.members, seed: SEED })
  const ids = new Map(seed.accounts.map((a, i) => [`acct-${i}`, new Set(a.users.map((u) => u.id))]))
  const counts = new Map<string, number>()
  let records = 0
  let users = 0
  for await (const r of recordLines(out)) {
    records++
    counts.set(`${r.type}|${r.unit}`, (counts.get(`${r.type}|${r.unit}`) ?? 0) + 1)
    if (r.type === 'user') {
      users++
      ids.get(r.unit)?.delete(String(r.data.id))
    }
  }
  let lost = 0
  for (const [i] of seed.accounts.entries()) {
    lost += ids.get(`acct-${i}`)?.size ?? 0
    lost += Math.max(0, s.groups - (counts.get(`group|acct-${i}`) ?? 0))
    lost += Math.max(0, s.groups * Math.min(s.members, s.users) - (counts.get(`membership|acct-${i}`) ?? 0))
  }
  return { lost, records, users }
}

/** The fields of any one measured run. */
function measuredRun(s: Scenario, contender: string, m: Measured, syncS: number) {
  return { scenario: s.name, contender, runs: 1, wallS: m.wallMs / 1000, syncS, syncRangeS: [syncS, syncS] as const, peakRssMb: m.peakRssMb, cpuS: m.cpuSeconds }
}

/** The sandbox's calls and their outcomes, for a contender that talked to it. */
function callsOf(s: Scenario, stats: Stats) {
  return { apiCalls: stats.totalRequests, minimumCalls: minimumCalls(s).total * s.accounts, okCalls: okCalls(stats), throttled: stats.throttled }
}

/** Runs `node args…` against a fresh sandbox and hands over what it did, the sandbox's stats and CPU for it. */
function againstSandbox<A>(s: Scenario, args: (sandbox: RunningSandbox) => Promise<string[]>, read: (m: Measured, stats: Stats, sandboxCpuS: number) => Promise<A>, options: { readonly bare?: boolean } = {}): Promise<A> {
  return withSandbox(
    s,
    async (sandbox) => {
      const argv = await args(sandbox)
      const before = sandbox.cpuS()
      const m = await measure(argv, { cwd: ROOT, env: baseEnv() })
      const sandboxCpuS = sandbox.cpuS() - before
      try {
        return await read(m, await statsOf(sandbox.endpoint), sandboxCpuS)
      } catch (error) {
        throw new Error(`${s.name}: node ${argv.join(' ')} (exit ${m.code}): ${(error as Error).message}\n${m.stderr.slice(-2000)}`)
      }
    },
    options,
  )
}

interface CliReport {
  startedAt: string
  finishedAt: string
  elapsedMs: number
  cpuMs: number
  mainThreadBusy: number
  units: Array<{ status: string; retries: number }>
}

/** `connectors sync` over every account of the scenario, under `nodeFlags`; `read` sees the outputs before they go. */
async function cliSync<A>(s: Scenario, extra: ReadonlyArray<string>, nodeFlags: ReadonlyArray<string>, read: (m: Measured, stats: Stats, sandboxCpuS: number, report: CliReport, out: string) => Promise<A>): Promise<A> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-'))
  try {
    return await againstSandbox(
      s,
      async (sandbox) => {
        const accounts = accountIds(s).map((id, i) => ({
          name: `acct-${i}`,
          config: { roleArn: `arn:aws:iam::${id}:role/ConnectorsReadOnly`, externalId: EXTERNAL_ID, endpoints: { sts: sandbox.endpoint, iam: sandbox.endpoint }, email: { template: '{username}@bench.example' } },
        }))
        await writeFile(join(dir, 'run.json'), JSON.stringify({ connectors: [{ connector: '@connectors/aws-iam', accounts }] }))
        return [...nodeFlags, CLI, 'sync', '--config', join(dir, 'run.json'), '--out', join(dir, 'out'), '--state', join(dir, 'state.db'), '--log-level', 'error', ...extra]
      },
      async (m, stats, sandboxCpuS) => read(m, stats, sandboxCpuS, JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')) as CliReport, join(dir, 'out')),
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Our CLI, once. */
export function runOurs(s: Scenario, name: string, extra: ReadonlyArray<string>): Promise<Run> {
  return cliSync(s, extra, [], async (m, stats, sandboxCpuS, report, out) => {
    const { lost, records, users } = await recordsLost(out, s)
    const syncS = report.elapsedMs / 1000
    return {
      ...measuredRun(s, name, m, syncS),
      ...callsOf(s, stats),
      retries: report.units.reduce((n, a) => n + a.retries, 0),
      recordsPerS: records / syncS,
      usersPerS: users / syncS,
      cpuPerCallMs: report.cpuMs / stats.totalRequests,
      sandboxCpuS,
      mainThreadBusy: report.mainThreadBusy,
      ...(stats.firstRequestAt !== undefined ? { startupS: (stats.firstRequestAt - m.startedAt) / 1000 } : {}),
      accountsFailed: report.units.filter((a) => a.status !== 'ok').length,
      recordsLost: lost,
      sandboxOverhead: stats.overheadMs,
    }
  })
}

/**
 * One more run of our CLI under `node --cpu-prof`, its profiles kept in `dir`: where the CPU of its sync went (the
 * samples between report.json's start and finish; start-up is its own column elsewhere).
 */
export async function runProfiled(s: Scenario, dir: string): Promise<ProfileSummary & { dir: string; syncS: number }> {
  await rm(dir, { recursive: true, force: true })
  const { report } = await cliSync(s, [], ['--cpu-prof', `--cpu-prof-dir=${dir}`], async (_m, _stats, _cpu, r) => ({ report: r }))
  const offset = monotonicOffsetUs()
  const window = { fromUs: Date.parse(report.startedAt) * 1000 + offset, toUs: Date.parse(report.finishedAt) * 1000 + offset }
  return { ...summarize(await readProfiles(dir), window), dir, syncS: report.elapsedMs / 1000 }
}

/** What the SDK scripts (peer.ts, naive.ts) print. */
interface ScriptOut {
  users: number
  groups: number
  memberships: number
  failedAccounts: number
  elapsedMs: number
  cpuMs: number
}

const scriptOut = (m: Measured) => JSON.parse(m.stdout.trim().split('\n').pop() ?? '{}') as ScriptOut

/** An SDK script over every account of the scenario: it counts what it listed (and writes nothing). */
function runSdkScript(s: Scenario, contender: string, file: string, options: ReadonlyArray<string> = []): Promise<Run> {
  return againstSandbox(
    s,
    async (sandbox) => ['--import', 'tsx', script(file), sandbox.endpoint, JSON.stringify(accountIds(s)), EXTERNAL_ID, ...options],
    async (m, stats, sandboxCpuS) => {
      const out = scriptOut(m)
      const records = out.users + out.groups + out.memberships
      const syncS = out.elapsedMs / 1000
      return {
        ...measuredRun(s, contender, m, syncS),
        ...callsOf(s, stats),
        retries: stats.totalRequests - okCalls(stats),
        recordsPerS: records / syncS,
        usersPerS: out.users / syncS,
        cpuPerCallMs: out.cpuMs / stats.totalRequests,
        sandboxCpuS,
        accountsFailed: out.failedAccounts,
        recordsLost: expectedRecords(s) - records,
      }
    },
  )
}

/** The strongest peer (peer.ts); with `getGroupConcurrency` (a number or `all`), a setting of its sweep. */
export const runPeer = (s: Scenario, getGroupConcurrency?: string) =>
  getGroupConcurrency === undefined ? runSdkScript(s, PEER, 'peer.ts') : runSdkScript(s, `peer, GetGroup ${getGroupConcurrency} at a time`, 'peer.ts', ['--get-group-concurrency', getGroupConcurrency])

/** The naive loop (naive.ts). */
export const runNaive = (s: Scenario) => runSdkScript(s, NAIVE, 'naive.ts')

/**
 * The bare SDK's CPU probe: peer.ts `--replay` against a sandbox with the scenario's organization and injected faults
 * but no bucket and no latency. Its calls are the minimum plus the retries those faults force; its CPU per call is the
 * SDK's own on the scenario's responses; the sandbox's CPU is what answering them costs.
 */
export async function runBare(s: Scenario): Promise<Bare> {
  return againstSandbox(
    s,
    async (sandbox) => ['--import', 'tsx', script('peer.ts'), sandbox.endpoint, JSON.stringify(accountIds(s)), EXTERNAL_ID, '--replay'],
    async (m, stats, sandboxCpuS) => {
      const out = scriptOut(m)
      if (out.failedAccounts > 0 || okCalls(stats) !== minimumCalls(s).total * s.accounts) throw new Error(`the bare SDK probe did not complete ${s.name}: ${m.stdout}`)
      return { calls: stats.totalRequests, cpuS: out.cpuMs / 1000, cpuPerCallMs: out.cpuMs / stats.totalRequests, sandboxCpuS, elapsedS: out.elapsedMs / 1000, runs: 1 }
    },
    { bare: true },
  )
}

/** Our sync's own code alone over the scenario's data: no HTTP, no XML, no signing (see stage.ts). */
export async function runStage(s: Scenario): Promise<Run> {
  const m = await measure(['--import', 'tsx', script('stage.ts'), String(s.users), String(s.groups), String(s.members), String(SEED)], { cwd: ROOT, env: baseEnv() })
  const out = JSON.parse(m.stdout.trim().split('\n').pop() ?? '{}') as { status?: string; users: number; groups: number; memberships: number; elapsedMs: number }
  const syncS = out.elapsedMs / 1000
  const records = out.users + out.groups + out.memberships
  return {
    ...measuredRun(s, STAGE_CONTENDER, m, syncS),
    apiCalls: 0,
    minimumCalls: 0,
    okCalls: 0,
    throttled: 0,
    retries: 0,
    recordsPerS: records / syncS,
    usersPerS: out.users / syncS,
    accountsFailed: out.status === 'ok' ? 0 : 1,
    recordsLost: expectedRecords({ ...s, accounts: 1 }) - records,
  }
}

/** The median of `times` runs by `key` (for an even count, the faster of the middle two), with all the runs. */
export async function medianOf<A>(times: number, run: () => Promise<A>, key: (a: A) => number): Promise<{ median: A; all: A[] }> {
  const all: A[] = []
  for (let i = 0; i < times; i++) all.push(await run())
  const sorted = [...all].sort((x, y) => key(x) - key(y))
  return { median: sorted[Math.floor((sorted.length - 1) / 2)] as A, all: sorted }
}

/**
 * Runs a contender `times` times and keeps its median run (by sync time), with the range, the highest RSS, and the
 * worst of the runs for failed accounts, lost records and successful calls.
 */
export async function repeated(times: number, run: () => Promise<Run>): Promise<Run> {
  const { median, all } = await medianOf(times, run, (r) => r.syncS)
  return {
    ...median,
    runs: all.length,
    syncRangeS: [(all[0] as Run).syncS, (all[all.length - 1] as Run).syncS],
    peakRssMb: Math.max(...all.map((r) => r.peakRssMb)),
    accountsFailed: Math.max(...all.map((r) => r.accountsFailed)),
    recordsLost: Math.max(...all.map((r) => r.recordsLost)),
    // A run that wasted calls (or missed some) must show, not hide behind the median.
    okCalls: all.find((r) => r.okCalls !== r.minimumCalls)?.okCalls ?? median.okCalls,
  }
}
