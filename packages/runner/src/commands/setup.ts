/**
 * `setup <connector> [--org ID] [--principal ARN] [--out DIR]`: the connector's setup kit for one customer, filled in
 * with their organization id and the platform's principal — its README on standard output, or every file under
 * `--out`. The same files, with placeholders, are the published `docs/connectors/<id>/`.
 */
import type { AnyConnector, SetupValues } from '@connectors/core'
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, join, normalize, resolve } from 'node:path'
import { writeFileAtomic } from '../outputs.js'
import { EXIT, installedConnector, UsageError, type Io } from './io.js'

/** The flag that gives each setup value: a kit's message about `principalArn` is about `--principal`. */
const FLAGS: Readonly<Record<keyof SetupValues, string>> = { organizationId: '--org', principalArn: '--principal' }

export interface SetupOptions {
  readonly org?: string
  readonly principal?: string
  readonly out?: string
}

/**
 * The kit's files. A kit refuses a value that breaks its rule with a `RangeError` ("principalArn: expected …"):
 * the invocation's mistake, reported with the flag that gave the value (exit 2).
 */
function kitOf(connector: AnyConnector, values: SetupValues): ReadonlyArray<{ readonly file: string; readonly content: string }> {
  if (connector.setupDocs === undefined) throw new UsageError(`setup: ${connector.id} has no setup kit`)
  try {
    return connector.setupDocs(values)
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    const message = error.message.replace(/(^|; )(organizationId|principalArn):/g, (_all, sep: string, key: keyof SetupValues) => `${sep}${FLAGS[key]}:`)
    throw new UsageError(`setup ${connector.id}: ${message}`)
  }
}

export async function setupCommand(name: string, opts: SetupOptions, io: Io): Promise<number> {
  const connector = await installedConnector(name, io)
  const docs = kitOf(connector, { ...(opts.org !== undefined ? { organizationId: opts.org } : {}), ...(opts.principal !== undefined ? { principalArn: opts.principal } : {}) })
  if (opts.out === undefined) {
    io.out(docs.find((d) => d.file === 'README.md')?.content ?? `${docs.map((d) => d.file).join('\n')}\n`)
    return EXIT.ok
  }
  const dir = resolve(io.cwd, opts.out)
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--out ${opts.out}: is a file, not a folder`)
  for (const d of docs) {
    // A kit names files under its folder; anything else is the connector's bug, not the user's.
    if (isAbsolute(d.file) || normalize(d.file).startsWith('..')) throw new Error(`${connector.id}: setup file ${d.file} is outside the kit's folder`)
    await writeFileAtomic(join(dir, d.file), d.content)
  }
  io.out(`wrote ${docs.length} files to ${dir}: ${docs.map((d) => d.file).join(', ')}\n`)
  return EXIT.ok
}
