/** The benchmark's markdown: the contenders' table, the bound and CPU per call, the sandbox, where the CPU went, the targets. */
import { cpus, totalmem } from 'node:os'
import { cpuFloorS } from './bound.js'
import { GROUP_MEANING, GROUPS, type ProfileSummary } from './profile.js'
import { NAIVE, OURS, PEER, STAGE_CONTENDER, type Row, type ScenarioResult } from './results.js'
import type { Scenario } from './scenarios.js'
import type { Target } from './targets.js'

const f = (n: number | undefined, d = 2) => (n !== undefined && Number.isFinite(n) ? n.toFixed(d) : '–')
const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) => [`| ${head.join(' | ')} |`, `|${' --- |'.repeat(head.length)}`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')

/** Every contender of every scenario. */
export function renderTable(rows: ReadonlyArray<Row>): string {
  const head = ['scenario', 'contender', 'runs', 'sync s (median)', 'sync s (range)', 'bound s', 'sync / bound', 'API calls (minimum)', 'throttled', 'retries', 'users/s', 'records/s', 'peak RSS MB', 'CPU s', 'sync CPU ms / call', 'main thread busy', 'start-up s', 'accounts failed', 'records lost']
  return table(
    head,
    rows.map((r) => [
      r.scenario,
      r.contender,
      String(r.runs),
      f(r.syncS),
      `${f(r.syncRangeS[0])}–${f(r.syncRangeS[1])}`,
      f(r.boundS),
      f(r.ratio),
      r.contender === STAGE_CONTENDER ? '– (SDK mocked)' : `${r.apiCalls} (${r.minimumCalls})`,
      String(r.throttled),
      String(r.retries),
      String(Math.round(r.usersPerS)),
      String(Math.round(r.recordsPerS)),
      String(r.peakRssMb),
      f(r.cpuS),
      f(r.cpuPerCallMs),
      r.mainThreadBusy !== undefined ? `${Math.round(r.mainThreadBusy * 100)}%` : '–',
      f(r.startupS),
      String(r.accountsFailed),
      String(r.recordsLost),
    ]),
  )
}

/** Per scenario: the bound's terms, and CPU per API call of ours, the peer and the bare SDK. */
export function renderBounds(results: ReadonlyArray<ScenarioResult>): string {
  const row = (r: ScenarioResult, contender: string) => r.rows.find((x) => x.contender === contender)
  return table(
    ['scenario', 'upstream bound s', 'bare SDK: calls', 'bare SDK: CPU s', 'sandbox CPU s (same calls)', 'cores left to the client', 'client bound s', 'bound s', 'CPU ms / call: bare SDK', 'ours', 'ours / bare', 'peer', 'ours / peer', 'CPU floor s: ours', 'peer'],
    results.map((r) => {
      const ours = row(r, OURS)
      const peer = row(r, PEER)
      const times = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? `${f(a / b)}×` : '–')
      const floor = (x: Row | undefined) => f(x === undefined ? undefined : cpuFloorS(x, r.bound.cores))
      return [r.scenario, f(r.bound.upstreamS), String(r.bare.calls), f(r.bare.cpuS), f(r.bare.sandboxCpuS), f(r.bound.coresLeft), f(r.bound.clientS), f(r.bound.boundS), f(r.bare.cpuPerCallMs), f(ours?.cpuPerCallMs), times(ours?.cpuPerCallMs, r.bare.cpuPerCallMs), f(peer?.cpuPerCallMs), times(ours?.cpuPerCallMs, peer?.cpuPerCallMs), floor(ours), floor(peer)]
    }),
  )
}

/** The sandbox's own time per request, from our CLI's median run. */
export function renderOverhead(rows: ReadonlyArray<Row>): string {
  return table(
    ['scenario', 'ListUsers (1,000-user pages)', 'GetGroup', 'AssumeRole'],
    rows
      .filter((r) => r.sandboxOverhead !== undefined && r.contender === OURS)
      .map((r) => {
        const o = r.sandboxOverhead ?? {}
        const cell = (a: string) => (o[a] !== undefined ? `${f(o[a].median, 3)} / ${f(o[a].p99, 3)}` : '–')
        return [r.scenario, cell('ListUsers'), cell('GetGroup'), cell('AssumeRole')]
      }),
  )
}

