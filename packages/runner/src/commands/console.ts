/**
 * `connectors console`: serves the Integrations console over this runner — the same connectors, state file and
 * output folder as `sync`, resolved the same way — until interrupted. The console lives in its own package,
 * loaded here by name at run time so the runner never depends on it (the console depends on the runner).
 */
import { resolve } from 'node:path'
import type { AnyConnector, Logger, PlatformIdentity } from '@connectors/core'
import { createLogger, redactedFields, type LOG_FORMATS, type LOG_LEVELS } from '../logger.js'
import { configDir, type RunConfig } from '../run-config.js'
import { colorOn, DEFAULT_CONCURRENCY, EXIT, installed, load, readRunConfig, UsageError, type Io } from './io.js'

/** The options of `console`. */
export interface ConsoleCommandOptions {
  readonly port?: number
  readonly host?: string
  readonly token?: string
  readonly config?: string
  readonly org?: string
  readonly principal?: string
  readonly state?: string
  readonly out?: string
  readonly logLevel: (typeof LOG_LEVELS)[number]
  readonly logFormat: (typeof LOG_FORMATS)[number]
}

/** The package that serves the console, and what this command needs of it. */
const CONSOLE_PACKAGE = '@connectors/console'
interface ConsoleModule {
  startConsole(options: {
    readonly connectors: ReadonlyArray<{ readonly packageName: string; readonly connector: AnyConnector }>
    readonly platform?: PlatformIdentity
    readonly statePath: string
    readonly out: string
    readonly host?: string
    readonly port?: number
    readonly token?: string
    readonly env: Io['env']
    readonly logger: Logger
    readonly concurrency: number
    readonly dropThreshold?: number
    readonly retentionDays?: number
    readonly baseDir: string
  }): Promise<{ readonly url: string; readonly token?: string; close(): Promise<void> }>
  readonly ConsoleOptionsError: new (...args: never[]) => Error
}

async function consoleModule(): Promise<ConsoleModule> {
  const name: string = CONSOLE_PACKAGE
  try {
    return (await import(name)) as ConsoleModule
  } catch (error) {
    throw new UsageError(`the console is not installed (${CONSOLE_PACKAGE}: ${(error as Error).message.split('\n')[0]})`)
  }
}

/** Runs `console`; returns the exit code once interrupted. */
export async function consoleCommand(opts: ConsoleCommandOptions, io: Io): Promise<number> {
  const config: RunConfig | undefined = opts.config !== undefined ? await readRunConfig(opts.config, io) : undefined
  const platform: PlatformIdentity = { ...config?.platform, ...(opts.org !== undefined ? { organizationId: opts.org } : {}), ...(opts.principal !== undefined ? { principalArn: opts.principal } : {}) }
  const out = opts.out !== undefined ? resolve(io.cwd, opts.out) : (config?.out ?? resolve(io.cwd, 'out'))
  const statePath = opts.state !== undefined ? resolve(io.cwd, opts.state) : (config?.state ?? resolve(io.cwd, '.connectors', 'state.db'))
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(opts.state ?? config?.state ?? '')) throw new UsageError('--state: the console keeps its accounts in a SQLite state file; give a file path')
  const names = installed()
  const connectors = await load(names, io.cwd)
  const logger = createLogger(opts.logLevel, opts.logFormat, io.err, redactedFields(connectors), colorOn(io.stderr.isTTY === true, io.env))
  const { startConsole, ConsoleOptionsError } = await consoleModule()
  let running: Awaited<ReturnType<ConsoleModule['startConsole']>>
  try {
    running = await startConsole({
      connectors: connectors.map((connector, i) => ({ packageName: names[i] as string, connector })),
      platform,
      statePath,
      out,
      ...(opts.host !== undefined ? { host: opts.host } : {}),
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.token !== undefined ? { token: opts.token } : {}),
      env: io.env,
      logger,
      concurrency: config?.concurrency ?? DEFAULT_CONCURRENCY,
      ...(config?.dropThreshold !== undefined ? { dropThreshold: config.dropThreshold } : {}),
      ...(config?.retentionDays !== undefined ? { retentionDays: config.retentionDays } : {}),
      baseDir: opts.config !== undefined ? configDir(opts.config, io.cwd) : io.cwd,
    })
  } catch (error) {
    if (error instanceof ConsoleOptionsError) throw new UsageError(error.message)
    throw error
  }
  const missing = [platform.organizationId === undefined ? '--org' : undefined, platform.principalArn === undefined ? '--principal' : undefined].filter((m) => m !== undefined)
  io.out(
    [
      `Integrations console: ${running.url}`,
      ...(opts.token === undefined && running.token !== undefined ? [`  --host ${opts.host} is not loopback: every request needs the token printed in this URL (give your own with --token).`] : []),
      `  state ${statePath}, outputs ${out}`,
      ...(missing.length > 0 ? [`  no ${missing.join(' or ')} (nor a --config platform section): setup documents keep placeholders, and accounts need their own ExternalId.`] : []),
      '  Ctrl-C stops it.',
      '',
    ].join('\n'),
  )
  await new Promise<void>((stopped) => {
    const unsubscribe = io.onInterrupt?.(() => {
      unsubscribe?.()
      stopped()
    })
  })
  await running.close()
  return EXIT.ok
}
