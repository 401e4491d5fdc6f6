/**
 * `ConnectorError`: the one error type every connector speaks. Upstream failures are translated into it once,
 * at the connector's edge; everything above (retry, concurrency, the runner's report) reads only its fields.
 * @module
 */

/** Where an error happened: which connector, which account, which operation (e.g. `iam:GetGroup`). */
export interface ErrorScope {
  /** Connector id, e.g. `aws-iam`. */
  readonly connector: string
  /** The account the connector was working on (an AWS account id, a tenant name…), or `-` before one is known. */
  readonly account: string
  /** The step or upstream operation, e.g. `sts:AssumeRole`, `iam:ListUsers`, `config`. */
  readonly operation: string
}

interface Base extends ErrorScope {
  readonly _tag: 'ConnectorError'
  /** Whether trying the same operation again may succeed. */
  readonly retryable: boolean
  /** A human explanation of the cause, free of secrets. */
  readonly detail: string
  /** What the operator should do about it, when known. */
  readonly fix?: string | undefined
}

/** The configuration failed validation; `issues` has one readable line per bad path. */
export interface InvalidConfig extends Base {
  readonly reason: 'InvalidConfig'
  readonly issues: ReadonlyArray<string>
}
/** The connector could not authenticate (bad base credentials, a trust policy or ExternalId mismatch…). */
export interface AuthFailed extends Base {
  readonly reason: 'AuthFailed'
}
/** Authenticated, but a permission is missing; `permission` names it (e.g. `iam:GetGroup`) when known. */
export interface AccessDenied extends Base {
  readonly reason: 'AccessDenied'
  readonly permission?: string | undefined
}
/** The upstream rate-limited us; `retryAfterMs` is its hint when it gave one. */
export interface Throttled extends Base {
  readonly reason: 'Throttled'
  readonly retryAfterMs?: number | undefined
}
/** A passing failure: 5xx, a reset connection, a timeout. */
export interface Transient extends Base {
  readonly reason: 'Transient'
}
/** The thing asked for does not exist (e.g. the role). */
export interface NotFound extends Base {
  readonly reason: 'NotFound'
}
/** The upstream answered something we cannot accept: malformed, inconsistent, endless. */
export interface Upstream extends Base {
  readonly reason: 'Upstream'
}
/** A bug on our side. */
export interface Internal extends Base {
  readonly reason: 'Internal'
}

/** The tagged union of every error a connector may report. The `reason` set is closed. */
export type ConnectorError =
  | InvalidConfig
  | AuthFailed
  | AccessDenied
  | Throttled
  | Transient
  | NotFound
  | Upstream
  | Internal

/** The closed set of reasons. */
export type ErrorReason = ConnectorError['reason']

/** Every reason, in a stable order (for docs, exhaustive tests and runtime validation). */
export const errorReasons: ReadonlyArray<ErrorReason> = [
  'InvalidConfig',
  'AuthFailed',
  'AccessDenied',
  'Throttled',
  'Transient',
  'NotFound',
  'Upstream',
  'Internal',
]

const defaultRetryable: Readonly<Record<ErrorReason, boolean>> = {
  InvalidConfig: false,
  AuthFailed: false,
  AccessDenied: false,
  Throttled: true,
  Transient: true,
  NotFound: false,
  Upstream: false,
  Internal: false,
}

type Fields<R extends ErrorReason> = Omit<Extract<ConnectorError, { reason: R }>, '_tag' | 'reason' | 'retryable'> & {
  readonly retryable?: boolean
}

function make<R extends ErrorReason>(reason: R) {
  return (fields: Fields<R>): Extract<ConnectorError, { reason: R }> =>
    ({
      _tag: 'ConnectorError',
      reason,
      ...fields,
      retryable: fields.retryable ?? defaultRetryable[reason],
    }) as unknown as Extract<ConnectorError, { reason: R }>
}

/** Constructors, one per reason; `retryable` defaults from the reason (only `Throttled` and `Transient` retry). */
export const ConnectorError = {
  invalidConfig: make('InvalidConfig'),
  authFailed: make('AuthFailed'),
  accessDenied: make('AccessDenied'),
  throttled: make('Throttled'),
  transient: make('Transient'),
  notFound: make('NotFound'),
  upstream: make('Upstream'),
  internal: make('Internal'),
} as const

/** True when `u` is a {@link ConnectorError} (a tagged object with a known reason). */
export function isConnectorError(u: unknown): u is ConnectorError {
  if (typeof u !== 'object' || u === null) return false
  const o = u as Record<string, unknown>
  return o['_tag'] === 'ConnectorError' && errorReasons.includes(o['reason'] as ErrorReason)
}

/** Handlers for {@link matchError}: one per reason, so a new reason is a compile error everywhere it matters. */
export type ErrorHandlers<B> = { readonly [R in ErrorReason]: (e: Extract<ConnectorError, { reason: R }>) => B }

/** Exhaustive pattern match over the reason. */
export function matchError<B>(handlers: ErrorHandlers<B>): (e: ConnectorError) => B {
  return (e) => (handlers[e.reason] as (e: ConnectorError) => B)(e)
}

/** A one-line message computed from the fields: `[connector/account] operation: Reason — detail (fix: …)`. */
export function errorMessage(e: ConnectorError): string {
  const extra = matchError<string>({
    InvalidConfig: (x) => (x.issues.length > 0 ? `: ${x.issues.join('; ')}` : ''),
    AuthFailed: () => '',
    AccessDenied: (x) => (x.permission !== undefined ? ` (missing ${x.permission})` : ''),
    Throttled: (x) => (x.retryAfterMs !== undefined ? ` (retry after ${x.retryAfterMs} ms)` : ''),
    Transient: () => '',
    NotFound: () => '',
    Upstream: () => '',
    Internal: () => '',
  })(e)
  const fix = e.fix !== undefined ? ` Fix: ${e.fix}` : ''
  return `[${e.connector}/${e.account}] ${e.operation}: ${e.reason} — ${e.detail}${extra}.${fix}`
}

/** A plain-JSON view of an error, for reports and logs (adds the computed `message`). */
export function errorToJson(e: ConnectorError): Record<string, unknown> {
  const { _tag: _ignored, ...fields } = e
  return { ...fields, message: errorMessage(e) }
}
