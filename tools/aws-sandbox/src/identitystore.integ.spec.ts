import {
  IdentitystoreClient,
  ListGroupMembershipsCommand,
  ListGroupsCommand,
  ListUsersCommand,
  paginateListGroupMemberships,
  paginateListGroups,
  paginateListUsers,
  type Group,
  type GroupMembership,
  type User,
} from '@aws-sdk/client-identitystore'
import { AssumeRoleCommand, STSClient, type Credentials } from '@aws-sdk/client-sts'
import { Hash } from '@smithy/hash-node'
import { SignatureV4 } from '@smithy/signature-v4'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandboxDelegator } from './generate.js'
import { identityStoreIds } from './identity-store.js'
import { startSandbox, type Sandbox } from './server.js'
import { ACCOUNT, EXTERNAL_ID, fixtureIdentityStore, IDENTITY_STORE_ID, identityStoreFixtureSeed, roleArn } from './testing/fixture.js'

const SHORT_PAGE = 70
let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ seed: identityStoreFixtureSeed(), faults: { shortPageSize: SHORT_PAGE } })
})
afterAll(() => sandbox.stop())

const WIDE = `arn:aws:iam::${ACCOUNT}:role/platform/Wide`
const store = fixtureIdentityStore()
const userId = (name: string) => identityStoreIds.user(IDENTITY_STORE_ID, name)
const groupId = (name: string) => identityStoreIds.group(IDENTITY_STORE_ID, name)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

async function assume(local: Sandbox, role: string, extra: { Policy?: string } = {}): Promise<Credentials> {
  const sts = new STSClient({ endpoint: local.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: sandboxDelegator })
  const arn = role === 'Wide' ? WIDE : roleArn(role)
  return (await sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'connectors-test', ExternalId: EXTERNAL_ID, ...extra }))).Credentials as Credentials
}

/** An Identity Store client with session credentials for `role` (the default SDK retries unless `maxAttempts`). */
async function identityStore(role = 'IdentityReader', options: { local?: Sandbox; maxAttempts?: number; Policy?: string } = {}): Promise<IdentitystoreClient> {
  const local = options.local ?? sandbox
  const c = await assume(local, role, options.Policy !== undefined ? { Policy: options.Policy } : {})
  return new IdentitystoreClient({
    endpoint: local.endpoint,
    region: 'eu-west-1',
    maxAttempts: options.maxAttempts ?? 1,
    credentials: { accessKeyId: c.AccessKeyId as string, secretAccessKey: c.SecretAccessKey as string, sessionToken: c.SessionToken as string },
  })
}

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined; fields: Record<string, unknown> }> {
  try {
    await p
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } } & Record<string, unknown>
    // The SDK moves the body's Message into `message`; further members of the error shape stay.
    const fields = Object.fromEntries(['ResourceType', 'ResourceId'].flatMap((k) => (err[k] !== undefined ? [[k, err[k]]] : [])))
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode, fields }
  }
  throw new Error('expected the call to fail')
}

/** Every page of a paginator, and the items of each. */
async function pagesOf<P, A>(pages: AsyncIterable<P>, items: (page: P) => ReadonlyArray<A> | undefined): Promise<{ sizes: number[]; items: A[]; tokens: Array<string | undefined> }> {
  const out = { sizes: [] as number[], items: [] as A[], tokens: [] as Array<string | undefined> }
  for await (const page of pages) {
    const got = items(page) ?? []
    out.sizes.push(got.length)
    out.items.push(...got)
    out.tokens.push((page as { NextToken?: string }).NextToken)
  }
  return out
}

