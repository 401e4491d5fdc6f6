/**
 * `connectors check`: each account's connection test — config, authentication, one call per permission — naming
 * the first failing step and its fix. A table on a terminal, JSON otherwise (or with `--json`).
 */
import { checkConnector, defaultRunContext, errorMessage, errorToJson, type CheckReport } from '@connectors/core'
import * as E from 'fp-ts/Either'
import { createLogger, redactedFields, type LOG_FORMATS, type LOG_LEVELS } from '../logger.js'
import { planUnits } from '../plan.js'
import { configDir } from '../run-config.js'
import { mapPooled } from '../run/pool.js'
import { DEFAULT_CONCURRENCY, EXIT, load, readRunConfig, UsageError, type Io } from './io.js'

/** The options of `check`. */
export interface CheckCommandOptions {
  readonly config: string
  readonly json?: boolean
  readonly account?: ReadonlyArray<string>
  readonly concurrency?: number
  readonly logLevel: (typeof LOG_LEVELS)[number]
  readonly logFormat: (typeof LOG_FORMATS)[number]
}

interface UnitReport {
  readonly unit: string
  readonly connector: string
  readonly report: CheckReport
}

function table(reports: ReadonlyArray<UnitReport>): string {
  const lines = reports.map(({ unit, connector, report }) => {
    const failed = report.steps.find((s) => s.status === 'failed')
    return `${report.ok ? 'ok  ' : 'FAIL'}  ${connector}/${unit} (${report.account})  ${report.steps.map((s) => `${s.step}:${s.status}`).join(' → ')}${failed?.error !== undefined ? `\n      ${errorMessage(failed.error)}` : ''}`
  })
  return `${lines.join('\n')}\n`
}

const asJson = (reports: ReadonlyArray<UnitReport>) =>
  `${JSON.stringify(reports.map((r) => ({ ...r, report: { ...r.report, steps: r.report.steps.map((s) => ({ ...s, ...(s.error !== undefined ? { error: errorToJson(s.error) } : {}) })) } })), null, 2)}\n`

/** Runs `check`; returns the exit code. */
export async function checkCommand(opts: CheckCommandOptions, io: Io): Promise<number> {
  const config = await readRunConfig(opts.config, io)
  const connectors = await load(config.connectors.map((c) => c.connector), io.cwd)
  const planned = planUnits(config, connectors, opts.account, configDir(opts.config, io.cwd))
  if (E.isLeft(planned)) throw new UsageError(`run config ${opts.config}:\n  ${planned.left.join('\n  ')}`)
  const logger = createLogger(opts.logLevel, opts.logFormat, io.err, redactedFields(connectors))
  const concurrency = opts.concurrency ?? config.concurrency ?? DEFAULT_CONCURRENCY
  const reports = await mapPooled(planned.right, concurrency, async (u) => ({ unit: u.unit, connector: u.connector.id, report: await checkConnector(u.connector, u.config, defaultRunContext({ logger, env: io.env, ...(u.baseDir !== undefined ? { baseDir: u.baseDir } : {}), ...(config.platform !== undefined ? { platform: config.platform } : {}) }))() }))
  io.out(opts.json === true || !io.stdoutIsTty ? asJson(reports) : table(reports))
  return reports.every((r) => r.report.ok) ? EXIT.ok : EXIT.notOk
}
