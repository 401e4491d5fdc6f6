/** The connector over the real wire: the sandbox's STS and Identity Store (JSON 1.1) with the real SDK clients. */
import { sandboxDelegator, startSandbox, type Faults, type Sandbox } from '@connectors/aws-sandbox'
import { ACCOUNT, EXTERNAL_ID, fixtureIdentityStore, IDENTITY_STORE_ID, identityStoreFixtureSeed, roleArn } from '@connectors/aws-sandbox/testing'
import { checkConnector, defaultRunContext, type Batch, type Membership, type User } from '@connectors/core'
import { describeConnectorConformance, syncToEnd, type HarnessUpstream } from '@connectors/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { sandboxConfig, sandboxConnector } from './testing.js'

const connector = sandboxConnector(sandboxDelegator)
const READER = roleArn('IdentityReader')
const SHORT_PAGE = 70
const store = fixtureIdentityStore()
const sandboxes: Sandbox[] = []
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.stop()))
})

async function sandboxWith(faults: Faults = { shortPageSize: SHORT_PAGE }): Promise<Sandbox> {
  const s = await startSandbox({ seed: identityStoreFixtureSeed(), faults })
  sandboxes.push(s)
  return s
}

const listCalls = (s: Sandbox) => s.stats().requests.filter((r) => r.action !== 'AssumeRole').reduce((n, r) => n + r.count, 0)

async function upstream(role = READER, externalId = EXTERNAL_ID): Promise<HarnessUpstream> {
  const s = await startSandbox({ seed: identityStoreFixtureSeed(), faults: { shortPageSize: SHORT_PAGE } })
  // Identity Store pages at min(MaxResults=100, the sandbox's short pages); an empty listing is still one page.
  const pagesFor = (items: number) => Math.max(1, Math.ceil(items / Math.min(100, SHORT_PAGE)))
  return {
    config: sandboxConfig(s.endpoint, role, externalId, { identityStoreId: IDENTITY_STORE_ID }),
    expected: { users: store.users.length, groups: store.groups.length, memberships: store.groups.reduce((n, g) => n + g.members.length, 0) },
    pagesServed: () => listCalls(s),
    minimumPages: pagesFor(store.users.length) + pagesFor(store.groups.length) + store.groups.reduce((n, g) => n + pagesFor(g.members.length), 0),
    stop: () => s.stop(),
  }
}

describeConnectorConformance(connector, {
  start: () => upstream(),
  invalidConfig: { config: { roleArn: READER, externalId: EXTERNAL_ID }, path: 'region' },
  faults: [
    { name: 'wrong ExternalId', start: () => upstream(READER, 'org-wrong'), reason: 'AuthFailed', failingStep: 'sts:AssumeRole' },
    { name: 'role without identitystore:ListGroups', start: () => upstream(roleArn('NoListGroups')), reason: 'AccessDenied', failingStep: 'identitystore:ListGroups' },
  ],
})

async function sync(config: unknown) {
  const { batches, outcome } = await syncToEnd(connector, config, defaultRunContext())
  const records = <K extends Batch['entity']>(entity: K) => batches.filter((b) => b.entity === entity).flatMap((b) => b.records as ReadonlyArray<unknown>)
  return { outcome, users: records('users') as Array<User & { displayName?: string }>, memberships: records('memberships') as Membership[] }
}

describe('aws-identity-center against the sandbox', () => {
  it('maps every person with email, names, status and groups, and the Identity Center license', async () => {
    const s = await sandboxWith()
    const { outcome, users, memberships } = await sync(sandboxConfig(s.endpoint, READER, EXTERNAL_ID, { identityStoreId: IDENTITY_STORE_ID }))
    expect(outcome).toMatchObject({ account: ACCOUNT, complete: true, errors: [] })
    expect(users.map((u) => u.username)).toEqual(store.users.map((u) => u.name))
    const byName = new Map(users.map((u) => [u.username, u]))
    expect(byName.get('person003@example.com')).toMatchObject({
      email: 'person003@example.com',
      firstName: 'Zoë',
      lastName: `O'Brien`,
      displayName: `Zoë "Z" O'Brien <ops>`,
      externalStatus: 'ENABLED',
      createdAt: '2023-01-04T05:06:07.000Z',
      licenses: ['AWS IAM Identity Center'],
      roles: ['all', 'admins'],
    })
    // Every seventh person has no email: left without one (the runner reports them), never given a made-up one.
    expect(byName.get('person007@example.com')).not.toHaveProperty('email')
    expect(byName.get('person012@example.com')).not.toHaveProperty('createdAt')
    expect(byName.get('person049@example.com')).toMatchObject({ status: 'active', externalStatus: 'DISABLED' })
    expect(byName.get('person150@example.com')?.roles).toEqual(['all', 'engineering'])
    expect(memberships).toHaveLength(373)
    expect(memberships.every((m) => m.username === undefined && users.some((u) => u.id === m.userId))).toBe(true)
  })

  it('discovers the Identity Store with sso:ListInstances when the config names none', async () => {
    const s = await sandboxWith()
    const { outcome, users } = await sync(sandboxConfig(s.endpoint, READER, EXTERNAL_ID))
    expect(outcome).toMatchObject({ complete: true, errors: [] })
    expect(users).toHaveLength(250)
    // Discovery is one call, shared by every fetcher.
    expect(s.stats().requests.filter((r) => r.action === 'sso:ListInstances').map((r) => r.count)).toEqual([1])
  })

  it('a store that is not there fails the check at ListUsers, naming the two fields to check', async () => {
    const s = await sandboxWith()
    const report = await checkConnector(connector, sandboxConfig(s.endpoint, READER, EXTERNAL_ID, { identityStoreId: 'd-0000000000' }), defaultRunContext())()
    expect(report.ok).toBe(false)
    expect(report.steps.find((step) => step.status === 'failed')).toMatchObject({
      step: 'identitystore:ListUsers',
      error: { reason: 'NotFound', fix: expect.stringContaining('check identityStoreId (d-0000000000) and region (eu-west-1)') },
    })
  })

  it('lists users with their roles unknown, not empty, when the groups cannot be listed', async () => {
    const s = await sandboxWith()
    const { outcome, users } = await sync(sandboxConfig(s.endpoint, roleArn('NoListGroups'), EXTERNAL_ID, { identityStoreId: IDENTITY_STORE_ID }))
    expect(outcome.complete).toBe(false)
    expect(outcome.completedEntities).toEqual(['users'])
    expect(users).toHaveLength(250)
    expect(users.every((u) => u.roles === undefined)).toBe(true)
  })
})
