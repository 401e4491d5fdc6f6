/**
 * A unit as a queued job, and back. The job carries the run config's entry for the account *as written*, with its
 * `${env:NAME}` references unresolved: each worker resolves them from its own environment, so no secret ever sits
 * in Redis. A value the connector marks sensitive (and the platform's organization id, every account's default
 * ExternalId) must therefore be such a reference; a literal one is refused before anything is queued.
 */
import { sensitiveKeys, type AnyConnector, type PlatformIdentity } from '@connectors/core'
import * as E from 'fp-ts/Either'
import { createHash } from 'node:crypto'
import { planUnits } from '../plan.js'
import type { DropPolicy } from '../run/drop-guard.js'
import type { PlannedUnit } from '../run/unit.js'
import { parseRunConfig } from '../run-config.js'

/** What a worker needs to run one unit of a run. */
export interface UnitJob {
  readonly runId: string
  /** The output folder every worker reaches. */
  readonly out: string
  /** The connector as the run config names it (a package name, or an absolute module path). */
  readonly connector: string
  /** The run config's entry for the account, `${env:…}` unresolved. */
  readonly entry: { readonly name: string; readonly config: unknown; readonly exclude?: ReadonlyArray<string> }
  /** The run config's platform section, `${env:…}` unresolved. */
  readonly platform?: unknown
  /** The run config's folder: relative paths in the account's config are read from there. */
  readonly baseDir: string
  readonly drop: DropPolicy
  readonly retentionDays?: number
}

/** Queue and key names: `:` is the separator BullMQ reserves, so ids are hex. */
export const UNITS_QUEUE = 'connectors-units'
export const runQueue = (runId: string) => `connectors-run-${runId}`

/** The job id of a unit in a run: the same unit of the same run is never queued twice. */
export const jobIdOf = (runId: string, connector: string, unit: string) => `unit-${createHash('sha256').update(JSON.stringify([runId, connector, unit])).digest('hex').slice(0, 40)}`

const ENV_REFERENCE = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/

/** Every path under `value` whose key is in `keys` and whose value is a literal string rather than an env reference. */
function literalSecrets(value: unknown, keys: ReadonlySet<string>, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => literalSecrets(v, keys, `${path}[${i}]`))
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([k, v]) => (keys.has(k) && typeof v === 'string' && !ENV_REFERENCE.test(v) ? [`${path}.${k}`] : literalSecrets(v, keys, `${path}.${k}`)))
}

/** The problems that keep a raw run config from being queued: secrets written literally, one line each. */
export function queueProblems(raw: { readonly connectors?: ReadonlyArray<{ readonly accounts?: ReadonlyArray<{ readonly config?: unknown }> }>; readonly platform?: { readonly organizationId?: unknown } }, connectors: ReadonlyArray<AnyConnector>): string[] {
  const problems = (raw.connectors ?? []).flatMap((entry, i) => {
    const keys = new Set(connectors[i] === undefined ? [] : sensitiveKeys((connectors[i] as AnyConnector).config))
    return (entry.accounts ?? []).flatMap((account, j) => literalSecrets(account.config, keys, `connectors[${i}].accounts[${j}].config`))
  })
  const org = raw.platform?.organizationId
  if (typeof org === 'string' && !ENV_REFERENCE.test(org)) problems.push('platform.organizationId')
  return problems.map((path) => `${path}: a secret written in the run config would be queued in Redis; give it as \${env:NAME} and set NAME on every worker`)
}

/** The planned unit a job describes, its config resolved from this worker's environment; Left: why it cannot be. */
export function unitOfJob(job: UnitJob, connector: AnyConnector, env: Readonly<Record<string, string | undefined>>): E.Either<string, { readonly unit: PlannedUnit; readonly platform?: PlatformIdentity }> {
  const config = parsed(job, env)
  if (E.isLeft(config)) return config
  const planned = planUnits(config.right, [connector], undefined, job.baseDir)
  if (E.isLeft(planned)) return E.left(planned.left.join('; '))
  const unit = planned.right[0]
  if (unit === undefined) return E.left(`the job of ${job.entry.name} names no account`)
  return E.right({ unit, ...(config.right.platform !== undefined ? { platform: config.right.platform } : {}) })
}

/** The one-account run config of a job, resolved and validated as a run config file would be. */
function parsed(job: UnitJob, env: Readonly<Record<string, string | undefined>>) {
  const text = JSON.stringify({ connectors: [{ connector: job.connector, accounts: [job.entry] }], ...(job.platform !== undefined ? { platform: job.platform } : {}) })
  return parseRunConfig(text, `the queued job of ${job.entry.name}.json`, env)
}
