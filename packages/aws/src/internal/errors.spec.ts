import { errorMessage, type ConnectorError } from '@connectors/core'
import { describe, expect, it } from 'vitest'
import { sdkError } from '../testing.js'
import { deniedResource, missingPermission, translateAwsError, type Phase } from './errors.js'

const scope = { connector: 'aws-iam', account: '123456789012', operation: 'iam:GetGroup' }
const ROLE = 'arn:aws:iam::123456789012:role/ConnectorsReadOnly'

describe('translateAwsError', () => {
  const t = (e: unknown, phase: Phase = 'service') => translateAwsError(e, scope, phase, ROLE)

  it('parses the missing action from each AccessDenied form', () => {
    const plain = 'User: arn:aws:sts::123456789012:assumed-role/R/s is not authorized to perform: iam:GetGroup on resource: group Admins'
    expect(missingPermission(plain)).toBe('iam:GetGroup')
    expect(deniedResource(plain)).toBe('group Admins')
    const because = `${plain.replace('group Admins', 'arn:aws:iam::123456789012:group/Admins')} because no identity-based policy allows the iam:GetGroup action`
    expect(deniedResource(because)).toBe('arn:aws:iam::123456789012:group/Admins')
    const explicit = `${plain} with an explicit deny in an identity-based policy`
    expect(deniedResource(explicit)).toBe('group Admins')
    expect(t(sdkError('AccessDenied', because, 403))).toMatchObject({ reason: 'AccessDenied', permission: 'iam:GetGroup', retryable: false, fix: "add iam:GetGroup to the role's permission policy (the whole policy is docs/connectors/aws-iam/permission-policy.json)" })
    expect(t(sdkError('AccessDenied', explicit, 403))).toMatchObject({ reason: 'AccessDenied', fix: expect.stringContaining('remove the explicit deny of iam:GetGroup') })
  })

  it("fills in the platform's principal and the setup command when AssumeRole is refused", () => {
    const refused = translateAwsError(sdkError('AccessDenied', 'User: x is not authorized to perform: sts:AssumeRole on resource: r', 403), { ...scope, operation: 'sts:AssumeRole' }, 'assume', ROLE, 'arn:aws:iam::111122223333:role/platform')
    expect(refused.fix).toBe(
      "in account 123456789012, make sure role ConnectorsReadOnly exists and its trust policy allows the platform's principal arn:aws:iam::111122223333:role/platform with sts:ExternalId equal to this organization's id; `connectors setup aws-iam --org <organization id> --principal arn:aws:iam::111122223333:role/platform` prints the whole trust policy to paste",
    )
  })

  it('never passes on the value AWS quotes in a validation error (it may be the ExternalId)', () => {
    const quoted = "1 validation error detected: Value 'org-secret 42!' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:/-]*"
    const assume = t(sdkError('ValidationError', quoted, 400), 'assume')
    expect(assume).toMatchObject({ reason: 'InvalidConfig', issues: [expect.stringContaining("Value (not shown) at 'externalId'")] })
    expect(errorMessage(assume)).not.toContain('org-secret')
    expect(errorMessage(t(sdkError('ValidationException', quoted, 400)))).not.toContain('org-secret')
  })

  it("parses any service's action, and the JSON protocols' AccessDeniedException", () => {
    const message =
      'User: arn:aws:sts::123456789012:assumed-role/R/s is not authorized to perform: identitystore:ListUsers on resource: arn:aws:identitystore::123456789012:identitystore/d-1234567890 because no identity-based policy allows the identitystore:ListUsers action'
    expect(missingPermission(message)).toBe('identitystore:ListUsers')
    expect(missingPermission('… is not authorized to perform: sso-directory:SearchUsers on resource: x')).toBe('sso-directory:SearchUsers')
    expect(deniedResource(message)).toBe('arn:aws:identitystore::123456789012:identitystore/d-1234567890')
    expect(t(sdkError('AccessDeniedException', message, 400))).toMatchObject({
      reason: 'AccessDenied',
      permission: 'identitystore:ListUsers',
      fix: "add identitystore:ListUsers to the role's permission policy (the whole policy is docs/connectors/aws-iam/permission-policy.json)",
    })
  })

  it('turns an AssumeRole AccessDenied into AuthFailed about trust and ExternalId, naming the role', () => {
    const e = t(sdkError('AccessDenied', `User: x is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`, 403), 'assume')
    expect(e).toMatchObject({ reason: 'AuthFailed', retryable: false })
    expect(errorMessage(e)).toMatch(/trust policy .* sts:ExternalId .* ConnectorsReadOnly/)
  })

  it('classifies throttling, server faults, network faults, expiry and bad credentials', () => {
    const cases: Array<[unknown, ConnectorError['reason'], boolean]> = [
      [sdkError('Throttling', 'Rate exceeded', 400), 'Throttled', true],
      [sdkError('ThrottlingException', 'Rate exceeded', 400), 'Throttled', true],
      [sdkError('ServiceFailureException', 'boom', 500, 'server'), 'Transient', true],
      [sdkError('ServiceUnavailable', 'x', 503, 'server'), 'Transient', true],
      [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'Transient', true],
      [sdkError('TimeoutError', 'Connection timed out after 2000 ms'), 'Transient', true],
      [sdkError('ExpiredToken', 'The security token included in the request is expired', 400), 'AuthFailed', true],
      [sdkError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403), 'AuthFailed', false],
      [sdkError('NoSuchEntityException', 'The group with name x cannot be found.', 404), 'NotFound', false],
      [sdkError('SyntaxError', 'Deserialization error: to see the raw response…', 200), 'Upstream', true],
      [sdkError('CredentialsProviderError', 'Could not load credentials from any providers'), 'AuthFailed', false],
      ['a string thrown', 'Internal', false],
    ]
    for (const [thrown, reason, retryable] of cases) expect({ reason: t(thrown).reason, retryable: t(thrown).retryable }).toEqual({ reason, retryable })
    expect(t(sdkError('InvalidClientTokenId', 'x', 403), 'assume').detail).toContain("platform's base credentials")
    expect(t(sdkError('ValidationError', "Value 'a' at 'roleSessionName'", 400), 'assume').reason).toBe('InvalidConfig')
  })

  it('classifies the JSON protocols’ codes as the Query protocol’s', () => {
    const cases: Array<[unknown, ConnectorError['reason'], boolean]> = [
      [sdkError('ThrottlingException', 'Rate exceeded', 400), 'Throttled', true],
      [sdkError('TooManyRequestsException', 'Too many requests', 429), 'Throttled', true],
      [sdkError('RequestLimitExceeded', 'Request limit exceeded.', 503, 'server'), 'Throttled', true],
      [sdkError('ExpiredTokenException', 'The security token included in the request is expired', 400), 'AuthFailed', true],
      [sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400), 'AuthFailed', false],
      [sdkError('ResourceNotFoundException', 'Identity store d-1 not found', 400), 'NotFound', false],
      [sdkError('NoSuchEntity', 'The role with name x cannot be found.', 404), 'NotFound', false],
      [sdkError('InternalServerException', 'internal', 500, 'server'), 'Transient', true],
      [sdkError('ValidationException', '1 validation error detected', 400), 'Upstream', false],
    ]
    for (const [thrown, reason, retryable] of cases) expect({ reason: t(thrown).reason, retryable: t(thrown).retryable }).toEqual({ reason, retryable })
    expect(t(sdkError('ValidationException', 'RoleSessionName too long', 400), 'assume')).toMatchObject({ reason: 'InvalidConfig', issues: ['RoleSessionName too long'] })
    expect(t(sdkError('ValidationError', "Value 'x' at 'marker'", 400))).toMatchObject({ reason: 'Upstream', retryable: false })
  })
})
