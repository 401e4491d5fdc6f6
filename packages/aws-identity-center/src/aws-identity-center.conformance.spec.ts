/** The conformance suite every connector passes, over the in-process fake of IAM Identity Center (src/testing.ts). */
import { permissionPolicy, renderPolicy } from '@connectors/aws'
import { checkConnector, defaultRunContext, permissionsFor } from '@connectors/core'
import { describeConnectorConformance } from '@connectors/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { manifest, POLICY } from './manifest.js'
import { EXTERNAL_ID, fakeConfig, harnessUpstream, REGION, ROLE_ARN, startFakeUpstream, testConnector, type FakeUpstream } from './testing.js'

const connector = testConnector()

describeConnectorConformance(connector, {
  start: () => harnessUpstream(),
  invalidConfig: { config: { roleArn: ROLE_ARN, region: REGION, externalId: EXTERNAL_ID, identityStoreId: 'store-1' }, path: 'identityStoreId' },
  faults: [
    { name: 'wrong ExternalId', start: () => harnessUpstream({ configExternalId: 'org-wrong' }), reason: 'AuthFailed', failingStep: 'sts:AssumeRole' },
    {
      name: 'role without identitystore:ListGroupMemberships',
      start: () => harnessUpstream({ actions: ['identitystore:ListUsers', 'identitystore:ListGroups'] }),
      reason: 'AccessDenied',
      failingStep: 'identitystore:ListGroupMemberships',
    },
  ],
})

describe('aws-identity-center against the fake', () => {
  const fakes: FakeUpstream[] = []
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((f) => f.stop()))
  })

  it('names every step of the connection check; discovery adds sso:ListInstances only when the config names no store', async () => {
    fakes.push(startFakeUpstream())
    const steps = async (config: unknown) => (await checkConnector(connector, config, defaultRunContext({ env: {} }))()).steps.map((s) => [s.step, s.status])
    const required = [
      ['config', 'ok'],
      ['sts:AssumeRole', 'ok'],
      ['identitystore:ListUsers', 'ok'],
      ['identitystore:ListGroups', 'ok'],
      ['identitystore:ListGroupMemberships', 'ok'],
    ]
    expect(await steps(fakeConfig())).toEqual(required)
    expect(await steps(fakeConfig(EXTERNAL_ID, {}))).toEqual([...required.slice(0, 2), ['sso:ListInstances', 'ok'], ...required.slice(2)])
  })

  it('without sso:ListInstances, discovery fails at its own step with the fix of naming the store', async () => {
    fakes.push(startFakeUpstream({ actions: POLICY.permissions }))
    const report = await checkConnector(connector, fakeConfig(EXTERNAL_ID, {}), defaultRunContext({ env: {} }))()
    const failed = report.steps.find((s) => s.step === 'sso:ListInstances')
    expect(failed).toMatchObject({ status: 'failed', error: { reason: 'AccessDenied', permission: 'sso:ListInstances', fix: expect.stringContaining('or set identityStoreId in the config') } })
    expect(report.steps.filter((s) => s.status === 'skipped').map((s) => s.step)).toEqual(['identitystore:ListUsers', 'identitystore:ListGroups', 'identitystore:ListGroupMemberships'])
  })

  it('asks for a session policy of exactly the manifest actions, and sso:ListInstances only for discovery', () => {
    expect(JSON.parse(renderPolicy(permissionPolicy(POLICY.permissions, POLICY.sid)))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: POLICY.sid, Effect: 'Allow', Action: ['identitystore:ListUsers', 'identitystore:ListGroups', 'identitystore:ListGroupMemberships'], Resource: '*' }],
    })
    expect(permissionsFor(manifest, ['discovery'])).toEqual(['sso:ListInstances', ...POLICY.permissions])
  })

  it('renders the setup kit from the manifest', () => {
    const files = connector.setupDocs?.() ?? []
    expect(files.map((f) => f.file)).toContain('permission-policy.json')
    expect(files.find((f) => f.file === 'permission-policy.json')?.content).toContain('identitystore:ListGroupMemberships')
  })
})
