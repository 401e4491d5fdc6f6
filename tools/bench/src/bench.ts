/**
 * `npm run bench [-- --scenario <name>] [--json out.json] [--check] [--write]`: for each scenario, start the
 * sandbox in its own process, run the contenders, read the sandbox's stats, verify the outputs against the seed,
 * and print a markdown table (and JSON).
 */
import { delegatorEnv, generateOrganization } from '@connectors/aws-sandbox'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { recordLines } from '@connectors/runner/testing'
import { measure, type Measured } from './measure.js'
import { lowerBoundSeconds, minimumCalls, type Scenario } from './scenarios.js'

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const SANDBOX = join(ROOT, 'tools', 'aws-sandbox', 'bin', 'aws-sandbox.js')
const CLI = join(ROOT, 'packages', 'runner', 'bin', 'connectors.js')
const NAIVE = join(ROOT, 'tools', 'bench', 'src', 'naive.ts')
const STAGE = join(ROOT, 'tools', 'bench', 'src', 'stage.ts')
const SEED = 1
const EXTERNAL_ID = `ext-${SEED}`

interface Stats {
  totalRequests: number
  throttled: number
  firstRequestAt?: number
  faults: Record<string, number>
  requests: Array<{ account: string; action: string; outcome: string; count: number }>
  overheadMs: Record<string, { count: number; median: number; p99: number }>
}

/** One contender's row (for a repeated contender: its median run, with the range of all runs). */
export interface Row {
  readonly scenario: string
  readonly contender: string
  /** How many times it ran. */
  readonly runs: number
  readonly wallS: number
  readonly syncS: number
  /** The fastest and slowest sync of the runs. */
  readonly syncRangeS: readonly [number, number]
  readonly boundS: number
  readonly ratio: number
  readonly apiCalls: number
  readonly minimumCalls: number
  readonly okCalls: number
  readonly throttled: number
  readonly retries: number
  readonly recordsPerS: number
  readonly usersPerS: number
  /** The highest of the runs. */
  readonly peakRssMb: number
  readonly cpuS: number
  /** Share of the sync the CLI's main thread was busy (report.json). */
  readonly mainThreadBusy?: number
  readonly startupS?: number
  readonly accountsFailed: number
  readonly recordsLost: number
  readonly sandboxOverhead?: Stats['overheadMs']
}

async function startSandbox(s: Scenario): Promise<{ endpoint: string; child: ChildProcess }> {
  const args = [SANDBOX, '--generate', '--accounts', String(s.accounts), '--users', String(s.users), '--groups', String(s.groups), '--members', String(s.members), '--seed', String(SEED)]
  if (s.latencyMs > 0) args.push('--latency', String(s.latencyMs))
  if (s.throttle !== undefined) args.push('--throttle', `${s.throttle.rate}:${s.throttle.burst}:${s.throttle.per}`)
  if (s.throttleRate !== undefined) args.push('--throttle-rate', String(s.throttleRate))
  if (s.failureRate !== undefined) args.push('--failure-rate', String(s.failureRate))
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const endpoint = await new Promise<string>((done, fail) => {
    let buffered = ''
    child.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString()
      if (buffered.includes('\n')) done(buffered.split('\n')[0] as string)
    })
    child.once('exit', (code) => fail(new Error(`sandbox exited ${code}`)))
  })
  return { endpoint, child }
}

async function stopSandbox(child: ChildProcess): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done))
  child.kill('SIGTERM')
  await exited
}

const statsOf = async (endpoint: string) => (await (await fetch(`${endpoint}/_sandbox/stats`)).json()) as Stats
const okCalls = (stats: Stats) => stats.requests.filter((r) => r.outcome === 'ok').reduce((n, r) => n + r.count, 0)

const baseEnv = () => delegatorEnv({ AWS_REGION: 'us-east-1' })

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

