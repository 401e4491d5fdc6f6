/**
 * The `connectors` CLI: list | spec | validate | check | sync | worker | console | setup | capabilities | completion. Commands live in
 * `commands/`; this file declares the program and turns every way a command can end into an exit code.
 */
import { Command, InvalidArgumentError, Option } from 'commander'
import { readFileSync } from 'node:fs'
import { checkCommand } from './commands/check.js'
import { consoleCommand, type ConsoleCommandOptions } from './commands/console.js'
import { capabilitiesCommand, listCommand, specCommand, validateCommand } from './commands/inspect.js'
import { DEFAULT_CONCURRENCY, EXIT, installed, load, UsageError, type Io } from './commands/io.js'
import { setupCommand, type SetupOptions } from './commands/setup.js'
import { syncCommand, type SyncCommandOptions } from './commands/sync.js'
import type { WorkerCommandOptions } from './commands/worker.js'
import { completionScript } from './completion.js'
import { LockedError } from './lock.js'
import { LOG_FORMATS, LOG_LEVELS } from './logger.js'

export { DEFAULT_CONCURRENCY }
export type { Io }

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

const EXIT_CODES_HELP = `
Exit codes:
  0    every account ok (or the command did what it was asked)
  1    some account is not ok (partial, held, failed), a check failed, or generated docs are stale
  2    a bad invocation or config: nothing ran
  3    the state file or output folder is locked by another run
  70   an internal error (a bug: please report it)
  130  interrupted (SIGINT/SIGTERM); report.json lists the interrupted accounts`

const positive = (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1')
  return n
}
const collect = (v: string, all: string[] = []) => [...all, v]

