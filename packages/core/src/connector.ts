/**
 * The Connector contract: plain data plus functions, checked by {@link defineConnector}.
 * @module
 */
import type * as T from 'fp-ts/Task'
import type * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import type { ConnectorError } from './errors.js'
import type { Stream } from './effects/stream.js'
import { allPermissions, Manifest } from './manifest.js'
import { EntityKind, type RecordOf } from './records.js'
import { formatValidationErrors } from './decode.js'

/** Structured logging, as the runner provides it (pino-compatible call shape). Never pass secrets. */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
  error(fields: Record<string, unknown>, message: string): void
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }

/** What happened during a sync, for progress displays and counters. */
export type SyncEvent =
  | { readonly type: 'apiCall'; readonly operation: string }
  | { readonly type: 'retry'; readonly operation: string; readonly reason: string; readonly delayMs: number }
  | { readonly type: 'throttled'; readonly operation: string }
  | { readonly type: 'page'; readonly entity: EntityKind; readonly records: number }

/** What a connector receives from whoever runs it. Dependencies are passed in, never constructed inside. */
export interface RunContext {
  readonly logger: Logger
  /** The clock. */
  readonly now: () => Date
  /** Environment variables the connector may read (e.g. standard endpoint overrides). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Receives progress events. */
  readonly emit: (event: SyncEvent) => void
  /** The folder relative paths in a config are read from (the run config's folder); the working directory when absent. */
  readonly baseDir?: string
  /** Who runs the connectors, as the run config names the platform once for every account. */
  readonly platform?: PlatformIdentity
}

/** The platform's identity: what every account's trust is set up against. */
export interface PlatformIdentity {
  /** The customer's organization id in the platform: the default ExternalId of every account. */
  readonly organizationId?: string
  /** The platform's principal that assumes the customers' roles (a role ARN by default). */
  readonly principalArn?: string
  /** Where the base credentials come from, per cloud partition (`aws-cn`, `aws-us-gov`…): a profile or an env prefix. */
  readonly credentials?: { readonly [partition: string]: { readonly profile?: string; readonly envPrefix?: string } }
}

/** A context with a silent logger, the real clock, `process.env` and no event sink. */
export function defaultRunContext(overrides: Partial<RunContext> = {}): RunContext {
  return { logger: silentLogger, now: () => new Date(), env: process.env, emit: () => {}, ...overrides }
}

/** Records of kinds already fetched, handed to fetchers that declared they need them. */
export type FetchInputs = { readonly [K in EntityKind]?: ReadonlyArray<RecordOf[K]> }

/** The cheapest upstream call that needs one permission: a connection check runs one per declared permission. */
export type Probe<S> = (session: S, ctx: RunContext) => TE.TaskEither<ConnectorError, unknown>

/** Produces one entity kind, as a stream of pages already mapped to the canonical model. */
export interface Fetcher<S, K extends EntityKind, C = unknown> {
  /**
   * Kinds this fetcher cannot do without (run first; their records are kept for it). When one of them fails, this
   * fetcher is skipped and its kind reported not completed.
   */
  readonly needs?: ReadonlyArray<EntityKind>
  /**
   * Kinds this fetcher reads when it can (run first; their records are kept for it). When one of them fails, this
   * fetcher still runs without it, and marks what it could not fill as unknown (e.g. a user's roles).
   */
  readonly uses?: ReadonlyArray<EntityKind>
  /** The pages; `inputs` holds the records of `needs` and of the `uses` that completed; `config` is the decoded config. */
  readonly fetch: (session: S, inputs: FetchInputs, ctx: RunContext, config: C) => Stream<ReadonlyArray<RecordOf[K]>>
  /** One probe per permission the manifest declares for this fetcher (optional ones included). */
  readonly probes?: { readonly [permission: string]: Probe<S> }
}

/** One fetcher per entity kind the connector produces. */
export type Fetchers<S, C = unknown> = { readonly [K in EntityKind]?: Fetcher<S, K, C> }

/** A session that holds resources (SDK clients, sockets): the runner releases it on every way out of a sync. */
export interface Releasable {
  readonly release: () => Promise<void>
}

