import { GetGroupCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { defaultRunContext, errorMessage, User, type ConnectorError } from '@connectors/core'
import { mockClient } from 'aws-sdk-client-mock'
import * as E from 'fp-ts/Either'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { deniedResource, missingPermission, translateAwsError } from './errors.js'
import { mapUser } from './mappers/user.js'
import { runSync, sandboxConnector } from './testing.js'

const scope = { connector: 'aws-iam', account: '123456789012', operation: 'iam:GetGroup' }
const ROLE = 'arn:aws:iam::123456789012:role/ConnectorsReadOnly'
const sdkError = (name: string, message: string, status?: number, fault: 'client' | 'server' = 'client') =>
  Object.assign(new Error(message), { name, $fault: fault, ...(status !== undefined ? { $metadata: { httpStatusCode: status } } : {}) })

describe('translateAwsError', () => {
  const t = (e: unknown, phase: 'base' | 'assume' | 'iam' = 'iam') => translateAwsError(e, scope, phase, ROLE)

  it('parses the missing action from each AccessDenied form', () => {
    const plain = 'User: arn:aws:sts::123456789012:assumed-role/R/s is not authorized to perform: iam:GetGroup on resource: group Admins'
    expect(missingPermission(plain)).toBe('iam:GetGroup')
    expect(deniedResource(plain)).toBe('group Admins')
    const because = `${plain.replace('group Admins', 'arn:aws:iam::123456789012:group/Admins')} because no identity-based policy allows the iam:GetGroup action`
    expect(deniedResource(because)).toBe('arn:aws:iam::123456789012:group/Admins')
    const explicit = `${plain} with an explicit deny in an identity-based policy`
    expect(deniedResource(explicit)).toBe('group Admins')
    expect(t(sdkError('AccessDenied', because, 403))).toMatchObject({ reason: 'AccessDenied', permission: 'iam:GetGroup', retryable: false, fix: "add iam:GetGroup to the role's permission policy (see the connector's permission policy document)" })
    expect(t(sdkError('AccessDenied', explicit, 403))).toMatchObject({ reason: 'AccessDenied', fix: expect.stringContaining('remove the explicit deny of iam:GetGroup') })
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
})

describe('with aws-sdk-client-mock', () => {
  const sts = mockClient(STSClient)
  const iam = mockClient(IAMClient)
  beforeEach(() => {
    sts.reset()
    iam.reset()
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAMOCK', SecretAccessKey: 'mock-secret', SessionToken: 'mock-token', Expiration: new Date(Date.now() + 3600_000) },
    })
  })
  afterEach(() => {
    sts.reset()
    iam.reset()
  })
  const config = { roleArn: ROLE, externalId: 'org-42', email: { template: '{username}@acme.example' } }
  const connector = sandboxConnector({ accessKeyId: 'AKIAX', secretAccessKey: 'y' })

  it('assumes the role with the ExternalId, a platform session name and the least-privilege session policy', async () => {
    iam.onAnyCommand().resolves({ Users: [], Groups: [], IsTruncated: false })
    const { outcome } = await runSync(connector, config)
    expect(outcome.errors).toEqual([])
    const input = sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input
    expect(input).toMatchObject({ RoleArn: ROLE, ExternalId: 'org-42', RoleSessionName: 'connectors-aws-iam-123456789012', DurationSeconds: 3600 })
    expect(JSON.parse(input?.Policy ?? '{}')).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'ConnectorsReadIamUsersAndGroups', Effect: 'Allow', Action: ['iam:ListUsers', 'iam:ListGroups', 'iam:GetGroup'], Resource: '*' }],
    })
  })

  it('maps ListUsers output and joins group memberships', async () => {
    iam.onAnyCommand().resolves({ Groups: [{ GroupName: 'admins', GroupId: 'AGPA1', Arn: 'a', Path: '/', CreateDate: new Date(0) }], IsTruncated: false })
    iam.on(ListUsersCommand).resolves({ Users: [{ UserName: 'jane', UserId: 'AIDA1', Arn: 'arn:aws:iam::123456789012:user/jane', Path: '/', CreateDate: new Date('2020-01-01T00:00:00Z') }], IsTruncated: false })
    iam.on(GetGroupCommand).resolves({ Group: { GroupName: 'admins', GroupId: 'AGPA1', Arn: 'a', Path: '/', CreateDate: new Date(0) }, Users: [{ UserName: 'jane', UserId: 'AIDA1', Arn: 'x', Path: '/', CreateDate: new Date(0) }], IsTruncated: false })
    const { records, outcome } = await runSync(connector, config)
    expect(outcome.complete).toBe(true)
    expect(records('users')).toEqual([
      { accountId: '123456789012', id: 'AIDA1', username: 'jane', arn: 'arn:aws:iam::123456789012:user/jane', path: '/', status: 'active', externalStatus: 'no-sign-in-recorded', roles: ['admins'], licenses: ['AWS IAM'], createdAt: '2020-01-01T00:00:00.000Z', email: 'jane@acme.example' },
    ])
  })

  it('refuses a listing that says it is truncated but gives no Marker', async () => {
    iam.onAnyCommand().resolves({ Groups: [], IsTruncated: false })
    iam.on(ListUsersCommand).resolves({ Users: [], IsTruncated: true })
    const { outcome } = await runSync(connector, config)
    expect(outcome.errors).toEqual([expect.objectContaining({ reason: 'Upstream', operation: 'iam:ListUsers', detail: expect.stringContaining('truncated but returned no Marker') })])
  })

  it('refuses a Marker that repeats instead of looping', async () => {
    iam.onAnyCommand().resolves({ Groups: [], IsTruncated: false })
    iam.on(ListUsersCommand).resolves({ Users: [], IsTruncated: true, Marker: 'again' })
    const { outcome } = await runSync(connector, config)
    expect(outcome.errors[0]).toMatchObject({ reason: 'Upstream', detail: expect.stringContaining('a second time') })
  })

  it('reports throttling that outlasts the retries as Throttled, for the fetcher that met it', async () => {
    // The mock replaces send(), so no retry middleware runs here; retries are proven against the sandbox.
    iam.onAnyCommand().rejects(sdkError('Throttling', 'Rate exceeded', 400))
    const { outcome } = await runSync(connector, config)
    expect(outcome.errors.map((e) => [e.operation, e.reason])).toEqual([
      ['iam:ListGroups', 'Throttled'],
      ['iam:ListUsers', 'Throttled'],
    ])
  })

  it('fails check at AssumeRole when the base credentials are rejected', async () => {
    sts.on(AssumeRoleCommand).rejects(sdkError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403))
    const report = await connector.check(config, defaultRunContext())()
    expect(report.steps.map((s) => s.status)).toEqual(['ok', 'failed', 'skipped', 'skipped', 'skipped'])
    expect(report.steps[1]?.error).toMatchObject({ reason: 'AuthFailed', fix: expect.stringContaining('platform credentials') })
  })

  it('maps a user without optional fields safely', () => {
    const user = mapUser({ UserName: 'x', UserId: 'AIDA2', Arn: 'a', Path: '/', CreateDate: new Date(0) }, { accountId: '1', groupsByUserId: new Map(), emailRule: undefined })
    expect(user).not.toHaveProperty('email')
    expect(user).not.toHaveProperty('lastUsedAt')
    expect(user).toMatchObject({ status: 'active', externalStatus: 'no-sign-in-recorded', roles: [], licenses: ['AWS IAM'], createdAt: '1970-01-01T00:00:00.000Z' })
    expect(E.isRight(User.decode(user))).toBe(true)
  })
})