/** Builds the program; `run` parses argv and returns the exit code. */
export function createProgram(io: Io): { readonly program: Command; run: (argv: ReadonlyArray<string>) => Promise<number> } {
  let exitCode: number = EXIT.ok
  const done = (code: number) => {
    exitCode = code
  }
  const program = new Command('connectors')
    .description('Run SaaS connectors: check connections, sync many accounts, render capabilities.')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .addOption(new Option('--log-level <level>', 'log level of the logs on stderr').choices(LOG_LEVELS).default('warn'))
    .addOption(new Option('--log-format <format>', 'json lines (for machines) or pretty (for people)').choices(LOG_FORMATS).default('json'))
    .addHelpText('after', EXIT_CODES_HELP)
  const logOptions = () => program.opts<{ logLevel: (typeof LOG_LEVELS)[number]; logFormat: (typeof LOG_FORMATS)[number] }>()
  const configOption = () => new Option('--config <file>', 'run config, JSON or YAML (- reads standard input)').makeOptionMandatory()
  const accountOption = () => new Option('--account <name>', 'only this account of the run config (repeatable)').argParser(collect)

  program
    .command('list')
    .description('list the installed connectors')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => done(await listCommand(opts, io)))

  program
    .command('spec [connector]')
    .description("print a connector's config JSON Schema (its id, package name or path), or the run config's")
    .option('--run-config', "print the run config's JSON Schema instead")
    .action(async (name: string | undefined, opts: { runConfig?: boolean }) => done(await specCommand(name, opts, io)))

  program
    .command('validate')
    .description('check a run config without touching the network: every problem at once')
    .addOption(configOption())
    .action(async (opts: { config: string }) => done(await validateCommand(opts, io)))

  program
    .command('check')
    .description("run each account's connection check; names the first failing step and its fix")
    .addOption(configOption())
    .addOption(accountOption())
    .option('--json', 'print JSON (the default when standard output is not a terminal)')
    .option('--concurrency <n>', `accounts checked at once (default ${DEFAULT_CONCURRENCY})`, positive)
    .action(async (opts: { config: string; json?: boolean; account?: string[]; concurrency?: number }) => done(await checkCommand({ ...opts, ...logOptions() }, io)))

  program
    .command('sync')
    .description('sync every account of the run config; writes records, users files, report.json and the state')
    .addOption(configOption())
    .addOption(accountOption())
    .option('--out <dir>', 'output folder (default: the run config’s "out", else ./out)')
    .option('--state <file|url>', 'state database: a SQLite file (default: the run config’s "state", else .connectors/state.db) or postgres://…')
    .option('--concurrency <n>', `accounts synced at once (default ${DEFAULT_CONCURRENCY})`, positive)
    .option('--accept-drop', 'apply deletions even when a sync drops more users than the threshold')
    .option('--redis <url>', 'enqueue the accounts for `connectors worker` processes (redis://…) instead of running them here; needs a postgres:// --state')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (opts: Omit<SyncCommandOptions, 'logLevel' | 'logFormat'>) => done(await syncCommand({ ...opts, ...logOptions() }, io)))

  program
    .command('worker')
    .description('take accounts queued by `sync --redis` and run them, until interrupted')
    .requiredOption('--redis <url>', 'the queue (redis://…)')
    .requiredOption('--state <url>', 'the shared state database (postgres://…)')
    .option('--concurrency <n>', `accounts run at once by this worker (default ${DEFAULT_CONCURRENCY})`, positive)
    .addHelpText('after', EXIT_CODES_HELP)
    // BullMQ and the PostgreSQL client load with the command that needs them: every other command starts without them.
    .action(async (opts: Omit<WorkerCommandOptions, 'logLevel' | 'logFormat'>) => done(await (await import('./commands/worker.js')).workerCommand({ ...opts, ...logOptions() }, io)))

  program
    .command('console')
    .description('serve the Integrations console: connect accounts in the browser, test them step by step, sync, browse users')
    .option('--port <n>', 'port to listen on (default 4780)', positive)
    .option('--host <address>', 'address to bind (default 127.0.0.1; any other needs a token: --token, or one is generated)')
    .option('--token <token>', 'require this token on every request')
    .option('--config <file>', "a run config: its platform section (organization id, principal, credentials), out and state")
    .option('--org <id>', "the platform's organization id (the ExternalId customers' roles require), when no --config gives it")
    .option('--principal <arn>', "the platform's principal ARN (the role customers trust), when no --config gives it")
    .option('--state <file>', 'state database (default: the run config’s "state", else .connectors/state.db)')
    .option('--out <dir>', 'output folder for syncs (default: the run config’s "out", else ./out)')
    .action(async (opts: Omit<ConsoleCommandOptions, 'logLevel' | 'logFormat'>) => done(await consoleCommand({ ...opts, ...logOptions() }, io)))

  program
    .command('capabilities')
    .description('print the capabilities table; --write updates docs/ and README.md, --check fails when stale')
    .option('--write', 'write docs/CAPABILITIES.md, the README region and each connector’s setup docs')
    .option('--check', 'exit 1 when a generated file is stale')
    .action(async (opts: { write?: boolean; check?: boolean }) => done(await capabilitiesCommand(opts, io)))

  program
    .command('setup <connector>')
    .description("print a connector's setup kit for a customer (its README), filled in; --out writes every file")
    .option('--org <id>', "the customer's organization id: the sts:ExternalId their role's trust policy requires")
    .option('--principal <arn>', "the platform's principal, a role ARN: the only one their role trusts")
    .option('--out <dir>', 'write every file of the kit into this folder (README, policies, script, CloudFormation, Terraform)')
    .action(async (name: string, opts: SetupOptions) => done(await setupCommand(name, opts, io)))

  program
    .command('completion')
    .description('print the shell completion script: source <(connectors completion bash)')
    .addArgument(new Command().createArgument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action(async (shell: 'bash' | 'zsh') => {
      const ids = (await load(installed(), io.cwd)).map((c) => c.id)
      io.out(completionScript(program, shell, ids))
    })

  return {
    program,
    run: async (argv) => {
      exitCode = EXIT.ok
      try {
        await program.parseAsync(argv, { from: 'user' })
        return exitCode
      } catch (error) {
        const code = (error as { code?: string }).code
        if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return EXIT.ok
        if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.usage
        if (error instanceof UsageError) {
          io.err(`connectors: ${error.message}\n`)
          return EXIT.usage
        }
        if (error instanceof LockedError) {
          io.err(`connectors: ${error.message}\n`)
          return EXIT.locked
        }
        io.err(`connectors: internal error (a bug; please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
        return EXIT.internal
      }
    },
  }
}