const share = (ms: number, of: number) => `${((100 * ms) / of).toFixed(1)}%`

/** Where our CLI's CPU went: the groups of every profiled scenario, then the packages and frames of one. */
export function renderProfiles(results: ReadonlyArray<ScenarioResult>, detailed = 'many-accounts', top = 15): string {
  const profiled = results.filter((r): r is ScenarioResult & { profile: NonNullable<ScenarioResult['profile']> } => r.profile !== undefined)
  if (profiled.length === 0) return ''
  const busy = (p: ProfileSummary) => p.totalMs - p.groups.idle
  const groups = table(
    ['scenario', 'profiled sync s', 'busy ms', ...GROUPS.filter((g) => g !== 'idle'), 'idle ms (all threads)'],
    profiled.map(({ scenario, profile: p }) => [scenario, f(p.syncS), f(busy(p), 0), ...GROUPS.filter((g) => g !== 'idle').map((g) => `${f(p.groups[g], 0)} ms (${share(p.groups[g], busy(p))})`), f(p.groups.idle, 0)]),
  )
  const detail = profiled.find((r) => r.scenario === detailed) ?? profiled[0]
  if (detail === undefined) return groups
  const p = detail.profile
  const packages = table(
    ['package', 'group', 'self ms', 'share of busy'],
    p.packages.filter((x) => x.group !== 'idle').slice(0, top).map((x) => [x.pkg, x.group, f(x.selfMs, 0), share(x.selfMs, busy(p))]),
  )
  const frames = table(
    ['function', 'where', 'group', 'self ms', 'share of busy', 'for Node: nearest caller outside Node (share of its time)'],
    p.frames.filter((x) => x.group !== 'idle').slice(0, top).map((x) => [`\`${x.functionName || '(anonymous)'}\``, x.url === '' ? '–' : `${x.url.replace(/^.*\/(node_modules|packages|tools)\//, '$1/')}:${x.line}:${x.column}`, x.group, f(x.selfMs, 0), share(x.selfMs, busy(p)), x.via ?? '–']),
  )
  return [
    `Self time by group over the sync (samples between report.json's start and finish, every thread of the process; shares are of the busy time, idle excluded). ${GROUPS.map((g) => `${g}: ${GROUP_MEANING[g]}`).join('; ')}.`,
    '',
    groups,
    '',
    `${detail.scenario}, the top ${top} packages by self time:`,
    '',
    packages,
    '',
    `${detail.scenario}, the top ${top} functions by self time (line:column in the code V8 ran: for our TypeScript, tsx's output):`,
    '',
    frames,
  ].join('\n')
}

export function renderTargets(targets: ReadonlyArray<Target>): string {
  return table(['target', 'value', 'met'], targets.map((t) => [t.target, t.value, t.ok ? 'yes' : '**no**']))
}

/** This machine, for the report. */
export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
}

/** The report `npm run bench` prints. */
export function renderReport(results: ReadonlyArray<ScenarioResult>, targets: ReadonlyArray<Target>, command: string): string {
  const rows = results.flatMap((r) => r.rows)
  const profiles = renderProfiles(results)
  return [
    `Machine: ${machine()}. Command: \`${command}\`.`,
    '',
    renderTable(rows),
    '',
    'The bound, and CPU per API call (sync CPU ÷ API calls, retries included):',
    '',
    renderBounds(results),
    '',
    'Sandbox overhead per request, ms (median / p99), excluding injected latency:',
    '',
    renderOverhead(rows),
    ...(profiles !== '' ? ['', profiles] : []),
    '',
    renderTargets(targets),
  ].join('\n')
}

