import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { ConnectorError, defaultRunContext } from '@connectors/core'
import { mockClient } from 'aws-sdk-client-mock'
import * as E from 'fp-ts/Either'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sdkError } from '../testing.js'
import type { RoleArn, ExternalId } from './codecs.js'
import { sdkCall } from './calls.js'
import { sharedSettings } from './client-config.js'
import { assumeRole, REFRESH_MARGIN_MS, type AwsClientConfig, type AwsSession } from './session.js'

const ROLE = 'arn:aws-us-gov:iam::123456789012:role/ConnectorsReadOnly' as RoleArn
const config = { roleArn: ROLE, externalId: 'org-42' as ExternalId }
const spec = { id: 'aws-identity-center', permissions: () => ['identitystore:ListUsers', 'identitystore:ListGroups'] }
const deps = { baseCredentials: async () => ({ accessKeyId: 'AKIAX', secretAccessKey: 'y' }) }

describe('assumeRole', () => {
  const sts = mockClient(STSClient)
  let issued = 0
  beforeEach(() => {
    sts.reset()
    issued = 0
    sts.on(AssumeRoleCommand).callsFake(() => ({
      Credentials: { AccessKeyId: `ASIA${++issued}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) },
    }))
  })
  afterEach(() => sts.reset())

  const open = async (ctx = defaultRunContext({ env: {} }), overrides: Partial<typeof config> & Record<string, unknown> = {}): Promise<AwsSession> => {
    const session = await assumeRole(spec, deps)({ ...config, ...overrides }, ctx)()
    if (E.isLeft(session)) throw new Error(session.left.detail)
    return session.right
  }

  it('assumes the role with the ExternalId, a platform session name and a session policy of the permissions passed in', async () => {
    const session = await open()
    expect(session).toMatchObject({ connector: 'aws-identity-center', accountId: '123456789012', partition: 'aws-us-gov', region: 'us-gov-west-1' })
    const input = sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input
    expect(input).toMatchObject({ RoleArn: ROLE, ExternalId: 'org-42', RoleSessionName: 'connectors-aws-identity-center-123456789012', DurationSeconds: 3600 })
    expect(JSON.parse(input?.Policy ?? '{}')).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'ConnectorsReadOnly', Effect: 'Allow', Action: ['identitystore:ListUsers', 'identitystore:ListGroups'], Resource: '*' }],
    })
  })

  it('builds any SDK client on the session: region, endpoint override, the assumed credentials, the shared transport', async () => {
    const seen: AwsClientConfig[] = []
    const session = await open(defaultRunContext({ env: { AWS_ENDPOINT_URL_IDENTITYSTORE: 'http://127.0.0.1:1' } }), { region: 'us-gov-east-1', endpoints: { sts: 'http://127.0.0.1:2' } })
    const identitystore = session.client('identitystore', (c) => (seen.push(c), new STSClient(c)))
    const iam = session.client('iam', (c) => (seen.push(c), new STSClient(c)), { region: 'us-gov-west-1' })
    expect(identitystore()).toBe(identitystore())
    iam()
    expect(seen.map((c) => [c.region, c.endpoint])).toEqual([
      ['us-gov-east-1', 'http://127.0.0.1:1'],
      ['us-gov-west-1', undefined],
    ])
    expect(seen[0]?.requestHandler).toBe(seen[1]?.requestHandler)
    // The settings a client would otherwise look up for itself are looked up once and shared.
    for (const c of seen) expect(c).toMatchObject(sharedSettings())
    expect(await seen[0]?.credentials()).toMatchObject({ accessKeyId: 'ASIA1', sessionToken: 't' })
  })

  it('asks the spec for the permissions of each config: a feature that needs one more action gets it in its session policy', async () => {
    await assumeRole({ id: 'x', permissions: (c) => ['identitystore:ListUsers', ...((c as { tags?: boolean }).tags === true ? ['identitystore:ListTags'] : [])] }, deps)({ ...config, tags: true } as typeof config, defaultRunContext({ env: {} }))()
    expect(JSON.parse(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.Policy ?? '{}')).toMatchObject({ Statement: [{ Action: ['identitystore:ListUsers', 'identitystore:ListTags'] }] })
  })

  it("presents the platform's organization id as the ExternalId when the account sets none", async () => {
    const { externalId: _own, ...withoutOwn } = config
    await assumeRole(spec, deps)(withoutOwn, defaultRunContext({ env: {}, platform: { organizationId: 'org-platform-7' } }))()
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.ExternalId).toBe('org-platform-7')
    const none = await assumeRole(spec, deps)(withoutOwn, defaultRunContext({ env: {} }))()
    expect(none).toMatchObject(E.left({ reason: 'InvalidConfig', issues: [expect.stringMatching(/^externalId: is required/)] }))
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1)
  })

  it('is released: its clients refuse further use with a clear error', async () => {
    const session = await open()
    const client = session.client('identitystore', (c) => new STSClient(c))
    client()
    await session.release()
    expect(() => client()).toThrow('the aws-identity-center session for account 123456789012 was released')
  })

  it('refuses an endpoint variable that would send the ExternalId and credentials in clear text, before any call', async () => {
    const refused = await assumeRole(spec, deps)(config, defaultRunContext({ env: { AWS_ENDPOINT_URL_STS: 'http://sts.example.com' } }))()
    expect(refused).toMatchObject(E.left({ reason: 'InvalidConfig', issues: ['AWS_ENDPOINT_URL_STS: expected an https endpoint URL (plain http only to this machine)'] }))
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0)
  })

  it('renews: a second AssumeRole, and clients rebuilt with the new credentials on their next use', async () => {
    const session = await open()
    const client = session.client('identitystore', (c) => new STSClient(c))
    const before = client()
    expect(await session.renew()).toEqual(E.right(undefined))
    expect(client()).not.toBe(before)
    expect(await client().config.credentials()).toMatchObject({ accessKeyId: 'ASIA2' })
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2)
  })

  it('refreshes credentials that have less than the margin left, and reports a failed refresh through translate', async () => {
    const ahead = () => new Date(Date.now() + 3600_000 - REFRESH_MARGIN_MS / 2)
    const session = await open(defaultRunContext({ env: {}, now: ahead }))
    const seen: AwsClientConfig[] = []
    session.client('identitystore', (c) => (seen.push(c), new STSClient(c)))()
    expect(await seen[0]?.credentials()).toMatchObject({ accessKeyId: 'ASIA2' })
    sts.on(AssumeRoleCommand).rejects(sdkError('AccessDenied', `not authorized to perform: sts:AssumeRole on resource: ${ROLE}`, 403))
    const thrown = await seen[0]?.credentials().catch((e: unknown) => e)
    expect(session.translate(thrown, 'identitystore:ListUsers')).toMatchObject({ reason: 'AuthFailed', operation: 'sts:AssumeRole' })
  })

  it('fails as AuthFailed when the trust policy refuses, and as Upstream when AWS returns no credentials', async () => {
    sts.on(AssumeRoleCommand).rejects(sdkError('AccessDenied', `User: x is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`, 403))
    expect(await assumeRole(spec, deps)(config, defaultRunContext())()).toMatchObject(E.left({ reason: 'AuthFailed', connector: 'aws-identity-center', operation: 'sts:AssumeRole' }))
    sts.on(AssumeRoleCommand).resolves({})
    expect(await assumeRole(spec, deps)(config, defaultRunContext())()).toMatchObject(E.left({ reason: 'Upstream', detail: 'AssumeRole returned no credentials' }))
  })
})

describe('sdkCall', () => {
  it('runs one call as a task, translating what it throws for the operation', async () => {
    const session = { translate: (thrown: unknown, operation: string) => ConnectorError.accessDenied({ connector: 'c', account: '1', operation, detail: (thrown as Error).message }) }
    expect(await sdkCall(session, 'iam:ListUsers', async () => 42)()).toEqual(E.right(42))
    expect(await sdkCall(session, 'iam:ListUsers', () => Promise.reject(new Error('no')))()).toMatchObject(E.left({ reason: 'AccessDenied', operation: 'iam:ListUsers', detail: 'no' }))
  })
})
