/** What a benchmark run produces: a row per contender, the bound of each scenario, and where our CPU went. */
import type { ProfileSummary } from './profile.js'

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
  /** The scenario's bound ({@link Bound}); NaN where a contender has none (SDK mocked). */
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
  /** The whole process's CPU, start-up included. */
  readonly cpuS: number
  /** CPU during the sync alone (the process's own `process.cpuUsage()`, every thread), per API call, in ms. */
  readonly cpuPerCallMs?: number
  /** The sandbox's CPU while it served this run, in s. */
  readonly sandboxCpuS?: number
  /** Share of the sync the CLI's main thread was busy (report.json). */
  readonly mainThreadBusy?: number
  readonly startupS?: number
  readonly accountsFailed: number
  readonly recordsLost: number
  readonly sandboxOverhead?: Readonly<Record<string, { count: number; median: number; p99: number }>>
}

/** A contender's run before the scenario's bound is known. */
export type Run = Omit<Row, 'boundS' | 'ratio'>

/** The bare SDK's CPU probe: the scenario's calls replayed through the SDK against a bucket- and latency-free sandbox. */
export interface Bare {
  /** Attempts made: the minimum calls plus the retries the scenario's injected faults force. */
  readonly calls: number
  /** The probe's CPU over its calls (its own `process.cpuUsage()`, every thread), in s. */
  readonly cpuS: number
  readonly cpuPerCallMs: number
  /** The sandbox's CPU while it answered those calls, in s. */
  readonly sandboxCpuS: number
  readonly elapsedS: number
  /** How many times the probe ran (the row is its median by CPU per call). */
  readonly runs: number
}

/** The scenario's bound: the upstream's, or the client's CPU on the cores the sandbox leaves it, whichever is larger. */
export interface Bound {
  readonly upstreamS: number
  /** calls × bare CPU per call ÷ cores left to the client. */
  readonly clientS: number
  readonly boundS: number
  readonly cores: number
  /** cores − the sandbox's share of them over the client bound (its CPU for the same calls ÷ the client bound). */
  readonly coresLeft: number
}

/** Everything one scenario produced. */
export interface ScenarioResult {
  readonly scenario: string
  readonly rows: ReadonlyArray<Row>
  readonly bare: Bare
  readonly bound: Bound
  /** With `--profile`: where the CPU of one extra run of our CLI went, over its sync. */
  readonly profile?: ProfileSummary & { readonly dir: string; readonly syncS: number }
}

/** The contender names the targets and the report look for. */
export const OURS = 'ours (connectors sync)'
export const PEER = 'peer: SDK script, adaptive retry'
export const NAIVE = 'naive SDK loop'
export const STAGE_CONTENDER = 'ours, SDK mocked (mapping and writing only)'