/** docs/BENCHMARKS.md: what the scenarios, contenders and bound are, then the report. */
export function renderDocument(scenarios: ReadonlyArray<Scenario>, repeat: number, report: string): string {
  return [
    '<!-- Generated by `npm run bench -- --profile --peer-sweep 1 2 8 all --write docs/BENCHMARKS.md`; rerun to refresh. -->',
    '# Benchmarks',
    '',
    `Scenarios: ${scenarios.map((s) => `\`${s.name}\` — ${s.description}`).join('; ')}.`,
    '',
    `**Contenders.** *${OURS}* runs ${repeat} times per scenario: the row is its median run, with the range of all runs beside it and the highest peak RSS of them; it writes the records, the users file and the state. *${PEER}* is the strongest rival: the best script a platform engineer could write with the same SDK (\`tools/bench/src/peer.ts\`) — every account at once; in each, ListUsers beside ListGroups, then GetGroup four at a time (the fan-out our CLI starts an account with); the SDK's paginators at MaxItems 1000; \`retryMode: 'adaptive'\` (the SDK's client-side rate limiter, one per account's client) with 10 attempts; one keep-alive agent; \`cacheMiddleware\` (as our CLI sets it); AssumeRole with the ExternalId per account. It writes nothing, and runs ${repeat} times too. *peer, GetGroup n at a time* (with \`--peer-sweep\`) is the same script with another fan-out, once each: no setting is the fastest in every scenario (more in flight draws more throttles, which the SDK's adaptive mode answers with up to a second's backoff and a 30% cut of its rate; all at once spends one-large's retry quota and fails the account). *${NAIVE}* is one account after another, every call in sequence, default SDK settings (100 items a page). *${STAGE_CONTENDER}* runs the same connector and runner code in one process with the AWS SDK clients mocked (aws-sdk-client-mock) to return the objects the SDK would have parsed: no HTTP, XML or signing, so its users/s is what this project's own mapping and writing sustain.`,
    '',
    "**The bound** is `max(upstream bound, calls × bare CPU per call ÷ cores left to the client)`. The upstream bound per account is the minimum calls (⌈U/1000⌉ + ⌈G/1000⌉ + Σ⌈members/1000⌉ + 1 AssumeRole) at the sandbox's throttle rate with the burst spent first, or the latency-bound critical path if larger; accounts are independent upstream, so a scenario's is its largest account's (injected random faults are not in it). The client term is measured in the same run: the *bare SDK* probe (`peer.ts --replay`) makes the peer's calls through the SDK against a sandbox with the scenario's organization and injected faults but no token bucket and no latency, retrying each failed attempt at once, so its calls are the minimum plus the retries the scenario's faults force (they are decided per request and occurrence: every client meets the same ones), and its `process.cpuUsage()` over them ÷ those calls is the SDK's CPU per call on the scenario's own responses (median of its runs). The sandbox runs on the same cores: over the client term T it takes its own measured CPU for those same calls ÷ T of them, so *cores left to the client* = cores − sandbox CPU ÷ T, and T = calls × bare CPU per call ÷ that = (bare SDK CPU + sandbox CPU) ÷ cores. It assumes a client that spreads its work over every core left; a single Node process runs its JavaScript on one thread.",
    '',
    "Ratios use the sync's own elapsed time (report.json, or the script's own clock); start-up (process start to first API call) is its own column. *sync CPU ms / call* is the process's CPU during the sync alone (report.json's `cpuMs`, or the script's `process.cpuUsage()`; every thread) ÷ its API calls, retries included; ours ÷ the bare SDK's is the framework's own overhead per call, held to ≤ 1.25×. The bare probe runs flat out; a paced run also spends CPU on timers and idle-time garbage collection between calls, so the peer's CPU per call (same pace, same SDK, nothing written) stands beside it: ours ÷ peer is the overhead with the pace's share taken out. *CPU floor* is the shortest sync a run's own CPU allows here: its sync CPU plus the sandbox's CPU while it served that run, over every core with nothing else to do; a contender whose floor is above another's sync cannot catch up by overlapping its work better, only by doing less of it. *Main thread busy* is report.json's `mainThreadBusy`: the share of the sync the CLI's event loop was working rather than waiting; near 100%, this machine's CPU, not the upstream, set the pace.",
    '',
    "**Where the CPU goes.** With `--profile`, one more run of our CLI per scenario (not among the timed ones) runs under `node --cpu-prof`; `tools/bench/src/profile.ts` reads the profiles of every thread, gives each sample's time to the frame on top of its stack (self time), keeps the samples between report.json's start and finish, and groups frames by the code's owner: SDK = node_modules/@aws-sdk and @smithy, ours = packages/*, Node = node:internal and native functions (V8 built-ins, Node's bindings such as `writev`), other = any other package; GC and V8's own work apart. A Node frame also names the nearest caller below it on the stack that is not Node's, so that time spent in Node on someone's behalf can be traced to them.",
    '',
    report,
    '',
  ].join('\n')
}
