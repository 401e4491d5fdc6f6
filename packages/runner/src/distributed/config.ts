/**
 * The run config of a queued run: read once, kept both resolved (to plan and validate the run here, as a local run
 * does) and as written (what the jobs carry, `${env:…}` unresolved, so that secrets stay in each worker's environment).
 */
import type { AnyConnector } from '@connectors/core'
import * as E from 'fp-ts/Either'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { UsageError, type Io } from '../commands/io.js'
import type { DropPolicy } from '../run/drop-guard.js'
import type { PlannedUnit } from '../run/unit.js'
import { parseRunConfig, resolvePaths, type RunConfig } from '../run-config.js'
import { queueProblems, type UnitJob } from './job.js'

/** A run config as written (parsed, nothing substituted). */
export interface RawRunConfig {
  readonly connectors?: ReadonlyArray<{ readonly accounts?: ReadonlyArray<{ readonly name?: unknown; readonly config?: unknown; readonly exclude?: ReadonlyArray<string> }> }>
  readonly platform?: { readonly organizationId?: unknown }
}

/** Reads the run config `file` (`-`: standard input) once: resolved and validated, and as written. */
export async function readQueuedConfig(file: string, io: Io, baseDir: string): Promise<{ readonly config: RunConfig; readonly raw: RawRunConfig }> {
  let text: string
  try {
    text = file === '-' ? await (io.stdin ?? (() => Promise.reject(new Error('no standard input'))))() : await readFile(resolve(io.cwd, file), 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read run config ${file}: ${(error as Error).message}`)
  }
  const name = file === '-' ? '(stdin)' : file
  const config = parseRunConfig(text, name, io.env)
  if (E.isLeft(config)) throw new UsageError(config.left)
  // Valid as a run config, so it parses the same way again.
  const raw = (/\.ya?ml$/i.test(name) || name === '(stdin)' ? parseYaml(text) : JSON.parse(text)) as RawRunConfig
  return { config: resolvePaths(config.right, baseDir), raw }
}

/** The jobs of a run, in the order of `units`; refuses (a usage error) a config whose secrets would be queued. */
export function jobsOf(units: ReadonlyArray<PlannedUnit>, connectors: ReadonlyArray<AnyConnector>, source: { readonly config: RunConfig; readonly raw: RawRunConfig }, run: { readonly runId: string; readonly out: string; readonly baseDir: string; readonly drop: DropPolicy; readonly retentionDays?: number }): UnitJob[] {
  const problems = queueProblems(source.raw, connectors)
  if (problems.length > 0) throw new UsageError(`run config: the run cannot be queued:\n  ${problems.join('\n  ')}`)
  const entries = new Map(
    source.config.connectors.flatMap((entry, i) => (source.raw.connectors?.[i]?.accounts ?? []).map((account) => [String(account.name), { connector: entry.connector, account }] as const)),
  )
  return units.map((unit) => {
    const found = entries.get(unit.unit)
    // Jobs carry entries as written; an entry is found by its name, which must therefore be written out too.
    if (found === undefined) throw new UsageError(`run config: account "${unit.unit}" cannot be queued: write its name out in the run config (a queued run keeps \${env:…} unresolved, names included)`)
    const { name: _name, config, exclude } = found.account
    return {
      runId: run.runId,
      out: run.out,
      connector: found.connector,
      entry: { name: unit.unit, config, ...(exclude !== undefined ? { exclude } : {}) },
      ...(source.raw.platform !== undefined ? { platform: source.raw.platform } : {}),
      baseDir: run.baseDir,
      drop: run.drop,
      ...(run.retentionDays !== undefined ? { retentionDays: run.retentionDays } : {}),
    }
  })
}
