/**
 * The `connectors` CLI: list | spec | check | sync | capabilities. Exit codes: 0 all well, 1 an account (or a
 * check, or the generated docs) is not, 2 the invocation itself is wrong (bad run config, bad connector module).
 */
import { defaultRunContext, errorMessage, errorToJson, toJsonSchema, type AnyConnector, type CheckReport } from '@connectors/core'
import { Command, InvalidArgumentError } from 'commander'
import * as E from 'fp-ts/Either'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { generatedFiles, staleFiles, writeGenerated } from './capabilities.js'
import { discoverConnectors, workspaceRoot } from './discover.js'
import { ConnectorLoadError, loadConnector } from './load.js'
import { createLogger } from './logger.js'
import { createProgress } from './progress.js'
import { loadRunConfig, type RunConfig } from './run-config.js'
import { StateWorker } from './state-client.js'
import { runSync, type Envelope, type SyncUnit } from './sync.js'

/** The default bound on accounts synced at once (IAM limits are per customer account, so accounts run in parallel). */
export const DEFAULT_CONCURRENCY = 64

/** Thrown for a wrong invocation: printed without a stack, exit 2. */
class UsageError extends Error {}

interface Io {
  readonly out: (s: string) => void
  readonly err: (s: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  readonly isTty: boolean
}

async function load(names: ReadonlyArray<string>, cwd: string): Promise<AnyConnector[]> {
  try {
    return await Promise.all(names.map((n) => loadConnector(n, cwd)))
  } catch (error) {
    if (error instanceof ConnectorLoadError) throw new UsageError(error.message)
    throw error
  }
}

function installed(io: Io): string[] {
  const root = workspaceRoot(io.cwd)
  return root === undefined ? [] : discoverConnectors(root)
}

async function runConfig(file: string, io: Io): Promise<RunConfig> {
  const config = await loadRunConfig(file, io.env)
  if (E.isLeft(config)) throw new UsageError(config.left)
  return config.right
}

async function unitsOf(config: RunConfig, io: Io): Promise<SyncUnit[]> {
  const connectors = await load(config.connectors.map((c) => c.connector), io.cwd)
  return config.connectors.flatMap((entry, i) => entry.accounts.map((a) => ({ connector: connectors[i] as AnyConnector, name: a.name, config: a.config })))
}

const positive = (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1')
  return n
}

function checkTable(reports: ReadonlyArray<{ name: string; connector: string; report: CheckReport }>): string {
  const lines = reports.map(({ name, connector, report }) => {
    const failed = report.steps.find((s) => s.status === 'failed')
    return `${report.ok ? 'ok  ' : 'FAIL'}  ${connector}/${name} (${report.account})  ${report.steps.map((s) => `${s.step}:${s.status}`).join(' → ')}${failed?.error !== undefined ? `\n      ${errorMessage(failed.error)}` : ''}`
  })
  return `${lines.join('\n')}\n`
}

function summary(envelopes: ReadonlyArray<Envelope>, elapsedMs: number, out: string): string {
  const lines = envelopes.map((e) => {
    const head = `${e.status.padEnd(7)} ${e.connector}/${e.name} (${e.account}): ${e.counts.users} users, ${e.counts.groups} groups, ${e.counts.memberships} memberships, ${e.counts.deleted} deleted, ${e.apiCalls} API calls`
    const notes = [
      ...e.errors.map((x) => `      ${String(x['message'])}`),
      ...(e.dropGuard !== undefined ? [`      held back: ${Math.round(e.dropGuard.share * 100)}% of users vanished (threshold ${Math.round(e.dropGuard.threshold * 100)}%); rerun with --accept-drop to apply`] : []),
      ...(e.counts.unmatchedEmail > 0 ? [`      ${e.counts.unmatchedEmail} user(s) without an email (see report.json; set the account's email rule)`] : []),
    ]
    return [head, ...notes].join('\n')
  })
  const ok = envelopes.filter((e) => e.status === 'ok').length
  return `${lines.join('\n')}\n${ok}/${envelopes.length} accounts ok in ${(elapsedMs / 1000).toFixed(1)} s; outputs in ${out}\n`
}

/** Builds the program; `run` parses argv and returns the exit code. */
export function createProgram(io: Io): { run: (argv: ReadonlyArray<string>) => Promise<number> } {
  let exitCode = 0
  const program = new Command('connectors')
    .description('Run SaaS connectors: check connections, sync many accounts, render capabilities.')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .option('--log-level <level>', 'log level for the JSON logs on stderr', 'warn')

  program
    .command('list')
    .description('list installed connectors (workspace packages tagged as connectors)')
    .action(async () => {
      for (const c of await load(installed(io), io.cwd)) io.out(`${c.id}\t${c.version}\t${c.displayName}\n`)
    })

  program
    .command('spec <connector>')
    .description("print a connector's config JSON Schema (package name, path, or id of an installed connector)")
    .action(async (name: string) => {
      const all = installed(io)
      const match = all.find((pkg) => pkg === name || pkg.endsWith(`/${name}`)) ?? name
      const [c] = await load([match], io.cwd)
      io.out(`${JSON.stringify(toJsonSchema((c as AnyConnector).config, `${(c as AnyConnector).id} config`), null, 2)}\n`)
    })

  program
    .command('check')
    .description("run each account's connection check; names the first failing step and its fix")
    .requiredOption('--config <file>', 'run config (JSON or YAML)')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { config: string; json?: boolean }) => {
      const logger = createLogger(program.opts<{ logLevel: string }>().logLevel)
      const units = await unitsOf(await runConfig(opts.config, io), io)
      const reports = await Promise.all(
        units.map(async (u) => ({ name: u.name, connector: u.connector.id, report: await u.connector.check(u.config, defaultRunContext({ logger, env: io.env }))() })),
      )
      io.out(opts.json === true || !io.isTty ? `${JSON.stringify(reports.map((r) => ({ ...r, report: { ...r.report, steps: r.report.steps.map((s) => ({ ...s, ...(s.error !== undefined ? { error: errorToJson(s.error) } : {}) })) } })), null, 2)}\n` : checkTable(reports))
      if (reports.some((r) => !r.report.ok)) exitCode = 1
    })

  program
    .command('sync')
    .description('sync every account of the run config; writes records.ndjson, report.json and users files')
    .requiredOption('--config <file>', 'run config (JSON or YAML)')
    .option('--out <dir>', 'output directory (default: the run config’s, else ./out)')
    .option('--state <file>', 'state database (default .connectors/state.db)')
    .option('--concurrency <n>', `accounts synced at once (default ${DEFAULT_CONCURRENCY})`, positive)
    .option('--accept-drop', 'apply deletions even when a sync drops more users than the threshold')
    .action(async (opts: { config: string; out?: string; state?: string; concurrency?: number; acceptDrop?: boolean }) => {
      const logger = createLogger(program.opts<{ logLevel: string }>().logLevel)
      const config = await runConfig(opts.config, io)
      // The state store's thread starts while the connectors load, not after.
      const opening = StateWorker.open(resolve(io.cwd, opts.state ?? config.state ?? '.connectors/state.db'))
      let units: Awaited<ReturnType<typeof unitsOf>>
      try {
        units = await unitsOf(config, io)
      } catch (error) {
        await (await opening.catch(() => undefined))?.close()
        throw error
      }
      const state = await opening
      const out = resolve(io.cwd, opts.out ?? config.out ?? 'out')
      const progress = io.isTty ? createProgress(units, io.err) : undefined
      try {
        const { envelopes, elapsedMs } = await runSync(units, {
          out,
          state,
          concurrency: opts.concurrency ?? config.concurrency ?? DEFAULT_CONCURRENCY,
          dropThreshold: config.dropThreshold ?? 0.3,
          acceptDrop: opts.acceptDrop === true,
          logger,
          env: io.env,
          ...(progress !== undefined ? { onProgress: progress.update } : {}),
        })
        progress?.finish()
        io.out(summary(envelopes, elapsedMs, out))
        if (envelopes.some((e) => e.status !== 'ok')) exitCode = 1
      } finally {
        await state.close()
      }
    })

  program
    .command('capabilities')
    .description('print the capabilities table; --write updates docs/ and README.md, --check fails when stale')
    .option('--write', 'write docs/CAPABILITIES.md, the README region and each connector’s setup docs')
    .option('--check', 'exit 1 when a generated file is stale')
    .action(async (opts: { write?: boolean; check?: boolean }) => {
      const root = workspaceRoot(io.cwd)
      if (root === undefined) throw new UsageError('not inside the connectors workspace')
      const connectors = await load(discoverConnectors(root), io.cwd)
      const files = generatedFiles(connectors, readFileSync(join(root, 'README.md'), 'utf8'))
      if (opts.write === true) {
        await writeGenerated(root, files)
        io.out(`wrote ${[...files.keys()].join(', ')}\n`)
      } else if (opts.check === true) {
        const stale = staleFiles(root, files)
        if (stale.length > 0) {
          io.err(`stale generated files: ${stale.join(', ')}; run \`npm run connectors -- capabilities --write\`\n`)
          exitCode = 1
        } else io.out('generated docs are up to date\n')
      } else io.out(`${files.get('docs/CAPABILITIES.md') ?? ''}`)
    })

  return {
    run: async (argv) => {
      exitCode = 0
      try {
        await program.parseAsync(argv, { from: 'user' })
        return exitCode
      } catch (error) {
        const code = (error as { code?: string; exitCode?: number }).code
        if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0
        if (typeof code === 'string' && code.startsWith('commander.')) return 2
        if (error instanceof UsageError) {
          io.err(`connectors: ${error.message}\n`)
          return 2
        }
        io.err(`connectors: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
        return 70
      }
    },
  }
}
