/**
 * IAM policy documents and the part of AWS's evaluation logic the sandbox needs: Allow/Deny statements over
 * actions and resources with `*`/`?` wildcards, `Principal.AWS` for trust policies, and `StringEquals` /
 * `StringLike` conditions (e.g. `sts:ExternalId`). An explicit deny wins; otherwise an allow is needed.
 */
import * as t from 'io-ts'

const OneOrMany = t.union([t.string, t.array(t.string)])
type OneOrMany = t.TypeOf<typeof OneOrMany>

/** One policy statement. */
export const Statement = t.intersection([
  t.type({ Effect: t.keyof({ Allow: null, Deny: null }) }),
  t.partial({
    Sid: t.string,
    Principal: t.union([t.literal('*'), t.partial({ AWS: OneOrMany, Service: OneOrMany })]),
    Action: OneOrMany,
    NotAction: OneOrMany,
    Resource: OneOrMany,
    Condition: t.record(t.string, t.record(t.string, OneOrMany)),
  }),
])
/** One policy statement. */
export type Statement = t.TypeOf<typeof Statement>

/** A policy document as customers write it. */
export const PolicyDocument = t.type({ Version: t.string, Statement: t.union([Statement, t.array(Statement)]) }, 'PolicyDocument')
/** A policy document as customers write it. */
export type PolicyDocument = t.TypeOf<typeof PolicyDocument>

/** What is being asked. */
export interface PolicyRequest {
  readonly action: string
  readonly resource: string
  /** For trust policies: the calling principal's ARN. */
  readonly principalArn?: string
  /** Condition keys and their values, e.g. `{ 'sts:ExternalId': 'org-1' }`. */
  readonly context?: Readonly<Record<string, string | undefined>>
}

/** The verdict of evaluating policies. */
export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny'

const list = (v: OneOrMany | undefined): ReadonlyArray<string> => (v === undefined ? [] : typeof v === 'string' ? [v] : v)
const patternCache = new Map<string, RegExp>()

/** IAM wildcard match: `*` any run, `?` one character; case-insensitive when asked (actions are). */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const key = `${caseInsensitive ? 'i' : 's'}:${pattern}`
  let re = patternCache.get(key)
  if (re === undefined) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
    re = new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's')
    patternCache.set(key, re)
  }
  return re.test(value)
}

/** The account id in a principal ARN (`arn:aws:iam::123456789012:user/x`, `arn:aws:sts::…:assumed-role/…`). */
export function accountOfArn(arn: string): string | undefined {
  return /^arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1]
}

function principalMatches(statement: Statement, principalArn: string | undefined): boolean {
  if (statement.Principal === undefined) return principalArn === undefined
  if (principalArn === undefined) return false
  if (statement.Principal === '*') return true
  const callerAccount = accountOfArn(principalArn)
  // An assumed-role session is trusted where its role is.
  const roleArn = principalArn.replace(/^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/.*$/, 'arn:$1:iam::$2:role/$3')
  return list(statement.Principal.AWS).some(
    (p) =>
      p === '*' ||
      p === principalArn ||
      p === roleArn ||
      p === callerAccount ||
      (callerAccount !== undefined && /^arn:[\w-]+:iam::(\d{12}):root$/.exec(p)?.[1] === callerAccount),
  )
}

function conditionsHold(statement: Statement, context: Readonly<Record<string, string | undefined>>): boolean {
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const actual = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1]
      if (actual === undefined) return false
      const values = list(expected)
      if (operator === 'StringEquals' && !values.includes(actual)) return false
      if (operator === 'StringLike' && !values.some((v) => wildcardMatch(v, actual))) return false
      if (operator !== 'StringEquals' && operator !== 'StringLike') return false
    }
  }
  return true
}

function applies(statement: Statement, request: PolicyRequest): boolean {
  const actionOk =
    statement.NotAction !== undefined
      ? !list(statement.NotAction).some((p) => wildcardMatch(p, request.action, true))
      : list(statement.Action).some((p) => wildcardMatch(p, request.action, true))
  const resourceOk = statement.Resource === undefined || list(statement.Resource).some((p) => wildcardMatch(p, request.resource))
  return actionOk && resourceOk && principalMatches(statement, request.principalArn) && conditionsHold(statement, request.context ?? {})
}

/** Evaluates one set of policies: an explicit deny wins, then any allow, else an implicit deny. */
export function evaluate(policies: ReadonlyArray<PolicyDocument>, request: PolicyRequest): Decision {
  let allowed = false
  for (const policy of policies) {
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement as Statement]
    for (const statement of statements) {
      if (!applies(statement, request)) continue
      if (statement.Effect === 'Deny') return 'ExplicitDeny'
      allowed = true
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny'
}

/** Why a request was refused, in AWS's wording, or `undefined` when it is allowed. */
export function refusalOf(identity: ReadonlyArray<PolicyDocument>, session: PolicyDocument | undefined, request: PolicyRequest): string | undefined {
  const byIdentity = evaluate(identity, request)
  if (byIdentity === 'ExplicitDeny') return 'with an explicit deny in an identity-based policy'
  const bySession = session === undefined ? 'Allow' : evaluate([session], request)
  if (bySession === 'ExplicitDeny') return 'with an explicit deny in a session policy'
  if (byIdentity !== 'Allow') return `because no identity-based policy allows the ${request.action} action`
  if (bySession !== 'Allow') return `because no session policy allows the ${request.action} action`
  return undefined
}