async function runOurs(s: Scenario, name: string, extra: ReadonlyArray<string>): Promise<Row> {
  const { endpoint, child } = await startSandbox(s)
  const dir = await mkdtemp(join(tmpdir(), 'bench-'))
  try {
    const config = {
      connectors: [
        {
          connector: '@connectors/aws-iam',
          accounts: Array.from({ length: s.accounts }, (_, i) => ({
            name: `acct-${i}`,
            config: { roleArn: `arn:aws:iam::${String(100_000_000_000 + i)}:role/ConnectorsReadOnly`, externalId: EXTERNAL_ID, endpoints: { sts: endpoint, iam: endpoint }, email: { template: '{username}@bench.example' } },
          })),
        },
      ],
    }
    await writeFile(join(dir, 'run.json'), JSON.stringify(config))
    const m: Measured = await measure([CLI, 'sync', '--config', join(dir, 'run.json'), '--out', join(dir, 'out'), '--state', join(dir, 'state.db'), '--log-level', 'error', ...extra], { cwd: ROOT, env: baseEnv() })
    const stats = await statsOf(endpoint)
    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')) as { elapsedMs: number; mainThreadBusy: number; units: Array<{ status: string; retries: number }> }
    const { lost, records, users } = await recordsLost(join(dir, 'out'), s)
    const syncS = report.elapsedMs / 1000
    const bound = lowerBoundSeconds(s)
    return {
      ...measuredRun(s, name, m, syncS),
      boundS: bound,
      ratio: syncS / bound,
      apiCalls: stats.totalRequests,
      minimumCalls: minimumCalls(s).total * s.accounts,
      okCalls: okCalls(stats),
      throttled: stats.throttled,
      retries: report.units.reduce((n, a) => n + a.retries, 0),
      recordsPerS: records / syncS,
      usersPerS: users / syncS,
      mainThreadBusy: report.mainThreadBusy,
      ...(stats.firstRequestAt !== undefined ? { startupS: (stats.firstRequestAt - m.startedAt) / 1000 } : {}),
      accountsFailed: report.units.filter((a) => a.status !== 'ok').length,
      recordsLost: lost,
      sandboxOverhead: stats.overheadMs,
    }
  } finally {
    await stopSandbox(child)
    await rm(dir, { recursive: true, force: true })
  }
}

async function runNaive(s: Scenario): Promise<Row> {
  const { endpoint, child } = await startSandbox(s)
  try {
    const accounts = Array.from({ length: s.accounts }, (_, i) => String(100_000_000_000 + i))
    const m = await measure(['--import', 'tsx', NAIVE, endpoint, JSON.stringify(accounts), EXTERNAL_ID], { cwd: ROOT, env: baseEnv() })
    const out = JSON.parse(m.stdout.trim().split('\n').pop() ?? '{}') as { users: number; groups: number; memberships: number; failedAccounts: number; elapsedMs: number }
    const stats = await statsOf(endpoint)
    const expected = s.accounts * (s.users + s.groups + s.groups * Math.min(s.members, s.users))
    const records = out.users + out.groups + out.memberships
    const syncS = out.elapsedMs / 1000
    return {
      ...measuredRun(s, 'naive SDK loop', m, syncS),
      boundS: lowerBoundSeconds(s),
      ratio: syncS / lowerBoundSeconds(s),
      apiCalls: stats.totalRequests,
      minimumCalls: minimumCalls(s).total * s.accounts,
      okCalls: okCalls(stats),
      throttled: stats.throttled,
      retries: stats.totalRequests - okCalls(stats),
      recordsPerS: records / syncS,
      usersPerS: out.users / syncS,
      accountsFailed: out.failedAccounts,
      recordsLost: expected - records,
    }
  } finally {
    await stopSandbox(child)
  }
}

/** The contender name of the mapping-and-writing stage (SDK mocked). */
export const STAGE_CONTENDER = 'ours, SDK mocked (mapping and writing only)'

