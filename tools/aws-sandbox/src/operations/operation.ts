/**
 * The shape of one operation: adding an operation (or a service) is one file that exports one of these, plus
 * a line in `index.ts`.
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

/** Everything a handler may use. */
export interface OperationContext {
  readonly caller: Caller
  readonly state: SandboxState
  readonly params: URLSearchParams
  readonly now: Date
  /** Fault settings in force for the account the request is about. */
  readonly faults: Faults
}

/** One operation of one service. */
export interface Operation {
  readonly service: Service
  readonly action: string
  /**
   * The IAM action the caller's policies must allow, and the resource it is asked on, for AWS's
   * `not authorized to perform: <action> on resource: <resource>`; absent for calls every identity may make.
   */
  readonly authorize?: (ctx: OperationContext) => { readonly action: string; readonly resource: string }
  /** The account the request concerns (for faults and stats): by default, the caller's. */
  readonly accountOf?: (ctx: Omit<OperationContext, 'faults'>) => string | undefined
  /** What identifies this request among others of the same action (so fault decisions are stable). */
  readonly requestKey?: (params: URLSearchParams) => string
  readonly handle: (ctx: OperationContext) => XmlObject | AwsError
}
