/**
 * The shape of one operation: adding an operation (or a service) is one file that exports one of these, plus
 * a line in `index.ts`. Query-protocol operations (IAM, STS) read form parameters and answer XML objects;
 * JSON 1.1 operations (Identity Store, SSO Admin) read and answer JSON objects.
 */
import type { AwsError } from '../aws-error.js'
import type { Faults } from '../faults.js'
import type { PolicyDocument } from '../policy.js'
import type { SandboxState, SessionEntity } from '../state.js'
import type { Service, XmlObject } from '../xml.js'

/** Who is calling: a base principal with long-term keys, or an assumed-role session. */
export type Caller =
  | { readonly kind: 'principal'; readonly arn: string; readonly account: string; readonly policies: ReadonlyArray<PolicyDocument> }
  | { readonly kind: 'session'; readonly arn: string; readonly account: string; readonly session: SessionEntity }

/** Everything a handler may use; `P` is the request's parameters as its protocol carries them. */
export interface OperationContext<P = URLSearchParams> {
  readonly caller: Caller
  readonly state: SandboxState
  readonly params: P
  readonly now: Date
  /** Fault settings in force for the account the request is about. */
  readonly faults: Faults
}

/** The permission an operation needs: AWS's `not authorized to perform: <action> on resource: <resource>`. */
export interface Permission {
  readonly action: string
  /** Absent for actions without a resource type (the message then names none; policies see `*`). */
  readonly resource?: string
}

/** One operation of one service, whatever its protocol: `S` the service, `P` its parameters, `R` its answer. */
export interface OperationOf<S extends string, P, R> {
  readonly service: S
  readonly action: string
  /** Input validation, before authorization (as AWS's frameworks validate a request before its service runs). */
  readonly validate?: (ctx: OperationContext<P>) => AwsError | undefined
  /** The permission the caller's policies must allow; absent for calls every identity may make. */
  readonly authorize?: (ctx: OperationContext<P>) => Permission
  /** The account the request concerns (for faults and stats): by default, the caller's. */
  readonly accountOf?: (ctx: Omit<OperationContext<P>, 'faults'>) => string | undefined
  /** What identifies this request among others of the same action (so fault decisions are stable). */
  readonly requestKey?: (params: P) => string
  readonly handle: (ctx: OperationContext<P>) => R | AwsError
}

/** A Query-protocol operation (IAM, STS). */
export type Operation = OperationOf<Service, URLSearchParams, XmlObject>

/** A JSON value, as JSON 1.1 bodies carry them. */
export type JsonValue = string | number | boolean | null | undefined | JsonObject | ReadonlyArray<JsonValue>
/** A JSON object (members `undefined` are left out when serialized). */
export interface JsonObject {
  readonly [name: string]: JsonValue
}

/** The JSON 1.1 services the sandbox speaks, by the signing name of their credential scope. */
export type JsonService = 'identitystore' | 'sso'

/** A JSON 1.1 operation (Identity Store, SSO Admin). */
export type JsonOperation = OperationOf<JsonService, JsonObject, JsonObject>
