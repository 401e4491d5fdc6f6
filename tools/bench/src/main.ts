/** The `npm run bench` entry point. */
import { Command } from 'commander'
import { readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { runScenario } from './bench.js'
import { machine, renderDocument, renderReport } from './report.js'
import type { ScenarioResult } from './results.js'
import { scenarios } from './scenarios.js'
import { checkTargets } from './targets.js'
import { runFleet } from './fleet.js'
import { renderFleet } from './fleet-report.js'
import { runIdentityCenter } from './idc.js'
import { renderIdentityCenter } from './idc-report.js'
import { sectionsOf, withSection } from './sections.js'

/** Scenarios with a section of their own in the document, run and written apart from the contenders' table. */
const apart = ['fleet', 'identity-center']

const o = new Command('bench')
  .option('--scenario <name...>', `scenarios to run (default: all but smoke and those written apart): ${[...scenarios.map((s) => s.name), ...apart].join(', ')}`)
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
const unknown = selected.filter((name) => !scenarios.some((s) => s.name === name) && !apart.includes(name))
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown scenario ${unknown.join(', ')}\n`)
  process.exit(2)
}
const profileDir = o.profile === undefined ? undefined : resolve(o.profile === true ? join(tmpdir(), 'bench-profiles') : o.profile)
const results: ScenarioResult[] = []
const log = (line: string) => process.stderr.write(`${line}\n`)
const sections = new Map<string, string>()
const commandOf = (name: string) => `npm run bench -- --scenario ${name}${name === 'identity-center' ? ` --repeat ${o.repeat}` : ''}${o.write !== undefined ? ` --write ${o.write}` : ''}`
if (selected.includes('fleet')) sections.set('fleet', renderFleet(await runFleet([1, 2, 4], log), machine(), commandOf('fleet')))
if (selected.includes('identity-center')) sections.set('identity-center', renderIdentityCenter(await runIdentityCenter(o.repeat, log), machine(), commandOf('identity-center')))
for (const name of selected.filter((n) => !apart.includes(n))) {
  const scenario = scenarios.find((s) => s.name === name)
  if (scenario !== undefined) results.push(await runScenario(scenario, { repeat: o.repeat, log: (line) => process.stderr.write(`${line}\n`), ...(o.peerSweep !== undefined ? { peerSweep: o.peerSweep } : {}), ...(profileDir !== undefined ? { profileDir } : {}) }))
}
for (const text of sections.values()) process.stdout.write(`${text}\n\n`)
const rest = selected.filter((n) => !apart.includes(n))
const targets = checkTargets(results)
const command = `npm run bench -- --scenario ${rest.join(' ')} --repeat ${o.repeat}${profileDir !== undefined ? ' --profile' : ''}${o.peerSweep !== undefined ? ` --peer-sweep ${o.peerSweep.join(' ')}` : ''}`
const report = renderReport(results, targets, command)
if (rest.length > 0) process.stdout.write(`${report}\n`)
if (profileDir !== undefined) process.stderr.write(`bench: CPU profiles in ${profileDir}/<scenario>\n`)
if (o.json !== undefined) await writeFile(o.json, `${JSON.stringify({ machine: machine(), results, targets }, null, 2)}\n`)
if (o.write !== undefined) {
  // The sections not run here keep what their own commands wrote; the contenders' part is rewritten only when run.
  const previous = await readFile(o.write, 'utf8').catch(() => '')
  let doc = rest.length > 0 ? renderDocument(scenarios.filter((s) => rest.includes(s.name)), o.repeat, report) : previous
  for (const [name, kept] of sectionsOf(previous)) if (!sections.has(name) && rest.length > 0) doc = `${doc.trimEnd()}\n\n${kept}\n`
  for (const [name, text] of sections) doc = withSection(doc, name, text)
  await writeFile(o.write, doc)
}
if (o.check === true && targets.some((t) => !t.ok)) process.exit(1)
