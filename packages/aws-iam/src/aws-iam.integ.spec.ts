import { sandboxDelegator, startSandbox, type Faults, type Sandbox } from '@connectors/aws-sandbox'
import { ACCOUNT, EXTERNAL_ID, fixtureSeed, roleArn, stranger } from '@connectors/aws-sandbox/testing'
import { checkConnector, defaultRunContext, errorMessage, type Membership, type User } from '@connectors/core'
import { describeConnectorConformance, type HarnessUpstream } from '@connectors/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { runSync, sandboxConfig, sandboxConnector } from './testing.js'

const connector = sandboxConnector(sandboxDelegator)
const READ_ONLY = roleArn('ConnectorsReadOnly')
const sandboxes: Sandbox[] = []
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.stop()))
})

async function sandboxWith(faults: Faults = {}): Promise<Sandbox> {
  const s = await startSandbox({ seed: fixtureSeed(), faults })
  sandboxes.push(s)
  return s
}

const listCalls = (s: Sandbox) => s.stats().requests.filter((r) => r.action !== 'AssumeRole').reduce((n, r) => n + r.count, 0)

async function upstream(faults: Faults, role = READ_ONLY, externalId = EXTERNAL_ID): Promise<HarnessUpstream> {
  const seed = fixtureSeed()
  const s = await startSandbox({ seed, faults })
  const account = seed.accounts[0] as (typeof seed.accounts)[0]
  // IAM pages at min(MaxItems=1000, the sandbox's short pages); an empty listing is still one page.
  const pagesFor = (items: number) => Math.max(1, Math.ceil(items / Math.min(1000, faults.shortPageSize ?? 1000)))
  return {
    config: sandboxConfig(s.endpoint, role, externalId),
    expected: { users: account.users.length, groups: account.groups.length, memberships: account.groups.reduce((n, g) => n + g.members.length, 0) },
    pagesServed: () => listCalls(s),
    minimumPages: pagesFor(account.users.length) + pagesFor(account.groups.length) + account.groups.reduce((n, g) => n + pagesFor(g.members.length), 0),
    stop: () => s.stop(),
  }
}

describeConnectorConformance(connector, {
  start: () => upstream({ shortPageSize: 700 }),
  invalidConfig: { config: { roleArn: 'arn:aws:iam::12345:role/x', externalId: EXTERNAL_ID }, path: 'roleArn' },
  faults: [
    { name: 'wrong ExternalId', start: () => upstream({}, READ_ONLY, 'org-wrong'), reason: 'AuthFailed', failingStep: 'sts:AssumeRole' },
    { name: 'role without iam:GetGroup', start: () => upstream({}, roleArn('NoGetGroup')), reason: 'AccessDenied', failingStep: 'iam:GetGroup' },
  ],
})

