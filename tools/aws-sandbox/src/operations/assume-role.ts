import * as E from 'fp-ts/Either'
import { AwsErrors, type AwsError } from '../aws-error.js'
import { evaluate, PolicyDocument } from '../policy.js'
import type { Operation } from './operation.js'

function lengthAndPattern(field: string, value: string | null, min: number, max: number, pattern: RegExp, patternText: string): AwsError | undefined {
  if (value === null) return undefined
  const shown = value.length > 64 ? `${value.slice(0, 64)}…` : value
  if (value.length < min) return AwsErrors.validationError(`1 validation error detected: Value '${shown}' at '${field}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`)
  if (value.length > max) return AwsErrors.validationError(`1 validation error detected: Value '${shown}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`)
  if (!pattern.test(value)) return AwsErrors.validationError(`1 validation error detected: Value '${shown}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${patternText}`)
  return undefined
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
    if (roleArn === null) return AwsErrors.validationError("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
    if (sessionName === null) return AwsErrors.validationError("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
    const invalid =
      lengthAndPattern('roleArn', roleArn, 20, 2048, /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD]+$/, '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+') ??
      lengthAndPattern('roleSessionName', sessionName, 2, 64, /^[\w+=,.@-]*$/, '[\\w+=,.@-]*') ??
      lengthAndPattern('externalId', p.get('ExternalId'), 2, 1224, /^[\w+=,.@:/-]*$/, '[\\w+=,.@:\\/-]*')
    if (invalid !== undefined) return invalid
    const rawDuration = p.get('DurationSeconds')
    const duration = rawDuration === null ? 3600 : Number(rawDuration)
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
      const rule = duration > 43200 ? 'Member must have value less than or equal to 43200' : 'Member must have value greater than or equal to 900'
      return AwsErrors.validationError(`1 validation error detected: Value '${rawDuration ?? ''}' at 'durationSeconds' failed to satisfy constraint: ${rule}`)
    }
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
