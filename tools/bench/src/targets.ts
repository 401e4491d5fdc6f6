/** The targets a benchmark run is held to; `--check` exits 1 when one is missed. */
import { cpuFloorS } from './bound.js'
import { OURS, PEER, STAGE_CONTENDER, type ScenarioResult } from './results.js'

/** One target: what is asked, what was measured, and whether it holds. */
export interface Target {
  readonly target: string
  readonly value: string
  readonly ok: boolean
}

/** sync ≤ this × the bound (storm's random faults leave more to chance). */
const BOUND_RATIO: Readonly<Record<string, number>> = { storm: 1.5 }
const DEFAULT_BOUND_RATIO = 1.2
/** Our CPU per API call ≤ this × the bare SDK's: the framework's own overhead. */
const CPU_PER_CALL_RATIO = 1.25

/** Targets per scenario against its peer and bound, then per run of ours, then the huge scenario's memory and stage. */
export function checkTargets(results: ReadonlyArray<ScenarioResult>): Target[] {
  const targets: Target[] = []
  const add = (target: string, ok: boolean, value: string) => targets.push({ target, ok, value })
  for (const { scenario, rows, bare, bound } of results) {
    const ours = rows.find((r) => r.contender === OURS)
    if (ours === undefined) continue
    const peer = rows.find((r) => r.contender === PEER)
    if (peer !== undefined) {
      // When ours is slower, whether its CPU alone already rules the peer's time out on this machine.
      const floor = cpuFloorS(ours, bound.cores)
      const floorNote = ours.syncS > peer.syncS && floor !== undefined ? `; ours' CPU floor ${floor.toFixed(2)} s` : ''
      add(`${scenario}: sync ≤ the peer's (ours / peer ≤ 1.0)`, ours.syncS <= peer.syncS, `${(ours.syncS / peer.syncS).toFixed(2)} (${ours.syncS.toFixed(2)} s vs ${peer.syncS.toFixed(2)} s${floorNote})`)
      add(`${scenario}: successful calls ≤ the peer's`, ours.okCalls <= peer.okCalls, `${ours.okCalls} vs ${peer.okCalls}`)
      add(`${scenario}: fewer throttled calls than the peer (or none)`, ours.throttled < peer.throttled || ours.throttled === 0, `${ours.throttled} vs ${peer.throttled}`)
    }
    const max = BOUND_RATIO[scenario] ?? DEFAULT_BOUND_RATIO
    add(`${scenario}: sync ≤ ${max} × bound`, ours.ratio <= max, `${ours.ratio.toFixed(2)}×`)
    if (ours.cpuPerCallMs !== undefined) {
      const ratio = ours.cpuPerCallMs / bare.cpuPerCallMs
      add(`${scenario}: CPU per API call ≤ ${CPU_PER_CALL_RATIO} × the bare SDK's`, ratio <= CPU_PER_CALL_RATIO, `${ratio.toFixed(2)}× (${ours.cpuPerCallMs.toFixed(2)} vs ${bare.cpuPerCallMs.toFixed(2)} ms)`)
    }
  }
  const all = results.flatMap((r) => r.rows)
  for (const r of all.filter((x) => x.contender.startsWith('ours') && x.contender !== STAGE_CONTENDER)) {
    add(`${r.scenario} / ${r.contender}: calls = minimum + retries (successful = minimum, no wasted calls)`, r.okCalls === r.minimumCalls && r.apiCalls === r.minimumCalls + r.retries, `${r.apiCalls} = ${r.okCalls} + ${r.retries} (minimum ${r.minimumCalls})`)
    add(`${r.scenario} / ${r.contender}: 0 accounts failed, 0 records lost`, r.accountsFailed === 0 && r.recordsLost === 0, `${r.accountsFailed} failed, ${r.recordsLost} lost`)
    if (r.startupS !== undefined) add(`${r.scenario} / ${r.contender}: start-up ≤ 1.5 s`, r.startupS <= 1.5, `${r.startupS.toFixed(2)} s`)
  }
  const huge = all.find((r) => r.scenario === 'huge' && r.contender === OURS)
  if (huge !== undefined) add('huge: peak RSS ≤ 300 MB (connectors sync, highest of its runs)', huge.peakRssMb <= 300, `${huge.peakRssMb} MB`)
  const stage = all.find((r) => r.scenario === 'huge' && r.contender === STAGE_CONTENDER)
  if (stage !== undefined) add('huge: ≥ 40,000 users/s through mapping and writing (SDK mocked)', stage.usersPerS >= 40_000 && stage.recordsLost === 0, `${Math.round(stage.usersPerS)} users/s`)
  return targets
}