describe('aws-iam against the sandbox', () => {
  it('maps every user with its groups, IAM fields and the AWS IAM license', async () => {
    const s = await sandboxWith({ shortPageSize: 700 })
    const { outcome, records } = await runSync(connector, sandboxConfig(s.endpoint, READ_ONLY, EXTERNAL_ID, { email: { template: '{username}@acme.example' } }))
    expect(outcome).toMatchObject({ account: ACCOUNT, complete: true, errors: [] })
    const users = records('users') as User[]
    expect(users).toHaveLength(2500)
    const user0 = users[0] as User & { arn: string; path: string }
    expect(user0).toMatchObject({
      accountId: ACCOUNT,
      username: 'user0000',
      status: 'active',
      email: 'user0000@acme.example',
      roles: ['big', 'admins'],
      licenses: ['AWS IAM'],
      createdAt: '2021-03-04T05:06:07.000Z',
      lastUsedAt: '2024-02-03T04:05:06.000Z',
      externalStatus: 'signed-in',
      arn: `arn:aws:iam::${ACCOUNT}:user/user0000`,
      path: '/',
    })
    expect(users[1]).toMatchObject({ path: '/eng/', externalStatus: 'no-sign-in-recorded', roles: ['big', 'admins'] })
    expect(users[1]).not.toHaveProperty('lastUsedAt')
    expect(users[2499]).toMatchObject({ roles: [] })
    const memberships = records('memberships') as Membership[]
    expect(memberships.filter((m) => m.groupName === 'big')).toHaveLength(1200)
    expect(memberships.filter((m) => m.groupName === 'empty')).toHaveLength(0)
  })

  it('makes exactly the minimum number of calls: ⌈U/1000⌉ + ⌈G/1000⌉ + Σ⌈members/1000⌉ + AssumeRole', async () => {
    const s = await sandboxWith()
    const { outcome, apiCalls } = await runSync(connector, sandboxConfig(s.endpoint, READ_ONLY, EXTERNAL_ID))
    expect(outcome.complete).toBe(true)
    const minimum = Math.ceil(2500 / 1000) + 1 + (Math.ceil(1200 / 1000) + 1 + 1) + 1
    expect(s.stats().totalRequests).toBe(minimum)
    expect(apiCalls).toBe(minimum)
  })

  it('rides out a throttling storm: same records, calls = minimum + retries', async () => {
    const s = await sandboxWith({ throttleRate: 0.5 })
    const { outcome, records, events, apiCalls } = await runSync(connector, sandboxConfig(s.endpoint, READ_ONLY, EXTERNAL_ID))
    expect(outcome.errors.map(errorMessage)).toEqual([])
    expect(records('users')).toHaveLength(2500)
    expect(records('memberships')).toHaveLength(1203)
    const stats = s.stats()
    const retries = events.filter((e) => e.type === 'retry').length
    expect(stats.throttled).toBeGreaterThan(0)
    expect(retries).toBe(stats.throttled)
    expect(apiCalls).toBe(9 + retries)
    expect(stats.totalRequests).toBe(apiCalls)
    // Every event names the real operation, never just the service.
    const operations = new Set(events.flatMap((e) => ('operation' in e ? [e.operation] : [])))
    expect([...operations].sort()).toEqual(['iam:GetGroup', 'iam:ListGroups', 'iam:ListUsers', 'sts:AssumeRole'].filter((o) => operations.has(o)))
    expect(events.filter((e) => e.type === 'throttled').every((e) => 'operation' in e && /^iam:(ListUsers|ListGroups|GetGroup)$/.test(e.operation))).toBe(true)
  })

  it('renews an expired session mid-sync and resumes where it was', async () => {
    const s = await sandboxWith({ shortPageSize: 100, latencyMs: 60, sessionLifetimeSeconds: 1 })
    const { outcome, records } = await runSync(connector, sandboxConfig(s.endpoint, READ_ONLY, EXTERNAL_ID))
    expect(outcome.errors.map(errorMessage)).toEqual([])
    expect(records('users')).toHaveLength(2500)
    expect(new Set((records('users') as User[]).map((u) => u.id)).size).toBe(2500)
    const assumes = s.stats().requests.filter((r) => r.action === 'AssumeRole').reduce((n, r) => n + r.count, 0)
    expect(assumes).toBeGreaterThan(1)
    expect(s.stats().requests.some((r) => r.outcome === 'ExpiredToken')).toBe(true)
  })

  it('refreshes credentials before they expire (less than the 5-minute margin left)', async () => {
    const s = await sandboxWith()
    // The connector's clock runs 56 minutes ahead: the 60-minute session is within the refresh margin at once.
    const ahead = () => new Date(Date.now() + 56 * 60_000)
    const { outcome } = await runSync(connector, sandboxConfig(s.endpoint, READ_ONLY, EXTERNAL_ID), { now: ahead })
    expect(outcome.complete).toBe(true)
    const assumes = s.stats().requests.filter((r) => r.action === 'AssumeRole').reduce((n, r) => n + r.count, 0)
    expect(assumes).toBeGreaterThan(1)
    expect(s.stats().requests.some((r) => r.outcome === 'ExpiredToken')).toBe(false)
  })

  it('reports a wrong ExternalId as AuthFailed naming the role, without echoing the ExternalId', async () => {
    const s = await sandboxWith()
    const secretish = 'org-wrong-do-not-echo'
    const { outcome } = await runSync(connector, sandboxConfig(s.endpoint, READ_ONLY, secretish))
    const [error] = outcome.errors
    expect(error).toMatchObject({ reason: 'AuthFailed', operation: 'sts:AssumeRole', account: ACCOUNT, retryable: false })
    const text = errorMessage(error as never)
    expect(text).toContain(READ_ONLY)
    expect(text).toContain('ExternalId')
    expect(text).not.toContain(secretish)
    expect(s.stats().totalRequests).toBe(1)
  })

  it('reports an untrusted principal the same way, and rejected base keys as a base-credential error', async () => {
    const s = await sandboxWith()
    const untrusted = await runSync(sandboxConnector(stranger), sandboxConfig(s.endpoint, READ_ONLY, EXTERNAL_ID))
    expect(untrusted.outcome.errors[0]).toMatchObject({ reason: 'AuthFailed', detail: expect.stringContaining('trust policy') })
    const badKeys = await runSync(sandboxConnector({ ...sandboxDelegator, secretAccessKey: 'wrong/secret/000000000000000000000000000' }), sandboxConfig(s.endpoint, READ_ONLY, EXTERNAL_ID))
    expect(badKeys.outcome.errors[0]).toMatchObject({ reason: 'AuthFailed', detail: expect.stringContaining("platform's base credentials (SignatureDoesNotMatch)") })
  })

  it('reports a missing iam:GetGroup with the fix, and still lists users and groups (a partial sync)', async () => {
    const s = await sandboxWith()
    const { outcome, records } = await runSync(connector, sandboxConfig(s.endpoint, roleArn('NoGetGroup'), EXTERNAL_ID))
    expect(outcome.complete).toBe(false)
    expect(outcome.completedEntities).toEqual(['groups', 'users'])
    expect(outcome.errors).toEqual([expect.objectContaining({ reason: 'AccessDenied', permission: 'iam:GetGroup', fix: expect.stringContaining("add iam:GetGroup to the role's permission policy") })])
    expect(records('users')).toHaveLength(2500)
  })

  it('check names the first failing step and its fix', async () => {
    const s = await sandboxWith()
    const ok = await checkConnector(connector, sandboxConfig(s.endpoint, READ_ONLY, EXTERNAL_ID), defaultRunContext())()
    expect(ok.steps.map((x) => `${x.step}:${x.status}`)).toEqual(['config:ok', 'sts:AssumeRole:ok', 'iam:ListUsers:ok', 'iam:ListGroups:ok', 'iam:GetGroup:ok'])
    const denied = await checkConnector(connector, sandboxConfig(s.endpoint, roleArn('DenyGetGroup'), EXTERNAL_ID), defaultRunContext())()
    expect(denied.steps.at(-1)).toMatchObject({ step: 'iam:GetGroup', status: 'failed', error: { reason: 'AccessDenied', fix: expect.stringContaining('remove the explicit deny of iam:GetGroup') } })
  })

  it('stays within the session policy even when the role allows iam:*', async () => {
    const s = await sandboxWith()
    const { outcome, records } = await runSync(connector, sandboxConfig(s.endpoint, `arn:aws:iam::${ACCOUNT}:role/platform/Wide`, EXTERNAL_ID))
    expect(outcome.complete).toBe(true)
    expect(records('users')).toHaveLength(2500)
    const session = [...s.state.sessions.values()][0]
    expect(session?.sessionPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'ConnectorsReadIamUsersAndGroups', Effect: 'Allow', Action: ['iam:ListUsers', 'iam:ListGroups', 'iam:GetGroup'], Resource: '*' }],
    })
    expect(session?.sessionName).toBe(`connectors-aws-iam-${ACCOUNT}`)
  })

  it('retries injected 500s, resets and malformed bodies to the same result', async () => {
    const s = await sandboxWith({ serviceFailureRate: 0.1, resetRate: 0.05, malformedRate: 0.05, shortPageSize: 300 })
    const { outcome, records } = await runSync(connector, sandboxConfig(s.endpoint, READ_ONLY, EXTERNAL_ID))
    expect(outcome.errors.map(errorMessage)).toEqual([])
    expect(records('users')).toHaveLength(2500)
    expect(records('memberships')).toHaveLength(1203)
    expect(Object.values(s.stats().faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
  })
})

