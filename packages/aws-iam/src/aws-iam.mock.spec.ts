import { GetGroupCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { sdkError } from '@connectors/aws/testing'
import { checkConnector, defaultRunContext, User } from '@connectors/core'
import { mockClient } from 'aws-sdk-client-mock'
import * as E from 'fp-ts/Either'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mapUser } from './mappers/user.js'
import { runSync, sandboxConnector } from './testing.js'

const ROLE = 'arn:aws:iam::123456789012:role/ConnectorsReadOnly'

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
    const report = await checkConnector(connector, config, defaultRunContext())()
    expect(report.steps.map((s) => s.status)).toEqual(['ok', 'failed', 'skipped', 'skipped', 'skipped'])
    expect(report.steps[1]?.error).toMatchObject({ reason: 'AuthFailed', fix: expect.stringContaining('platform credentials') })
  })

  it('maps a user without optional fields safely', () => {
    const user = mapUser({ UserName: 'x', UserId: 'AIDA2', Arn: 'a', Path: '/', CreateDate: new Date(0) }, { accountId: '1', groupsByUserId: new Map(), emailRule: undefined, emailEntries: new Map() })
    expect(user).not.toHaveProperty('email')
    expect(user).not.toHaveProperty('lastUsedAt')
    expect(user).toMatchObject({ status: 'active', externalStatus: 'no-sign-in-recorded', roles: [], licenses: ['AWS IAM'], createdAt: '1970-01-01T00:00:00.000Z' })
    expect(E.isRight(User.decode(user))).toBe(true)
  })
})