/** The users the fixture seeds, as ListUsers must answer them. */
const expectedUsers: User[] = store.users.map((u) => {
  const parts = [u.givenName, u.familyName].filter((p) => p !== undefined)
  return {
    UserId: userId(u.name),
    IdentityStoreId: IDENTITY_STORE_ID,
    UserName: u.name,
    ...(u.displayName !== undefined ? { DisplayName: u.displayName } : {}),
    Name: { GivenName: u.givenName, ...(u.familyName !== undefined ? { FamilyName: u.familyName } : {}), Formatted: parts.join(' ') },
    ...(u.email !== undefined ? { Emails: [{ Value: u.email, Type: 'work', Primary: true }] } : {}),
    UserStatus: u.disabled === true ? 'DISABLED' : 'ENABLED',
    // The SDK reads JSON 1.1's epoch seconds into a Date.
    ...(u.createdAt !== undefined ? { CreatedAt: new Date(u.createdAt) } : {}),
  }
})

describe('Identity Store with the real AWS SDK v3 (IdentitystoreClient, JSON 1.1)', () => {
  it('lists every user over short pages with paginateListUsers, each equal to the seed', async () => {
    const client = await identityStore()
    const got = await pagesOf(paginateListUsers({ client, pageSize: 100 }, { IdentityStoreId: IDENTITY_STORE_ID }), (p) => p.Users)
    expect(got.sizes).toEqual([SHORT_PAGE, SHORT_PAGE, SHORT_PAGE, 250 - 3 * SHORT_PAGE])
    expect(got.tokens.map((t) => t !== undefined)).toEqual([true, true, true, false])
    expect(got.items).toEqual(expectedUsers)
    expect(got.items[3]).toMatchObject({ DisplayName: `Zoë "Z" O'Brien <ops>`, Name: { FamilyName: `O'Brien` } })
    expect(new Set(got.items.map((u) => u.UserId)).size).toBe(250)
    expect(got.items.every((u) => UUID.test(u.UserId ?? ''))).toBe(true)
    const first = await client.send(new ListUsersCommand({ IdentityStoreId: IDENTITY_STORE_ID, MaxResults: 5 }))
    expect(first.Users?.map((u) => u.UserName)).toEqual(store.users.slice(0, 5).map((u) => u.name))
  })

  it('lists every group with paginateListGroups, and every membership of each with paginateListGroupMemberships', async () => {
    const client = await identityStore()
    const groups = await pagesOf(paginateListGroups({ client, pageSize: 2 }, { IdentityStoreId: IDENTITY_STORE_ID }), (p) => p.Groups)
    expect(groups.sizes).toEqual([2, 2])
    expect(groups.items).toEqual(
      store.groups.map((g): Group => ({ GroupId: groupId(g.name), IdentityStoreId: IDENTITY_STORE_ID, DisplayName: g.name, ...(g.description !== undefined ? { Description: g.description } : {}) })),
    )
    const byUserId = new Map(store.users.map((u) => [userId(u.name), u.name]))
    for (const group of store.groups) {
      const got = await pagesOf(paginateListGroupMemberships({ client, pageSize: 100 }, { IdentityStoreId: IDENTITY_STORE_ID, GroupId: groupId(group.name) }), (p) => p.GroupMemberships)
      expect(got.sizes.slice(0, -1).every((n) => n === SHORT_PAGE)).toBe(true)
      expect(got.items.map((m) => byUserId.get(m.MemberId?.UserId ?? ''))).toEqual(group.members)
      expect(got.items).toEqual(
        group.members.map(
          (name): GroupMembership => ({
            IdentityStoreId: IDENTITY_STORE_ID,
            MembershipId: identityStoreIds.membership(groupId(group.name), userId(name)),
            GroupId: groupId(group.name),
            MemberId: { UserId: userId(name) },
          }),
        ),
      )
    }
    const empty = await client.send(new ListGroupMembershipsCommand({ IdentityStoreId: IDENTITY_STORE_ID, GroupId: groupId('empty') }))
    expect(empty.GroupMemberships).toEqual([])
    expect(empty.NextToken).toBeUndefined()
  })

  it('denies a role without the action: AccessDeniedException with AWS’s wording, HTTP 400', async () => {
    const resource = `arn:aws:identitystore::${ACCOUNT}:identitystore/${IDENTITY_STORE_ID}`
    const who = (role: string) => `User: arn:aws:sts::${ACCOUNT}:assumed-role/${role}/connectors-test is not authorized to perform:`
    const denied = await failure((await identityStore('Wide')).send(new ListUsersCommand({ IdentityStoreId: IDENTITY_STORE_ID })))
    const message = `${who('Wide')} identitystore:ListUsers on resource: ${resource} because no identity-based policy allows the identitystore:ListUsers action`
    expect(denied).toEqual({ name: 'AccessDeniedException', status: 400, message, fields: {} })
    const client = await identityStore('NoListGroups')
    expect((await failure(client.send(new ListGroupsCommand({ IdentityStoreId: IDENTITY_STORE_ID })))).message).toBe(
      `${who('NoListGroups')} identitystore:ListGroups on resource: ${resource} because no identity-based policy allows the identitystore:ListGroups action`,
    )
    expect((await client.send(new ListUsersCommand({ IdentityStoreId: IDENTITY_STORE_ID, MaxResults: 1 }))).Users).toHaveLength(1)
  })

  it('denies what the session policy does not allow, though the role does', async () => {
    const Policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['identitystore:ListUsers'], Resource: '*' }] })
    const client = await identityStore('IdentityReader', { Policy })
    expect((await client.send(new ListUsersCommand({ IdentityStoreId: IDENTITY_STORE_ID, MaxResults: 1 }))).Users).toHaveLength(1)
    for (const call of [client.send(new ListGroupsCommand({ IdentityStoreId: IDENTITY_STORE_ID })), client.send(new ListGroupMembershipsCommand({ IdentityStoreId: IDENTITY_STORE_ID, GroupId: groupId('all') }))]) {
      const result = await failure(call)
      expect(result).toMatchObject({ name: 'AccessDeniedException', status: 400 })
      expect(result.message).toMatch(/^User: .* is not authorized to perform: identitystore:(ListGroups|ListGroupMemberships) on resource: .* because no session policy allows the identitystore:\1 action$/)
    }
  })

  it('validates IdentityStoreId, GroupId, MaxResults and NextToken: ValidationException', async () => {
    const client = await identityStore()
    const invalid = (message: string | RegExp) => ({ name: 'ValidationException', status: 400, message: typeof message === 'string' ? message : expect.stringMatching(message) })
    expect(await failure(client.send(new ListUsersCommand({ IdentityStoreId: 'store-1' })))).toMatchObject(
      invalid(
        "1 validation error detected: Value 'store-1' at 'identityStoreId' failed to satisfy constraint: Member must satisfy regular expression pattern: d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
      ),
    )
    expect(await failure(client.send(new ListUsersCommand({ IdentityStoreId: undefined as unknown as string })))).toMatchObject(invalid(/Value null at 'identityStoreId' .*Member must not be null$/))
    expect(await failure(client.send(new ListGroupsCommand({ IdentityStoreId: IDENTITY_STORE_ID, MaxResults: 101 })))).toMatchObject(invalid(/Value '101' at 'maxResults' .*less than or equal to 100$/))
    expect(await failure(client.send(new ListGroupsCommand({ IdentityStoreId: IDENTITY_STORE_ID, MaxResults: 0 })))).toMatchObject(invalid(/Value '0' at 'maxResults' .*greater than or equal to 1$/))
    expect(await failure(client.send(new ListUsersCommand({ IdentityStoreId: IDENTITY_STORE_ID, NextToken: 'garbage' })))).toMatchObject(invalid('Invalid NextToken.'))
    // A token of another listing is as unknown.
    const token = (await client.send(new ListGroupsCommand({ IdentityStoreId: IDENTITY_STORE_ID, MaxResults: 1 }))).NextToken
    expect(await failure(client.send(new ListUsersCommand({ IdentityStoreId: IDENTITY_STORE_ID, NextToken: token })))).toMatchObject(invalid('Invalid NextToken.'))
    expect(await failure(client.send(new ListGroupMembershipsCommand({ IdentityStoreId: IDENTITY_STORE_ID, GroupId: 'engineering' })))).toMatchObject(invalid(/at 'groupId' .*regular expression pattern/))
  })

  it('answers an unknown identity store or group ResourceNotFoundException, naming the resource', async () => {
    const client = await identityStore()
    expect(await failure(client.send(new ListUsersCommand({ IdentityStoreId: 'd-0000000000' })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'IdentityStore not present for IdentityStoreId: d-0000000000',
      fields: { ResourceType: 'IDENTITY_STORE', ResourceId: 'd-0000000000' },
    })
    const nobody = '00000000-0000-0000-0000-000000000000'
    expect(await failure(client.send(new ListGroupMembershipsCommand({ IdentityStoreId: IDENTITY_STORE_ID, GroupId: nobody })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'GROUP not found.',
      fields: { ResourceType: 'GROUP', ResourceId: nobody },
    })
  })
})