describe('aws-iam opt-in features: the email tag and the credential report', () => {
  const WIDE = roleArn('platform/Wide')
  const optIn = (s: Sandbox, role = WIDE) => sandboxConfig(s.endpoint, role, EXTERNAL_ID, { email: { tag: 'EMAIL', template: '{username}@acme.example' }, credentialReport: true })

  it("takes a user's email from its tag before the template, and its access and last use from the credential report", async () => {
    const s = await sandboxWith({ reportGenerationMs: 300 })
    const { outcome, records } = await runSync(connector, optIn(s))
    expect(outcome.errors.map(errorMessage)).toEqual([])
    const users = new Map((records('users') as User[]).map((u) => [u.username, u]))
    expect(users.get('user0000')?.email).toBe('user0000@example.com')
    expect(users.get('user0010')?.email).toBe('user0010@example.com')
    expect(users.get('user0003')?.email).toBe('user0003@acme.example')
    // An API-only user is not "never used": its key's last use is its last use.
    expect(users.get('user0001')).toMatchObject({ externalStatus: 'keys-only', lastUsedAt: '2024-05-06T07:08:09.000Z' })
    expect(users.get('user0002')?.externalStatus).toBe('console-only+mfa')
    // One ListUserTags a user no other rule placed; the report asked for until it was ready, then read once.
    const calls = (action: string) => s.stats().requests.filter((r) => r.action === action && r.outcome === 'ok').reduce((n, r) => n + r.count, 0)
    expect(calls('ListUserTags')).toBe(2500)
    expect(calls('GetCredentialReport')).toBe(1)
    expect(calls('GenerateCredentialReport')).toBeGreaterThanOrEqual(2)
  })

  it("asks for the features' permissions in the session policy and the check only when they are on", async () => {
    const s = await sandboxWith()
    const plain = await checkConnector(connector, sandboxConfig(s.endpoint, WIDE, EXTERNAL_ID), defaultRunContext())()
    expect(plain.steps.map((x) => x.step)).toEqual(['config', 'sts:AssumeRole', 'iam:ListUsers', 'iam:ListGroups', 'iam:GetGroup'])
    const enabled = await checkConnector(connector, optIn(s), defaultRunContext())()
    expect(enabled.steps.map((x) => `${x.step}:${x.status}`)).toEqual(['config:ok', 'sts:AssumeRole:ok', 'iam:ListUsers:ok', 'iam:ListGroups:ok', 'iam:GetGroup:ok', 'iam:ListUserTags:ok', 'iam:GenerateCredentialReport:ok', 'iam:GetCredentialReport:ok'])
    // A role without them: the check names the first missing one, and a sync still lists every user (partial).
    const denied = await checkConnector(connector, optIn(s, READ_ONLY), defaultRunContext())()
    expect(denied.steps.find((x) => x.status === 'failed')).toMatchObject({ step: 'iam:ListUserTags', error: { reason: 'AccessDenied', fix: expect.stringContaining('add iam:ListUserTags') } })
    const { outcome } = await runSync(connector, sandboxConfig(s.endpoint, READ_ONLY, EXTERNAL_ID, { credentialReport: true }))
    expect(outcome.complete).toBe(false)
    expect(outcome.completedEntities).toEqual(['groups', 'memberships'])
    expect(outcome.errors).toEqual([expect.objectContaining({ reason: 'AccessDenied', permission: 'iam:GenerateCredentialReport' })])
  })
})

