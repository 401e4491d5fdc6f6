/**
 * The commands that run nothing upstream: `list`, `spec`, `validate`, `capabilities`. They find the installed
 * connectors the way `sync` does, from the runner's own install, so they work from any folder.
 */
import { toJsonSchema } from '@connectors/core'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { generatedFiles, staleFiles, writeGenerated } from '../capabilities.js'
import { configProblems, plan } from '../plan.js'
import { RunConfig } from '../run-config.js'
import { EXIT, installed, installedConnector, installRoot, load, readRunConfig, UsageError, type Io } from './io.js'

/** `list`: the installed connectors, as lines or JSON. */
export async function listCommand(opts: { json?: boolean }, io: Io): Promise<number> {
  const names = installed()
  const connectors = await load(names, io.cwd)
  if (opts.json === true) {
    const rows = connectors.map((c, i) => ({ id: c.id, package: names[i], version: c.version, displayName: c.displayName, entities: c.manifest.entities, licenseTypes: c.manifest.licenseTypes }))
    io.out(`${JSON.stringify(rows, null, 2)}\n`)
  } else for (const c of connectors) io.out(`${c.id}\t${c.version}\t${c.displayName}\n`)
  return EXIT.ok
}

/** `spec <connector>`: its config JSON Schema; `spec --run-config`: the run config's own. */
export async function specCommand(name: string | undefined, opts: { runConfig?: boolean }, io: Io): Promise<number> {
  if (opts.runConfig === true) {
    io.out(`${JSON.stringify(toJsonSchema(RunConfig, 'connectors run config'), null, 2)}\n`)
    return EXIT.ok
  }
  if (name === undefined) throw new UsageError('spec: name a connector (see `connectors list`), or give --run-config')
  const connector = await installedConnector(name, io)
  io.out(`${JSON.stringify(toJsonSchema(connector.config, `${connector.id} config`), null, 2)}\n`)
  return EXIT.ok
}

/** `validate --config`: every problem of a run config at once, without touching the network. */
export async function validateCommand(opts: { config: string }, io: Io): Promise<number> {
  const config = await readRunConfig(opts.config, io)
  const connectors = await load(config.connectors.map((c) => c.connector), io.cwd)
  const planned = plan(config, connectors)
  const problems = [...planned.problems, ...configProblems(config, planned.units)]
  if (problems.length > 0) throw new UsageError(`run config ${opts.config}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n  ${problems.join('\n  ')}`)
  const accounts = config.connectors.reduce((n, c) => n + c.accounts.length, 0)
  io.out(`run config ${opts.config} is valid: ${accounts} account${accounts === 1 ? '' : 's'} of ${connectors.map((c) => c.id).join(', ') || 'no connector'}\n`)
  return EXIT.ok
}

/** `capabilities`: print the table, `--write` the generated docs, `--check` fail when they are stale. */
export async function capabilitiesCommand(opts: { write?: boolean; check?: boolean }, io: Io): Promise<number> {
  const root = installRoot()
  if (root === undefined) throw new UsageError('the connectors workspace was not found above the runner')
  const connectors = await load(installed(), io.cwd)
  const files = generatedFiles(connectors, readFileSync(join(root, 'README.md'), 'utf8'))
  if (opts.write === true) {
    await writeGenerated(root, files)
    io.out(`wrote ${[...files.keys()].join(', ')}\n`)
  } else if (opts.check === true) {
    const stale = staleFiles(root, files)
    if (stale.length > 0) {
      io.err(`stale generated files: ${stale.join(', ')}; run \`npm run connectors -- capabilities --write\`\n`)
      return EXIT.notOk
    }
    io.out('generated docs are up to date\n')
  } else io.out(files.get('docs/CAPABILITIES.md') ?? '')
  return EXIT.ok
}
