/**
 * Test-only: IAM's policy grammar as an io-ts codec, and what the setup kit promises of its two policies (part of the
 * validators `setup-kit-validate.ts` describes). Nothing outside `*.spec.ts` may import it.
 */
import { formatValidationErrors, patternString, strictObject } from '@connectors/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

// ---------------------------------------------------------------------------------------------- IAM policies

const oneOrMore = <C extends t.Mixed>(codec: C) => t.union([codec, t.array(codec)])
const ActionName = patternString('Action', { pattern: /^(?:\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/, expected: 'an action like iam:ListUsers' })
const Sid = patternString('Sid', { pattern: /^[A-Za-z0-9]*$/, expected: 'a Sid of letters and digits' })
const ConditionOperator = t.refinement(
  t.string,
  (s) =>
    /^(?:ForAllValues:|ForAnyValue:)?(?:String(?:Not)?Equals(?:IgnoreCase)?|String(?:Not)?Like|Numeric(?:Not)?Equals|Numeric(?:Less|Greater)Than(?:Equals)?|Date(?:Not)?Equals|Date(?:Less|Greater)Than(?:Equals)?|Bool|BinaryEquals|(?:Not)?IpAddress|Arn(?:Not)?(?:Equals|Like)|Null)(?:IfExists)?$/.test(s),
  'a condition operator like StringEquals',
)
const ConditionValue = oneOrMore(t.union([t.string, t.boolean, t.number]))
const Condition = t.record(ConditionOperator, t.record(t.string, ConditionValue))
const Principal = t.union([t.literal('*'), strictObject('Principal', {}, { AWS: oneOrMore(t.string), Service: oneOrMore(t.string), Federated: oneOrMore(t.string), CanonicalUser: oneOrMore(t.string) })])
const common = { Sid, Action: oneOrMore(ActionName), NotAction: oneOrMore(ActionName), Condition }
/** A statement of an identity-based policy: no principal, a resource. */
const IdentityStatement = strictObject('Statement', { Effect: t.keyof({ Allow: null, Deny: null }) }, { ...common, Resource: oneOrMore(t.string), NotResource: oneOrMore(t.string) })
/** A statement of a role's trust policy: a principal, no resource (IAM refuses one there). */
const TrustStatement = strictObject('Statement', { Effect: t.keyof({ Allow: null, Deny: null }) }, { ...common, Principal, NotPrincipal: Principal })
const policyOf = (statement: t.Mixed) => strictObject('Policy', { Version: t.keyof({ '2012-10-17': null, '2008-10-17': null }), Statement: oneOrMore(statement) }, { Id: t.string })
const GRAMMAR = { identity: { codec: policyOf(IdentityStatement), pairs: [['Action', 'NotAction'], ['Resource', 'NotResource']] }, trust: { codec: policyOf(TrustStatement), pairs: [['Action', 'NotAction'], ['Principal', 'NotPrincipal']] } } as const

/** Every way `doc` breaks IAM's policy grammar, for an identity-based policy or a role's trust policy. */
export function iamPolicyProblems(doc: unknown, kind: 'identity' | 'trust'): string[] {
  const { codec, pairs } = GRAMMAR[kind]
  const decoded = codec.decode(doc)
  if (E.isLeft(decoded)) return [...formatValidationErrors(decoded.left)]
  const statements = ([] as unknown[]).concat((doc as { Statement: unknown }).Statement) as Array<Record<string, unknown>>
  return statements.flatMap((s, i) => pairs.filter((pair) => pair.filter((k) => k in s).length !== 1).map((pair) => `Statement[${i}]: exactly one of ${pair.join(' or ')}`))
}

/** What the kit promises of its trust policy: only `principalArn` may assume the role, only with `externalId`. */
export function trustPolicyProblems(doc: unknown, principalArn: string, externalId: string): string[] {
  const problems = iamPolicyProblems(doc, 'trust')
  if (problems.length > 0) return problems
  const statements = ([] as unknown[]).concat((doc as { Statement: unknown }).Statement) as Array<Record<string, unknown>>
  const [s] = statements
  if (statements.length !== 1 || s === undefined) return ['exactly one statement']
  const partition = /^arn:([\w-]+):/.exec(principalArn)?.[1]
  const condition = s['Condition'] as Record<string, Record<string, unknown>> | undefined
  return [
    ...(s['Effect'] === 'Allow' ? [] : ['Effect: Allow']),
    ...(JSON.stringify(s['Principal']) === JSON.stringify({ AWS: principalArn }) ? [] : [`Principal: exactly {"AWS": "${principalArn}"}, got ${JSON.stringify(s['Principal'])}`]),
    ...([s['Action']].flat().join() === 'sts:AssumeRole' ? [] : [`Action: exactly sts:AssumeRole, got ${JSON.stringify(s['Action'])}`]),
    ...(condition?.['StringEquals']?.['sts:ExternalId'] === externalId ? [] : ['Condition: StringEquals sts:ExternalId must require the organization id']),
    ...(Object.keys(condition ?? {}).length === 1 && Object.keys(condition?.['StringEquals'] ?? {}).length === 1 ? [] : ['Condition: the ExternalId only']),
    ...[...JSON.stringify(doc).matchAll(/"arn:([\w-]+):/g)].filter((m) => m[1] !== partition).map((m) => `an ARN of the ${m[1]} partition, not the principal's (${partition})`),
  ]
}

/** What the kit promises of its permission policy: it allows exactly `permissions`, on every resource. */
export function permissionPolicyProblems(doc: unknown, permissions: ReadonlyArray<string>): string[] {
  const problems = iamPolicyProblems(doc, 'identity')
  if (problems.length > 0) return problems
  const statements = ([] as unknown[]).concat((doc as { Statement: unknown }).Statement) as Array<Record<string, unknown>>
  const allowed = statements.filter((s) => s['Effect'] === 'Allow').flatMap((s) => [s['Action']].flat())
  return [
    ...(JSON.stringify([...allowed].sort()) === JSON.stringify([...permissions].sort()) ? [] : [`Action: exactly ${permissions.join(', ')}, got ${allowed.join(', ')}`]),
    ...(statements.every((s) => s['Effect'] === 'Allow' && s['Resource'] === '*' && s['Condition'] === undefined) ? [] : ['each statement allows its actions on Resource "*"']),
  ]
}