describe('aws-iam against hostile upstream data', () => {
  const hostile = async (h: NonNullable<Faults['hostile']>) => {
    const s = await sandboxWith({ hostile: h })
    const started = Date.now()
    const { outcome } = await runSync(connector, sandboxConfig(s.endpoint, READ_ONLY, EXTERNAL_ID))
    return { outcome, ms: Date.now() - started }
  }

  it('refuses a 50 MB response without buffering it', async () => {
    const { outcome, ms } = await hostile('hugeResponse')
    expect(outcome.errors[0]).toMatchObject({ reason: 'Upstream', detail: expect.stringContaining('exceeds the 16777216-byte cap') })
    expect(ms).toBeLessThan(15_000)
  })

  it('does not expand XML entities, and refuses the nameless user they leave', async () => {
    const { outcome } = await hostile('entityBomb')
    expect(outcome.errors.map((e) => e.reason)).toContain('Upstream')
    expect(outcome.errors.find((e) => e.operation === 'iam:ListUsers')?.detail).toMatch(/ListUsers returned a user IAM could not have/)
  })

  it('stops a marker that repeats, and an endless pagination, with a clear Upstream error', async () => {
    const repeat = await hostile('repeatMarker')
    // A repeated marker serves the same page again: the listing stops there, at the marker or at the entities it
    // repeats, whichever is noticed first.
    expect(repeat.outcome.errors).toEqual([
      expect.objectContaining({ reason: 'Upstream', operation: 'iam:ListGroups', detail: expect.stringMatching(/a second time|listed group .* twice/) }),
      expect.objectContaining({ reason: 'Upstream', operation: 'iam:ListUsers', detail: expect.stringMatching(/a second time|listed user .* twice/) }),
    ])
    const endless = await hostile('endlessMarker')
    // Both listings repeat their entities under new markers: each stops at the first one listed again, long before
    // the page cap.
    expect(endless.outcome.errors.map((e) => e.detail)).toEqual([expect.stringContaining('ListGroups listed group'), expect.stringContaining('ListUsers listed user user0001')])
    expect(endless.ms).toBeLessThan(20_000)
  }, 30_000)

  it('maps usernames at the 64-character limit with every allowed symbol, and XML specials in paths', async () => {
    const seed = fixtureSeed()
    const account = seed.accounts[0] as (typeof seed.accounts)[0]
    const names = ['a'.repeat(64), 'Zz09_+=,.@-', `${'+=,.@-_'.repeat(9)}x`]
    account.users = names.map((name, i) => ({ name, path: i === 1 ? '/a&b/<c>/"d"/' : '/', createDate: '2020-01-01T00:00:00Z' }))
    account.groups = [{ name: 'g_+=,.@-', path: '/x&y/<z>/', members: names }]
    const s = await startSandbox({ seed })
    sandboxes.push(s)
    const { outcome, records } = await runSync(connector, sandboxConfig(s.endpoint, READ_ONLY, EXTERNAL_ID))
    expect(outcome.errors).toEqual([])
    expect((records('users') as Array<User & { path: string }>).map((u) => [u.username, u.path, u.roles])).toEqual([
      [names[0], '/', ['g_+=,.@-']],
      [names[1], '/a&b/<c>/"d"/', ['g_+=,.@-']],
      [names[2], '/', ['g_+=,.@-']],
    ])
    expect((records('groups') as Array<{ name: string; path: string }>).map((g) => [g.name, g.path])).toEqual([['g_+=,.@-', '/x&y/<z>/']])
  })

  it('cannot call anything beyond its manifest, even when the role allows iam:*', async () => {
    const s = await sandboxWith()
    const wide = sandboxConfig(s.endpoint, `arn:aws:iam::${ACCOUNT}:role/platform/Wide`, EXTERNAL_ID)
    const decoded = connector.config.decode(wide)
    if (decoded._tag === 'Left') throw new Error('bad config')
    const session = await connector.auth(decoded.right, defaultRunContext())()
    if (session._tag === 'Left') throw new Error(errorMessage(session.left))
    const { ListRolesCommand } = await import('@aws-sdk/client-iam')
    const denied = await session.right
      .iam()
      .send(new ListRolesCommand({}))
      .then(
        () => undefined,
        (e: Error) => e,
      )
    expect(denied?.message).toMatch(/not authorized to perform: iam:ListRoles .* because no session policy allows the iam:ListRoles action$/)
    expect(s.stats().notes).toEqual({ assumeRoleWithExternalId: 1 })
  })
})