/** Our sync's own code alone over the scenario's data: no HTTP, no XML, no signing (see stage.ts). */
async function runStage(s: Scenario): Promise<Row> {
  const m = await measure(['--import', 'tsx', STAGE, String(s.users), String(s.groups), String(s.members), String(SEED)], { cwd: ROOT, env: baseEnv() })
  const out = JSON.parse(m.stdout.trim().split('\n').pop() ?? '{}') as { status?: string; users: number; groups: number; memberships: number; elapsedMs: number }
  const syncS = out.elapsedMs / 1000
  const records = out.users + out.groups + out.memberships
  const expected = s.users + s.groups + s.groups * Math.min(s.members, s.users)
  return {
    ...measuredRun(s, STAGE_CONTENDER, m, syncS),
    boundS: Number.NaN,
    ratio: Number.NaN,
    apiCalls: 0,
    minimumCalls: 0,
    okCalls: 0,
    throttled: 0,
    retries: 0,
    recordsPerS: records / syncS,
    usersPerS: out.users / syncS,
    accountsFailed: out.status === 'ok' ? 0 : 1,
    recordsLost: expected - records,
  }
}

/**
 * Runs a contender `times` times and keeps its median run (by sync time), with the range, the highest RSS, and the
 * worst of the runs for failed accounts, lost records and successful calls.
 */
async function repeated(times: number, run: () => Promise<Row>): Promise<Row> {
  const rows: Row[] = []
  for (let i = 0; i < times; i++) rows.push(await run())
  const sorted = [...rows].sort((x, y) => x.syncS - y.syncS)
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as Row
  return {
    ...median,
    runs: rows.length,
    syncRangeS: [(sorted[0] as Row).syncS, (sorted[sorted.length - 1] as Row).syncS],
    peakRssMb: Math.max(...rows.map((r) => r.peakRssMb)),
    accountsFailed: Math.max(...rows.map((r) => r.accountsFailed)),
    recordsLost: Math.max(...rows.map((r) => r.recordsLost)),
    // A run that wasted calls (or missed some) must show, not hide behind the median.
    okCalls: rows.find((r) => r.okCalls !== r.minimumCalls)?.okCalls ?? median.okCalls,
  }
}

/**
 * Runs a scenario's contenders: our CLI `repeat` times (this machine's speed drifts by a fifth or more from one
 * minute to the next, so a single run proves little), the variants, the naive baseline and the stage once.
 */
export async function runScenario(s: Scenario, log: (line: string) => void = () => {}, repeat = 1): Promise<Row[]> {
  const rows: Row[] = []
  log(`${s.name}: ours ×${repeat}…`)
  rows.push(await repeated(repeat, () => runOurs(s, 'ours (connectors sync)', [])))
  for (const v of s.variants ?? []) {
    log(`${s.name}: ${v.name}…`)
    rows.push(await runOurs(s, v.name, v.args))
  }
  if (s.naive) {
    log(`${s.name}: naive baseline…`)
    rows.push(await runNaive(s))
  }
  if (s.stage === true) {
    log(`${s.name}: mapping and writing alone…`)
    rows.push(await runStage(s))
  }
  return rows
}