describe('Identity Store faults', () => {
  it('throttles with ThrottlingException, which the SDK retries to the same result; stats count it per action', async () => {
    const local = await startSandbox({ seed: identityStoreFixtureSeed(), faults: { shortPageSize: SHORT_PAGE }, randomSeed: 7 })
    try {
      // Clients first: the account's faults apply to its AssumeRole calls too.
      const client = await identityStore('IdentityReader', { local, maxAttempts: 10 })
      const once = await identityStore('IdentityReader', { local })
      local.setFaults(ACCOUNT, { shortPageSize: SHORT_PAGE, throttleRate: 1 })
      expect(await failure(once.send(new ListUsersCommand({ IdentityStoreId: IDENTITY_STORE_ID })))).toMatchObject({
        name: 'ThrottlingException',
        status: 400,
        message: 'Rate exceeded',
      })
      local.setFaults(ACCOUNT, { shortPageSize: SHORT_PAGE, throttleRate: 0.4 })
      const got = await pagesOf(paginateListUsers({ client, pageSize: 100 }, { IdentityStoreId: IDENTITY_STORE_ID }), (p) => p.Users)
      expect(got.items).toEqual(expectedUsers)
      const stats = local.stats()
      const count = (outcome: string) => stats.requests.find((r) => r.account === ACCOUNT && r.action === 'identitystore:ListUsers' && r.outcome === outcome)?.count ?? 0
      expect(count('ok')).toBe(4)
      expect(count('ThrottlingException')).toBeGreaterThan(1)
      expect(stats.throttled).toBe(count('ThrottlingException'))
    } finally {
      await local.stop()
    }
  })

  it('injects InternalServerException (500), malformed bodies and resets', async () => {
    const local = await startSandbox({ seed: identityStoreFixtureSeed() })
    try {
      const client = await identityStore('IdentityReader', { local })
      const list = () => client.send(new ListGroupsCommand({ IdentityStoreId: IDENTITY_STORE_ID }))
      local.setFaults(ACCOUNT, { serviceFailureRate: 1 })
      expect(await failure(list())).toMatchObject({ name: 'InternalServerException', status: 500, message: expect.stringContaining('unknown error') })
      local.setFaults(ACCOUNT, { malformedRate: 1 })
      expect((await failure(list())).status).toBe(200)
      local.setFaults(ACCOUNT, { resetRate: 1 })
      expect((await failure(list())).message).toMatch(/socket hang up|ECONNRESET/)
      expect(local.stats().faults).toEqual({ serviceFailure: 1, malformed: 1, reset: 1 })
    } finally {
      await local.stop()
    }
  })
})

