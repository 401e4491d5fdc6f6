/** The bound that counts the client: the upstream's bound, or the bare SDK's CPU for the scenario's calls, if larger. */
import { availableParallelism } from 'node:os'
import type { Bare, Bound, Row } from './results.js'
import { lowerBoundSeconds, type Scenario } from './scenarios.js'

/**
 * `max(upstream bound, calls × bare CPU per call ÷ cores left to the client)`. The sandbox shares the machine's
 * cores: over the client bound T it takes `sandbox CPU ÷ T` of them (its CPU for the same calls, measured while it
 * answered the bare probe), which leaves `cores − sandbox CPU ÷ T`. Solving T = client CPU ÷ (cores − sandbox CPU ÷ T)
 * gives T = (client CPU + sandbox CPU) ÷ cores: both processes' CPU for the scenario's calls, on every core, with
 * nothing else to do.
 */
export function boundOf(s: Scenario, bare: Bare, cores: number = availableParallelism()): Bound {
  const upstreamS = lowerBoundSeconds(s)
  const clientS = (bare.cpuS + bare.sandboxCpuS) / cores
  return { upstreamS, clientS, boundS: Math.max(upstreamS, clientS), cores, coresLeft: clientS > 0 ? cores - bare.sandboxCpuS / clientS : cores }
}

/**
 * The shortest sync a run's own CPU allows on this machine: its CPU during the sync and the sandbox's while it served
 * it, spread over every core with nothing else to do. A contender slower than another's floor cannot catch up by
 * overlapping its work better: it must do less of it.
 */
export function cpuFloorS(row: Pick<Row, 'cpuPerCallMs' | 'apiCalls' | 'sandboxCpuS'>, cores: number): number | undefined {
  if (row.cpuPerCallMs === undefined || row.sandboxCpuS === undefined) return undefined
  return ((row.cpuPerCallMs * row.apiCalls) / 1000 + row.sandboxCpuS) / cores
}