/** Releases a session that holds resources; a session without `release` holds none. Never throws. */
export async function releaseSession(session: unknown): Promise<void> {
  const release = (session as Partial<Releasable> | null)?.release
  if (typeof release === 'function') await release.call(session).catch(() => undefined)
}

/** One step of a connection check. */
export interface CheckStep {
  /** e.g. `config`, `sts:AssumeRole`, `iam:ListUsers`. */
  readonly step: string
  readonly status: 'ok' | 'failed' | 'skipped'
  readonly error?: ConnectorError
}

/** The outcome of a connection check: every step, the first failure, and nothing run after it. */
export interface CheckReport {
  readonly ok: boolean
  /** The account the check was for (`-` when the config did not decode). */
  readonly account: string
  readonly steps: ReadonlyArray<CheckStep>
}

/** A connector, fully typed. `C` is the decoded config type, `S` the authenticated session. */
export interface Connector<C = unknown, S = unknown> {
  /** kebab-case, unique. */
  readonly id: string
  readonly displayName: string
  /** The connector's own semver. */
  readonly version: string
  /** The config codec: the config type and its JSON Schema are derived from it. */
  readonly config: t.Type<C, unknown, unknown>
  readonly manifest: Manifest
  /** The account a config addresses (an AWS account id…), for reports and state. */
  readonly accountOf: (config: C) => string
  readonly auth: (config: C, ctx: RunContext) => TE.TaskEither<ConnectorError, S>
  readonly fetchers: Fetchers<S, C>
  /**
   * The opt-in features a config enables (e.g. `userTags`): the manifest's optional permissions tied to them are
   * then required, in the session policy, the setup documents and the connection check.
   */
  readonly featuresOf?: (config: C) => ReadonlyArray<string>
  /**
   * A hand-written connection test. Prefer declaring `probes` on the fetchers: the check is then derived from the
   * manifest (config, authentication, one probe per permission), never listed twice.
   */
  readonly check?: (config: unknown, ctx: RunContext) => T.Task<CheckReport>
  /**
   * The customer's setup kit, rendered from the manifest: the steps, the policies to paste, scripts and templates,
   * by file name (a path under the connector's docs folder). `values` fills in this installation's organization id
   * and platform principal; without them the documents carry placeholders.
   */
  readonly setupDocs?: (values?: SetupValues) => ReadonlyArray<{ readonly file: string; readonly content: string }>
}

/** What a setup kit is filled in with; a missing value stays a placeholder. */
export interface SetupValues {
  /** The customer's organization id in the platform: the ExternalId its role's trust policy requires. */
  readonly organizationId?: string
  /** The platform's principal (a role ARN) that assumes the customer's role. */
  readonly principalArn?: string
}

/** Any connector, as a runner sees it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- variance: a runner handles connectors of any config/session
export type AnyConnector = Connector<any, any>

/** The shape a runner verifies at runtime before trusting a loaded module. */
export const ConnectorShape = t.type(
  {
    id: t.string,
    displayName: t.string,
    version: t.string,
    config: t.type({ decode: t.Function, is: t.Function, name: t.string }),
    manifest: Manifest,
    accountOf: t.Function,
    auth: t.Function,
    fetchers: t.UnknownRecord,
  },
  'Connector',
)

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/
const SEMVER = /^\d+\.\d+\.\d+(?:-[\w.]+)?$/

/**
 * Every way a value fails to be a connector, one readable line each (empty when it is one). Used at definition
 * time by {@link defineConnector} and at load time by the runner.
 */