describe('the JSON 1.1 wire', () => {
  /** A raw SigV4-signed JSON 1.1 request, to see exactly what goes over the wire. */
  async function raw(target: string, body: string, credentials = sandboxDelegator as { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, service = 'identitystore') {
    const url = new URL(sandbox.endpoint)
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service, sha256: Hash.bind(null, 'sha256') })
    const request = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
      body,
    })
    const res = await fetch(sandbox.endpoint, { method: 'POST', headers: request.headers, body })
    return { status: res.status, type: res.headers.get('content-type'), errorType: res.headers.get('x-amzn-errortype'), body: JSON.parse(await res.text()) as unknown }
  }

  it('sends errors as AWS does: __type with the namespace, Message, x-amzn-ErrorType; the framework’s with message', async () => {
    const c = await assume(sandbox, 'IdentityReader')
    const session = { accessKeyId: c.AccessKeyId as string, secretAccessKey: c.SecretAccessKey as string, sessionToken: c.SessionToken as string }
    expect(await raw('AWSIdentityStore.ListUsers', JSON.stringify({ IdentityStoreId: 'd-0000000000' }), session)).toEqual({
      status: 400,
      type: 'application/x-amz-json-1.1',
      errorType: 'ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.identitystore/',
      body: {
        __type: 'com.amazonaws.identitystore#ResourceNotFoundException',
        Message: 'IdentityStore not present for IdentityStoreId: d-0000000000',
        ResourceType: 'IDENTITY_STORE',
        ResourceId: 'd-0000000000',
      },
    })
    expect((await raw('AWSIdentityStore.ListUsers', JSON.stringify({ IdentityStoreId: IDENTITY_STORE_ID }))).body).toEqual({
      __type: 'com.amazonaws.identitystore#AccessDeniedException',
      Message: `User: ${sandboxDelegator.arn} is not authorized to perform: identitystore:ListUsers on resource: arn:aws:identitystore::999999999999:identitystore/${IDENTITY_STORE_ID} because no identity-based policy allows the identitystore:ListUsers action`,
    })
    expect(await raw('AWSIdentityStore.DescribeEverything', '{}', session)).toMatchObject({ status: 400, body: { __type: 'com.amazon.coral.service#UnknownOperationException' } })
    expect((await raw('AWSIdentityStore.ListUsers', '{"MaxResults":"10"}', session)).body).toEqual({
      __type: 'com.amazon.coral.service#SerializationException',
      message: 'STRING_VALUE can not be converted to an Integer',
    })
    expect((await raw('AWSIdentityStore.ListUsers', '{}', { ...session, secretAccessKey: 'wrong' })).body).toMatchObject({ __type: 'com.amazon.coral.service#InvalidSignatureException' })
    expect(await raw('AWSIdentityStore.ListUsers', '{}', { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' })).toMatchObject({
      status: 400,
      body: { __type: 'com.amazon.coral.service#UnrecognizedClientException', message: 'The security token included in the request is invalid.' },
    })
    expect((await raw('AWSIdentityStore.ListUsers', '{}', session, 'iam')).body).toEqual({
      __type: 'com.amazon.coral.service#InvalidSignatureException',
      message: "Credential should be scoped to correct service: 'identitystore'. ",
    })
  })

  it('answers SSO Admin’s ListInstances with the account’s instance and identity store', async () => {
    const c = await assume(sandbox, 'IdentityReader')
    const session = { accessKeyId: c.AccessKeyId as string, secretAccessKey: c.SecretAccessKey as string, sessionToken: c.SessionToken as string }
    const out = await raw('SWBExternalService.ListInstances', '{}', session, 'sso')
    expect(out).toMatchObject({ status: 200, body: { Instances: [{ IdentityStoreId: IDENTITY_STORE_ID, OwnerAccountId: ACCOUNT, Status: 'ACTIVE' }] } })
    expect((out.body as { Instances: Array<{ InstanceArn: string }> }).Instances[0]?.InstanceArn).toMatch(/^arn:aws:sso:::instance\/ssoins-[0-9a-f]{16}$/)
    const denied = await raw('SWBExternalService.ListInstances', '{}', sandboxDelegator, 'sso')
    expect(denied.body).toEqual({
      __type: 'com.amazonaws.ssoadmin#AccessDeniedException',
      Message: `User: ${sandboxDelegator.arn} is not authorized to perform: sso:ListInstances because no identity-based policy allows the sso:ListInstances action`,
    })
  })
})
