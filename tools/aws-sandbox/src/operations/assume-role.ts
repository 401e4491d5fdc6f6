import * as E from 'fp-ts/Either'
import { AwsErrors, type AwsError } from '../aws-error.js'
import { evaluate, PolicyDocument } from '../policy.js'
import { lengthAndPattern, mustNotBeNull, wholeNumberIn } from './constraints.js'
import type { Operation } from './operation.js'

/** An optional Query parameter's length and pattern, as STS validates them. */
function checked(field: string, value: string | null, min: number, max: number, pattern: RegExp, patternText: string): AwsError | undefined {
  const message = value === null ? undefined : lengthAndPattern(field, value, min, max, pattern, patternText)
  return message === undefined ? undefined : AwsErrors.validationError(message)
}

const MAX_PACKED_POLICY = 2048

/**
 * `sts:AssumeRole` — validates its parameters as AWS does, enforces the role's trust policy (principal and
 * `sts:ExternalId`), and issues unique temporary credentials limited by the optional session policy.
 */
export const assumeRole: Operation = {
  service: 'sts',
  action: 'AssumeRole',
  accountOf: (ctx) => /^arn:[\w-]+:iam::(\d{12}):role\//.exec(ctx.params.get('RoleArn') ?? '')?.[1],
  requestKey: (params) => params.get('RoleArn') ?? '',
  handle: (ctx) => {
    const p = ctx.params
    const roleArn = p.get('RoleArn')
    const sessionName = p.get('RoleSessionName')
    if (roleArn === null) return AwsErrors.validationError(mustNotBeNull('roleArn'))
    if (sessionName === null) return AwsErrors.validationError(mustNotBeNull('roleSessionName'))
    const invalid =
      checked('roleArn', roleArn, 20, 2048, /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD]+$/, '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+') ??
      checked('roleSessionName', sessionName, 2, 64, /^[\w+=,.@-]*$/, '[\\w+=,.@-]*') ??
      checked('externalId', p.get('ExternalId'), 2, 1224, /^[\w+=,.@:/-]*$/, '[\\w+=,.@:\\/-]*')
    if (invalid !== undefined) return invalid
    const rawDuration = p.get('DurationSeconds')
    const duration = rawDuration === null ? 3600 : Number(rawDuration)
    const badDuration = wholeNumberIn('durationSeconds', rawDuration ?? '', duration, 900, 43200)
    if (badDuration !== undefined) return AwsErrors.validationError(badDuration)
    let sessionPolicy: PolicyDocument | undefined
    const rawPolicy = p.get('Policy')
    if (rawPolicy !== null) {
      let parsed: unknown
      try {
        parsed = JSON.parse(rawPolicy)
      } catch {
        return AwsErrors.malformedPolicyDocument('The policy is not in the valid JSON format.')
      }
      const decoded = PolicyDocument.decode(parsed)
      if (E.isLeft(decoded)) return AwsErrors.malformedPolicyDocument('Syntax errors in policy.')
      if (JSON.stringify(parsed).length > MAX_PACKED_POLICY) return { ...AwsErrors.validationError('Packed policy consumes more than 100% of allotted space'), code: 'PackedPolicyTooLarge' }
      sessionPolicy = decoded.right
    }
    const denied = AwsErrors.accessDenied(`User: ${ctx.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`)
    const role = ctx.state.roleByArn(roleArn)
    if (role === undefined) return denied
    const externalId = p.get('ExternalId') ?? undefined
    const trusted = evaluate([role.trustPolicy], { action: 'sts:AssumeRole', resource: role.arn, principalArn: ctx.caller.arn, context: { 'sts:ExternalId': externalId } })
    if (trusted !== 'Allow') return denied
    const account = /:iam::(\d{12}):/.exec(role.arn)?.[1] as string
    const assumedRoleArn = `arn:${ctx.state.partition}:sts::${account}:assumed-role/${role.name}/${sessionName}`
    const lifetime = ctx.faults.sessionLifetimeSeconds ?? duration
    const session = ctx.state.issueSession({
      account,
      role,
      sessionName,
      assumedRoleArn,
      externalIdPresented: externalId !== undefined,
      ...(sessionPolicy !== undefined ? { sessionPolicy } : {}),
      expiresAt: ctx.now.getTime() + lifetime * 1000,
    })
    return {
      Credentials: {
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        SessionToken: session.sessionToken,
        Expiration: new Date(ctx.now.getTime() + duration * 1000),
      },
      AssumedRoleUser: { AssumedRoleId: `${role.id}:${sessionName}`, Arn: assumedRoleArn },
      PackedPolicySize: rawPolicy === null ? undefined : Math.ceil((JSON.stringify(sessionPolicy).length / MAX_PACKED_POLICY) * 100),
    }
  },
}
