/** The `npm run bench` entry point. */
import { Command } from 'commander'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { runScenario } from './bench.js'
import { machine, renderDocument, renderReport } from './report.js'
import type { ScenarioResult } from './results.js'
import { scenarios } from './scenarios.js'
import { checkTargets } from './targets.js'

const o = new Command('bench')
  .option('--scenario <name...>', `scenarios to run (default: all but smoke): ${scenarios.map((s) => s.name).join(', ')}`)
  .option('--json <file>', 'also write the rows, bounds, profiles and targets as JSON')
  .option('--write <file>', 'write the markdown report (e.g. docs/BENCHMARKS.md)')
  .option('--repeat <n>', 'runs of our CLI, the peer and the bare SDK probe per scenario; the median is reported with the range', (v) => Number.parseInt(v, 10), 3)
  .option('--profile [dir]', `one more run of our CLI per scenario under node --cpu-prof; profiles in <dir>/<scenario> (default ${join(tmpdir(), 'bench-profiles')})`)
  .option('--peer-sweep <n...>', 'also run the peer once with each of these GetGroup concurrencies per account (numbers, or all)')
  .option('--check', 'exit 1 when a target is missed')
  .parse()
  .opts<{ scenario?: string[]; json?: string; write?: string; repeat: number; profile?: string | true; peerSweep?: string[]; check?: boolean }>()

if (!Number.isInteger(o.repeat) || o.repeat < 1) {
  process.stderr.write('bench: --repeat must be a whole number of at least 1\n')
  process.exit(2)
}
if ((o.peerSweep ?? []).some((n) => n !== 'all' && !(Number.isInteger(Number(n)) && Number(n) >= 1))) {
  process.stderr.write('bench: --peer-sweep takes whole numbers of at least 1, or all\n')
  process.exit(2)
}

const selected = o.scenario ?? scenarios.filter((s) => s.name !== 'smoke').map((s) => s.name)
const unknown = selected.filter((name) => !scenarios.some((s) => s.name === name))
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown scenario ${unknown.join(', ')}\n`)
  process.exit(2)
}
const profileDir = o.profile === undefined ? undefined : resolve(o.profile === true ? join(tmpdir(), 'bench-profiles') : o.profile)
const results: ScenarioResult[] = []
for (const name of selected) {
  const scenario = scenarios.find((s) => s.name === name)
  if (scenario !== undefined) results.push(await runScenario(scenario, { repeat: o.repeat, log: (line) => process.stderr.write(`${line}\n`), ...(o.peerSweep !== undefined ? { peerSweep: o.peerSweep } : {}), ...(profileDir !== undefined ? { profileDir } : {}) }))
}
const targets = checkTargets(results)
const command = `npm run bench -- --scenario ${selected.join(' ')} --repeat ${o.repeat}${profileDir !== undefined ? ' --profile' : ''}${o.peerSweep !== undefined ? ` --peer-sweep ${o.peerSweep.join(' ')}` : ''}`
const report = renderReport(results, targets, command)
process.stdout.write(`${report}\n`)
if (profileDir !== undefined) process.stderr.write(`bench: CPU profiles in ${profileDir}/<scenario>\n`)
if (o.json !== undefined) await writeFile(o.json, `${JSON.stringify({ machine: machine(), results, targets }, null, 2)}\n`)
if (o.write !== undefined) await writeFile(o.write, renderDocument(scenarios.filter((s) => selected.includes(s.name)), o.repeat, report))
if (o.check === true && targets.some((t) => !t.ok)) process.exit(1)
