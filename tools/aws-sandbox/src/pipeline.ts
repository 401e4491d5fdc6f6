/**
 * What every authenticated, routed request goes through, whatever its protocol: the fault decision (throttle,
 * failure, reset, stall, malformed), validation, authorization against the caller's policies ∩ session policy,
 * the handler, latency, hostile bodies, and the stats. The protocols (`query-protocol.ts`, `json-protocol.ts`)
 * route requests to operations and write their answers; this runs them.
 */
import { AwsErrors, isAwsError, type AwsError } from './aws-error.js'
import type { FaultInjector, Faults } from './faults.js'
import type { Caller, OperationContext, OperationOf, Permission } from './operations/index.js'
import { refusalOf } from './policy.js'
import type { StatsRecorder } from './stats.js'

/** An answer as it goes on the wire: status, body, extra headers, and its outcome in the stats. */
export interface Rendered {
  readonly status: number
  readonly body: string
  readonly outcome: string
  readonly headers?: Readonly<Record<string, string>>
}

/** What a request is routed with: who calls, the state and the time. */
export type BaseContext = Omit<OperationContext<never>, 'params' | 'faults'>

/** A routed request: its operation bound to its parameters and caller. */
export interface Prepared {
  /** The action's name in the stats and fault decisions (`ListUsers`, `identitystore:ListUsers`). */
  readonly name: string
  readonly account: string
  readonly requestKey: string
  /** A fact for the stats' notes. */
  readonly note?: string
  /** Validates, authorizes and handles the request with the account's faults: the error, or the body. */
  readonly answer: (faults: Faults, requestId: string) => AwsError | string
  /** Under a hostile fault, a body to send instead of a successful one. */
  readonly hostile?: (faults: Faults) => string | undefined
}

/** A request that could not be routed (`name`, when known, for the stats). */
export interface RouteFailure {
  readonly error: AwsError
  readonly name?: string
}

/** One protocol: how it routes authenticated requests and writes errors. */
export interface Protocol {
  readonly contentType: string
  readonly failure: (error: AwsError, requestId: string) => Rendered
  /** Routes a request whose credential scope names `scopeService`. */
  readonly route: (scopeService: string, body: string, url: URL, base: BaseContext) => Prepared | RouteFailure
}

/** AWS's AccessDenied for a refused permission, or `undefined` when the caller's policies allow it. */
function refusal(permission: Permission | undefined, caller: Caller): AwsError | undefined {
  if (permission === undefined) return undefined
  const request = { action: permission.action, resource: permission.resource ?? '*' }
  const why =
    caller.kind === 'session' ? refusalOf(caller.session.role.permissionPolicies, caller.session.sessionPolicy, request) : refusalOf(caller.policies, undefined, request)
  if (why === undefined) return undefined
  const on = permission.resource !== undefined ? ` on resource: ${permission.resource}` : ''
  return AwsErrors.accessDenied(`User: ${caller.arn} is not authorized to perform: ${permission.action}${on} ${why}`)
}

/** Binds `op` to its parameters and caller; `success` writes its result. */
export function prepare<P, R>(
  op: OperationOf<string, P, R>,
  base: Omit<OperationContext<P>, 'faults'>,
  spec: Pick<Prepared, 'name' | 'note' | 'hostile'> & { readonly success: (result: R, requestId: string) => string },
): Prepared {
  return {
    name: spec.name,
    account: op.accountOf?.(base) ?? base.caller.account,
    requestKey: op.requestKey?.(base.params) ?? '',
    ...(spec.note !== undefined ? { note: spec.note } : {}),
    ...(spec.hostile !== undefined ? { hostile: spec.hostile } : {}),
    answer: (faults, requestId) => {
      const ctx: OperationContext<P> = { ...base, faults }
      const result = op.validate?.(ctx) ?? refusal(op.authorize?.(ctx), base.caller) ?? op.handle(ctx)
      return isAwsError(result) ? result : spec.success(result, requestId)
    },
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Runs a prepared request: its answer, or `undefined` when the connection is to be dropped (reset, stall). */
export async function run(
  env: { readonly injector: FaultInjector; readonly stats: StatsRecorder; readonly protocol: Protocol },
  prepared: Prepared,
  requestId: string,
  started: number,
): Promise<Rendered | undefined> {
  const { injector, stats, protocol } = env
  const { name, account } = prepared
  if (prepared.note !== undefined) stats.note(prepared.note)
  const faults = injector.settingsFor(account)
  const decision = injector.decide(account, name, prepared.requestKey)
  const latency = injector.latencyFor(account, requestId)
  let rendered: Rendered
  if (decision.kind === 'throttle' || decision.kind === 'serviceFailure') {
    stats.fault(decision.kind)
    rendered = protocol.failure(decision.kind === 'throttle' ? AwsErrors.throttling() : AwsErrors.serviceFailure(), requestId)
  } else {
    const answer = prepared.answer(faults, requestId)
    rendered = isAwsError(answer) ? protocol.failure(answer, requestId) : { status: 200, body: answer, outcome: 'ok' }
  }
  stats.overhead(name, performance.now() - started)
  if (latency > 0) await sleep(latency)
  if (decision.kind === 'reset' || decision.kind === 'stall') {
    stats.fault(decision.kind)
    stats.record(account, name, decision.kind)
    if (decision.kind === 'stall') await sleep(decision.ms)
    return undefined
  }
  const hostile = rendered.status === 200 ? prepared.hostile?.(faults) : undefined
  if (hostile !== undefined) {
    stats.fault(faults.hostile as string)
    rendered = { ...rendered, body: hostile }
  }
  if (decision.kind === 'malformed') {
    stats.fault('malformed')
    rendered = { ...rendered, outcome: 'malformed', body: rendered.body.slice(0, Math.max(1, Math.floor(rendered.body.length / 2))) }
  }
  stats.record(account, name, rendered.outcome)
  return rendered
}
