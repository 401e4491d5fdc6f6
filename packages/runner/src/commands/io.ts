/**
 * What every command shares: the process's streams and environment (passed in, so tests drive the CLI in-process),
 * the exit codes, and the errors that are the user's to fix rather than bugs.
 */
import { suggestion, type AnyConnector } from '@connectors/core'
import * as E from 'fp-ts/Either'
import { fileURLToPath } from 'node:url'
import { discoverConnectors, workspaceRoot } from '../discover.js'
import { ConnectorLoadError, loadConnector } from '../load.js'
import type { ProgressStream } from '../progress.js'
import { loadRunConfig, type RunConfig } from '../run-config.js'

/** Exit codes, as `--help` and the README document them. */
export const EXIT = {
  /** Every unit ok (or the command did what it was asked). */
  ok: 0,
  /** Some unit (or check, or generated file) is not ok. */
  notOk: 1,
  /** A bad invocation or config: nothing ran. */
  usage: 2,
  /** The state file or output folder is locked by another run. */
  locked: 3,
  /** A bug: an internal error, printed with its stack. */
  internal: 70,
  /** Interrupted by SIGINT or SIGTERM (report.json still written). */
  interrupted: 130,
} as const

/** The default bound on accounts worked on at once (IAM limits are per customer account, so accounts run in parallel). */
export const DEFAULT_CONCURRENCY = 64

/** The process as the CLI sees it. */
export interface Io {
  readonly out: (s: string) => void
  readonly err: (s: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  /** Standard output is a terminal: tables and text rather than JSON. */
  readonly stdoutIsTty: boolean
  /** Standard error, where a live progress frame is drawn when it is a terminal. */
  readonly stderr: ProgressStream
  /** Reads standard input (for `--config -`). */
  readonly stdin?: () => Promise<string>
  /** Calls `handler` on SIGINT/SIGTERM until the returned function is called. */
  readonly onInterrupt?: (handler: (signal: string) => void) => () => void
}

/** A mistake in the invocation or the config: printed without a stack, exit 2. */
export class UsageError extends Error {}

/** The folder of the workspace this runner is installed in (so commands work from any folder). */
export const installRoot = (): string | undefined => workspaceRoot(fileURLToPath(new URL('.', import.meta.url)))

/** Package names of the installed connectors. */
export function installed(): string[] {
  const root = installRoot()
  return root === undefined ? [] : discoverConnectors(root)
}

/** Loads connectors by package name or path; a failure is the user's to fix, and lists what is installed. */
export async function load(names: ReadonlyArray<string>, cwd: string): Promise<AnyConnector[]> {
  try {
    return await Promise.all(names.map((n) => loadConnector(n, cwd)))
  } catch (error) {
    if (!(error instanceof ConnectorLoadError)) throw error
    const available = installed()
    throw new UsageError(`${error.message}\n  installed connectors: ${available.length === 0 ? '(none)' : available.join(', ')}`)
  }
}

/** Reads and validates the run config, or throws a {@link UsageError} listing every problem. */
export async function readRunConfig(file: string, io: Io): Promise<RunConfig> {
  const config = await loadRunConfig(file, io.env, io.cwd, io.stdin)
  if (E.isLeft(config)) throw new UsageError(config.left)
  return config.right
}

/** Whether colour may be used on a stream: a terminal, not `TERM=dumb`, no `NO_COLOR`. */
export const colorOn = (isTty: boolean, env: Io['env']) => isTty && env['TERM'] !== 'dumb' && (env['NO_COLOR'] ?? '') === ''

/** The installed connector named by id or package name, or a usage error that lists them. */
export async function installedConnector(name: string, io: Io): Promise<AnyConnector> {
  const names = installed()
  const connectors = await load(names, io.cwd)
  const found = connectors.find((c, i) => c.id === name || names[i] === name)
  if (found !== undefined) return found
  // Not installed: maybe a path to a connector module.
  if (name.startsWith('.') || name.startsWith('/')) return (await load([name], io.cwd))[0] as AnyConnector
  throw new UsageError(`no installed connector is named "${name}"${suggestion(name, connectors.map((c) => c.id))}; installed: ${connectors.map((c) => c.id).join(', ') || '(none)'}`)
}
