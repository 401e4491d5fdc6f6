/** The AWS sandbox as the benchmark drives it: one process per contender run, its stats, and its CPU time. */
import { delegatorEnv } from '@connectors/aws-sandbox'
import { spawn, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpuSecondsOf } from './measure.js'
import type { Scenario } from './scenarios.js'

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const SANDBOX = join(ROOT, 'tools', 'aws-sandbox', 'bin', 'aws-sandbox.js')
export const SEED = 1
export const EXTERNAL_ID = `ext-${SEED}`

/** What `GET /_sandbox/stats` answers (the fields the benchmark reads). */
export interface Stats {
  totalRequests: number
  throttled: number
  firstRequestAt?: number
  faults: Record<string, number>
  requests: Array<{ account: string; action: string; outcome: string; count: number }>
  overheadMs: Record<string, { count: number; median: number; p99: number }>
}

/** A running sandbox. */
export interface RunningSandbox {
  readonly endpoint: string
  readonly child: ChildProcess
  /** Its CPU seconds so far (the generated organization's cost included: take differences). */
  readonly cpuS: () => number
}

/**
 * Starts the sandbox with the scenario's organization and upstream behaviour. `bare`: the same organization and the
 * same injected throttles and failures (decided per request and occurrence, so every client meets the same ones),
 * but no token bucket and no latency: what the bare SDK's CPU probe runs against.
 */
export async function startSandbox(s: Scenario, options: { readonly bare?: boolean } = {}): Promise<RunningSandbox> {
  const args = [SANDBOX, '--generate', '--accounts', String(s.accounts), '--users', String(s.users), '--groups', String(s.groups), '--members', String(s.members), '--seed', String(SEED)]
  if (s.latencyMs > 0 && options.bare !== true) args.push('--latency', String(s.latencyMs))
  if (s.throttle !== undefined && options.bare !== true) args.push('--throttle', `${s.throttle.rate}:${s.throttle.burst}:${s.throttle.per}`)
  if (s.throttleRate !== undefined) args.push('--throttle-rate', String(s.throttleRate))
  if (s.failureRate !== undefined) args.push('--failure-rate', String(s.failureRate))
  if (s.identityStore === true) args.push('--identity-store')
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const endpoint = await new Promise<string>((done, fail) => {
    let buffered = ''
    child.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString()
      if (buffered.includes('\n')) done(buffered.split('\n')[0] as string)
    })
    child.once('exit', (code) => fail(new Error(`sandbox exited ${code}`)))
  })
  return { endpoint, child, cpuS: () => (child.pid === undefined ? 0 : cpuSecondsOf(child.pid)) }
}

export async function stopSandbox(child: ChildProcess): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done))
  child.kill('SIGTERM')
  await exited
}

/** Runs `use` against a fresh sandbox, stopping it on every way out. */
export async function withSandbox<A>(s: Scenario, use: (sandbox: RunningSandbox) => Promise<A>, options: { readonly bare?: boolean } = {}): Promise<A> {
  const sandbox = await startSandbox(s, options)
  try {
    return await use(sandbox)
  } finally {
    await stopSandbox(sandbox.child)
  }
}

export const statsOf = async (endpoint: string) => (await (await fetch(`${endpoint}/_sandbox/stats`)).json()) as Stats
export const okCalls = (stats: Stats) => stats.requests.filter((r) => r.outcome === 'ok').reduce((n, r) => n + r.count, 0)

/** The environment of every client: the sandbox's delegator credentials, nothing of this machine's AWS setup. */
export const baseEnv = () => delegatorEnv({ AWS_REGION: 'us-east-1' })

/** The sandbox account ids of a scenario, in order (`acct-<i>` in the CLI's config). */
export const accountIds = (s: Scenario) => Array.from({ length: s.accounts }, (_, i) => String(100_000_000_000 + i))
