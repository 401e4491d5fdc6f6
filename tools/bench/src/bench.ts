/**
 * `npm run bench`: for each scenario, run the contenders (each against its own sandbox process), the bare SDK's CPU
 * probe, and with `--profile` one profiled run of our CLI; then put every contender against the scenario's bound.
 */
import { join } from 'node:path'
import { boundOf } from './bound.js'
import { medianOf, repeated, runBare, runNaive, runOurs, runPeer, runProfiled, runStage } from './contenders.js'
import { OURS, type Bare, type Row, type Run, type ScenarioResult } from './results.js'
import type { Scenario } from './scenarios.js'

export interface ScenarioOptions {
  /** Runs of our CLI, of the peer and of the bare SDK probe (this machine's speed drifts by a fifth or more from one minute to the next, so a single run proves little). */
  readonly repeat?: number
  /** Profile one more run of our CLI, keeping its `.cpuprofile` files in `<profileDir>/<scenario>`. */
  readonly profileDir?: string
  /** Also run the peer with these GetGroup concurrencies (numbers, or `all`), once each. */
  readonly peerSweep?: ReadonlyArray<string>
  readonly log?: (line: string) => void
}

/** Runs a scenario's contenders: ours, its variants, the peer, the naive loop, the stage; then the probe behind the bound. */
export async function runScenario(s: Scenario, options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const { repeat = 1, log = () => {} } = options
  const runs: Run[] = []
  log(`${s.name}: ours ×${repeat}…`)
  runs.push(await repeated(repeat, () => runOurs(s, OURS, [])))
  for (const v of s.variants ?? []) {
    log(`${s.name}: ${v.name}…`)
    runs.push(await runOurs(s, v.name, v.args))
  }
  log(`${s.name}: peer ×${repeat}…`)
  runs.push(await repeated(repeat, () => runPeer(s)))
  for (const n of options.peerSweep ?? []) {
    log(`${s.name}: peer, GetGroup ${n} at a time…`)
    runs.push(await runPeer(s, n))
  }
  if (s.naive) {
    log(`${s.name}: naive loop…`)
    runs.push(await runNaive(s))
  }
  if (s.stage === true) {
    log(`${s.name}: mapping and writing alone…`)
    runs.push(await runStage(s))
  }
  log(`${s.name}: bare SDK probe ×${repeat}…`)
  const { median, all } = await medianOf(repeat, () => runBare(s), (b) => b.cpuPerCallMs)
  const bare: Bare = { ...median, runs: all.length }
  const bound = boundOf(s, bare)
  const rows: Row[] = runs.map((r) => (r.apiCalls > 0 ? { ...r, boundS: bound.boundS, ratio: r.syncS / bound.boundS } : { ...r, boundS: Number.NaN, ratio: Number.NaN }))
  if (options.profileDir === undefined) return { scenario: s.name, rows, bare, bound }
  log(`${s.name}: ours, profiled…`)
  return { scenario: s.name, rows, bare, bound, profile: await runProfiled(s, join(options.profileDir, s.name)) }
}