export function connectorProblems(value: unknown): ReadonlyArray<string> {
  const shaped = ConnectorShape.decode(value)
  if (shaped._tag === 'Left') return formatValidationErrors(shaped.left)
  const c = shaped.right
  const problems: string[] = []
  if (!KEBAB.test(c.id)) problems.push(`id: expected kebab-case like "aws-iam", got ${JSON.stringify(c.id)}`)
  if (!SEMVER.test(c.version)) problems.push(`version: expected semver like "1.0.0", got ${JSON.stringify(c.version)}`)
  const fetcherKeys = Object.keys(c.fetchers)
  for (const key of fetcherKeys) {
    if (!EntityKind.is(key)) problems.push(`fetchers.${key}: not an entity kind (expected users, groups or memberships)`)
    const f = c.fetchers[key] as { fetch?: unknown; needs?: unknown; uses?: unknown } | undefined
    if (typeof f?.fetch !== 'function') problems.push(`fetchers.${key}.fetch: expected a function`)
    for (const field of ['needs', 'uses'] as const) {
      for (const need of Array.isArray(f?.[field]) ? (f[field] as unknown[]) : []) {
        if (!EntityKind.is(need) || !fetcherKeys.includes(need)) problems.push(`fetchers.${key}.${field}: ${JSON.stringify(need)} has no fetcher`)
      }
    }
  }
  if ((value as { check?: unknown }).check === undefined) problems.push(...probeProblems(c.manifest, c.fetchers))
  for (const entity of c.manifest.entities) {
    if (!fetcherKeys.includes(entity)) problems.push(`manifest.entities: declares "${entity}" but fetchers.${entity} is missing`)
    if (!c.manifest.fetchers.some((f) => f.entity === entity)) {
      problems.push(`manifest.fetchers: no entry declares the permissions of "${entity}"`)
    }
  }
  for (const key of fetcherKeys) {
    if (EntityKind.is(key) && !c.manifest.entities.includes(key)) {
      problems.push(`fetchers.${key}: produces "${key}", which manifest.entities does not declare`)
    }
  }
  if (problems.length === 0 && fetchOrder(c.fetchers as Fetchers<unknown>) === undefined) {
    problems.push('fetchers: the needs form a cycle')
  }
  return problems
}

/** Without a hand-written `check`, every permission the manifest declares needs a probe on its fetcher, and no probe may be undeclared. */
function probeProblems(manifest: Manifest, fetchers: Record<string, unknown>): string[] {
  const problems: string[] = []
  for (const entry of manifest.fetchers) {
    const probes = (fetchers[entry.entity] as { probes?: Record<string, unknown> } | undefined)?.probes ?? {}
    const declared = allPermissions(entry)
    for (const permission of declared) if (typeof probes[permission] !== 'function') problems.push(`fetchers.${entry.entity}.probes: no probe for ${permission}, which manifest.fetchers declares (a connection check runs one per permission)`)
    for (const permission of Object.keys(probes)) if (!declared.includes(permission)) problems.push(`fetchers.${entry.entity}.probes: ${permission} is not declared in manifest.fetchers`)
  }
  return problems
}

/**
 * The order to run fetchers in so each runs after what it needs or uses; `undefined` when they form a cycle.
 */
export function fetchOrder(fetchers: Fetchers<unknown>): ReadonlyArray<EntityKind> | undefined {
  const kinds = (Object.keys(fetchers) as EntityKind[]).filter((k) => EntityKind.is(k))
  const order: EntityKind[] = []
  const visiting = new Set<EntityKind>()
  const visit = (k: EntityKind): boolean => {
    if (order.includes(k)) return true
    if (visiting.has(k)) return false
    visiting.add(k)
    for (const need of [...(fetchers[k]?.needs ?? []), ...(fetchers[k]?.uses ?? [])]) if (!visit(need)) return false
    visiting.delete(k)
    order.push(k)
    return true
  }
  for (const k of kinds) if (!visit(k)) return undefined
  return order
}

/**
 * Declares a connector: validates the definition now (fail fast, with every problem in one message) and
 * returns it typed. Throws at module load when the definition is malformed — a wiring mistake, not a runtime error.
 */
export function defineConnector<C, S>(definition: Connector<C, S>): Connector<C, S> {
  const problems = connectorProblems(definition)
  if (problems.length > 0) {
    const name = typeof definition.id === 'string' ? definition.id : '(no id)'
    throw new TypeError(`defineConnector(${name}): invalid connector definition:\n  - ${problems.join('\n  - ')}`)
  }
  return Object.freeze(definition)
}