/** Targets: each a description and whether it holds. */
export function checkTargets(rows: ReadonlyArray<Row>): Array<{ target: string; ok: boolean; value: string }> {
  const ours = (scenario: string) => rows.find((r) => r.scenario === scenario && r.contender.startsWith('ours (connectors'))
  const results: Array<{ target: string; ok: boolean; value: string }> = []
  const ratioTarget = (scenario: string, max: number) => {
    const r = ours(scenario)
    if (r !== undefined) results.push({ target: `${scenario}: sync ≤ ${max} × lower bound`, ok: r.ratio <= max, value: `${r.ratio.toFixed(2)}×` })
  }
  ratioTarget('one-large', 1.2)
  ratioTarget('many-accounts', 1.2)
  ratioTarget('storm', 1.5)
  const many = ours('many-accounts')
  const naive = rows.find((r) => r.scenario === 'many-accounts' && r.contender === 'naive SDK loop')
  if (many !== undefined && naive !== undefined) results.push({ target: 'many-accounts: ≥ 5× faster than the naive baseline', ok: naive.syncS / many.syncS >= 5, value: `${(naive.syncS / many.syncS).toFixed(1)}×` })
  for (const r of rows.filter((x) => x.contender.startsWith('ours') && x.contender !== STAGE_CONTENDER)) {
    results.push({ target: `${r.scenario} / ${r.contender}: successful calls = minimum (no wasted calls)`, ok: r.okCalls === r.minimumCalls, value: `${r.okCalls} of ${r.minimumCalls}` })
    results.push({ target: `${r.scenario} / ${r.contender}: 0 accounts failed, 0 records lost`, ok: r.accountsFailed === 0 && r.recordsLost === 0, value: `${r.accountsFailed} failed, ${r.recordsLost} lost` })
    if (r.startupS !== undefined) results.push({ target: `${r.scenario} / ${r.contender}: start-up ≤ 1.5 s`, ok: r.startupS <= 1.5, value: `${r.startupS.toFixed(2)} s` })
  }
  const huge = ours('huge')
  if (huge !== undefined) results.push({ target: 'huge: peak RSS ≤ 300 MB (connectors sync, highest of its runs)', ok: huge.peakRssMb <= 300, value: `${huge.peakRssMb} MB` })
  const stage = rows.find((r) => r.scenario === 'huge' && r.contender === STAGE_CONTENDER)
  if (stage !== undefined) {
    results.push({ target: 'huge: ≥ 40,000 users/s through mapping and writing (SDK mocked)', ok: stage.usersPerS >= 40_000 && stage.recordsLost === 0, value: `${Math.round(stage.usersPerS)} users/s` })
  }
  return results
}

const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '–')

/** The markdown report. */
export function renderTable(rows: ReadonlyArray<Row>): string {
  const head =
    '| scenario | contender | runs | sync s (median) | sync s (range) | lower bound s | sync / bound | API calls (minimum) | throttled | retries | users/s | records/s | peak RSS MB | CPU s | main thread busy | start-up s | accounts failed | records lost |'
  const lines = rows.map((r) => {
    const calls = r.contender === STAGE_CONTENDER ? '– (SDK mocked)' : `${r.apiCalls} (${r.minimumCalls})`
    const busy = r.mainThreadBusy !== undefined ? `${Math.round(r.mainThreadBusy * 100)}%` : '–'
    return `| ${r.scenario} | ${r.contender} | ${r.runs} | ${f(r.syncS)} | ${f(r.syncRangeS[0])}–${f(r.syncRangeS[1])} | ${f(r.boundS)} | ${f(r.ratio)} | ${calls} | ${r.throttled} | ${r.retries} | ${Math.round(r.usersPerS)} | ${Math.round(r.recordsPerS)} | ${r.peakRssMb} | ${f(r.cpuS)} | ${busy} | ${r.startupS !== undefined ? f(r.startupS) : '–'} | ${r.accountsFailed} | ${r.recordsLost} |`
  })
  const overhead = rows
    .filter((r) => r.sandboxOverhead !== undefined && r.contender.startsWith('ours (connectors'))
    .map((r) => {
      const o = r.sandboxOverhead ?? {}
      const cell = (a: string) => (o[a] !== undefined ? `${f(o[a].median, 3)} / ${f(o[a].p99, 3)}` : '–')
      return `| ${r.scenario} | ${cell('ListUsers')} | ${cell('GetGroup')} | ${cell('AssumeRole')} |`
    })
  return [
    head,
    `|${' --- |'.repeat(18)}`,
    ...lines,
    '',
    'Sandbox overhead per request, ms (median / p99), excluding injected latency:',
    '',
    '| scenario | ListUsers (1,000-user pages) | GetGroup | AssumeRole |',
    '|---|---|---|---|',
    ...overhead,
  ].join('\n')
}

/** This machine, for the report. */
export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
}
