/**
 * Test helpers: an in-process fake of IAM Identity Center — aws-sdk-client-mock over the SDK clients: STS's
 * AssumeRole refuses any ExternalId but the trust policy's; the Identity Store listings serve fixture data with the
 * role's permissions, in short pages (fewer items than asked while more remain) and count the pages served; SSO
 * Admin lists the instance — and the connector wired for tests, against the fake or a running sandbox. The mocks
 * replace `send` of every client of a class: one fake at a time per file.
 */
import {
  IdentitystoreClient,
  ListGroupMembershipsCommand,
  ListGroupsCommand,
  ListUsersCommand,
  type ListGroupMembershipsCommandInput,
  type ListGroupsCommandInput,
  type ListUsersCommandInput,
} from '@aws-sdk/client-identitystore'
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin'
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput } from '@aws-sdk/client-sts'
import { sdkError } from '@connectors/aws/testing'
import type { HarnessUpstream } from '@connectors/testkit'
import { mockClient } from 'aws-sdk-client-mock'
import type { AwsIdentityCenterDeps } from './auth.js'
import { createAwsIdentityCenterConnector } from './index.js'
import { POLICY } from './manifest.js'

/** The customer account of the fixture (the one holding the Identity Center instance). */
export const ACCOUNT = '123456789012'
/** The role the fixture's trust policy guards. */
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ConnectorsIdentityCenterReadOnly`
/** The ExternalId the role's trust policy requires. */
export const EXTERNAL_ID = 'org-42'
/** The fixture's Identity Store and its region. */
export const STORE_ID = 'd-9067000001'
export const REGION = 'eu-west-1'

/** What the fake serves. */
export interface FakeData {
  readonly users: ReadonlyArray<{ readonly id: string; readonly name: string; readonly email?: string; readonly given?: string; readonly family?: string; readonly disabled?: boolean }>
  readonly groups: ReadonlyArray<{ readonly id: string; readonly name: string; readonly members: ReadonlyArray<string> }>
}

const uuid = (kind: number, i: number) => `${String(kind).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`

/** The fixture: 11 people (one without an email, one disabled), 4 groups (one empty); at 3 items a page most listings span pages. */
export const fixture: FakeData = {
  users: Array.from({ length: 11 }, (_, i) => ({
    id: uuid(1, i),
    name: `person${i}`,
    ...(i === 7 ? {} : { email: `person${i}@acme.example` }),
    given: `Given${i}`,
    family: `Family${i}`,
    ...(i === 4 ? { disabled: true } : {}),
  })),
  groups: [
    { id: uuid(2, 1), name: 'Admins', members: ['person0', 'person1'] },
    { id: uuid(2, 2), name: 'Engineering', members: ['person1', 'person2', 'person3', 'person4', 'person5', 'person6', 'person7', 'person8'] },
    { id: uuid(2, 3), name: 'Finance', members: ['person9', 'person10', 'person0', 'person2'] },
    { id: uuid(2, 4), name: 'Empty', members: [] },
  ],
}

/** How a fake behaves. */
export interface FakeOptions {
  readonly data?: FakeData
  /** The actions the customer's role allows (default: the manifest's required ones and sso:ListInstances). */
  readonly actions?: ReadonlyArray<string>
  /** The ExternalId the role's trust policy requires (default {@link EXTERNAL_ID}). */
  readonly externalId?: string
  /** The most items a page holds, whatever was asked (default 3): short pages. */
  readonly pageSize?: number
}

/** A running fake. */
export interface FakeUpstream {
  /** Listing pages served so far (ListUsers, ListGroups and ListGroupMemberships pages). */
  readonly pagesServed: () => number
  readonly stop: () => Promise<void>
}

/** The fewest list pages a complete sync of `data` takes at `pageSize` items a page; an empty listing is still one page. */
export function minimumPages(data: FakeData, pageSize: number): number {
  const pagesFor = (items: number) => Math.max(1, Math.ceil(items / pageSize))
  return pagesFor(data.users.length) + pagesFor(data.groups.length) + data.groups.reduce((n, g) => n + pagesFor(g.members.length), 0)
}

/** Mocks STS, Identity Store and SSO Admin for the fixture; `stop` restores the real clients. */
export function startFakeUpstream(options: FakeOptions = {}): FakeUpstream {
  const data = options.data ?? fixture
  const actions = options.actions ?? [...POLICY.permissions, 'sso:ListInstances']
  const pageSize = options.pageSize ?? 3
  let pagesServed = 0
  const sts = mockClient(STSClient)
  const store = mockClient(IdentitystoreClient)
  const sso = mockClient(SSOAdminClient)
  sts.on(AssumeRoleCommand).callsFake(async (input: AssumeRoleCommandInput) => {
    if (input.ExternalId !== (options.externalId ?? EXTERNAL_ID) || input.RoleArn !== ROLE_ARN) {
      throw sdkError('AccessDenied', `User: arn:aws:sts::111122223333:assumed-role/connectors-delegator/platform is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`, 403)
    }
    return { Credentials: { AccessKeyId: 'ASIAFAKE', SecretAccessKey: 'fake-secret', SessionToken: 'fake-session-token', Expiration: new Date(Date.now() + 3_600_000) } }
  })
  const authorize = (action: string, storeId: string | undefined) => {
    const resource = `arn:aws:identitystore::${ACCOUNT}:identitystore/${storeId ?? ''}`
    if (!actions.includes(action)) {
      throw sdkError('AccessDeniedException', `User: arn:aws:sts::${ACCOUNT}:assumed-role/ConnectorsIdentityCenterReadOnly/connectors is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`, 400)
    }
    if (storeId !== undefined && storeId !== STORE_ID) throw sdkError('ResourceNotFoundException', `IdentityStore not present for IdentityStoreId: ${storeId}`, 400)
  }
  const page = <A>(items: ReadonlyArray<A>, input: { readonly NextToken?: string | undefined; readonly MaxResults?: number | undefined }) => {
    pagesServed++
    const start = Number(input.NextToken ?? '0')
    const end = Math.min(items.length, start + Math.min(pageSize, input.MaxResults ?? 100))
    return { items: items.slice(start, end), ...(end < items.length ? { NextToken: String(end) } : {}) }
  }
  const userOf = (u: FakeData['users'][number]) => ({
    IdentityStoreId: STORE_ID,
    UserId: u.id,
    UserName: u.name,
    DisplayName: `${u.given ?? ''} ${u.family ?? ''}`.trim(),
    Name: { GivenName: u.given, FamilyName: u.family },
    ...(u.email !== undefined ? { Emails: [{ Value: `old-${u.email}`, Type: 'home' }, { Value: u.email, Type: 'work', Primary: true }] } : {}),
    UserStatus: u.disabled === true ? 'DISABLED' : 'ENABLED',
    CreatedAt: new Date('2024-03-01T00:00:00Z'),
  })
  store.on(ListUsersCommand).callsFake(async (input: ListUsersCommandInput) => {
    authorize('identitystore:ListUsers', input.IdentityStoreId)
    const { items, ...more } = page(data.users, input)
    return { Users: items.map(userOf), ...more }
  })
  store.on(ListGroupsCommand).callsFake(async (input: ListGroupsCommandInput) => {
    authorize('identitystore:ListGroups', input.IdentityStoreId)
    const { items, ...more } = page(data.groups, input)
    return { Groups: items.map((g) => ({ IdentityStoreId: STORE_ID, GroupId: g.id, DisplayName: g.name })), ...more }
  })
  store.on(ListGroupMembershipsCommand).callsFake(async (input: ListGroupMembershipsCommandInput) => {
    authorize('identitystore:ListGroupMemberships', input.IdentityStoreId)
    const group = data.groups.find((g) => g.id === input.GroupId)
    if (group === undefined) throw sdkError('ResourceNotFoundException', `GROUP not found: ${input.GroupId}`, 400)
    const members = group.members.map((name) => data.users.find((u) => u.name === name)).filter((u) => u !== undefined)
    const { items, ...more } = page(members, input)
    return { GroupMemberships: items.map((u) => ({ IdentityStoreId: STORE_ID, MembershipId: uuid(3, 0), GroupId: group.id, MemberId: { UserId: u.id } })), ...more }
  })
  sso.on(ListInstancesCommand).callsFake(async () => {
    authorize('sso:ListInstances', undefined)
    return { Instances: [{ InstanceArn: 'arn:aws:sso:::instance/ssoins-0000000000000001', IdentityStoreId: STORE_ID, OwnerAccountId: ACCOUNT, Status: 'ACTIVE' }] }
  })
  return {
    pagesServed: () => pagesServed,
    stop: async () => {
      sts.restore()
      store.restore()
      sso.restore()
    },
  }
}

/** A config for the fixture's role; without `identityStoreId` the connector discovers the store. */
export function fakeConfig(externalId: string = EXTERNAL_ID, extra: Record<string, unknown> = { identityStoreId: STORE_ID }) {
  return { roleArn: ROLE_ARN, region: REGION, externalId, ...extra }
}

/** A fake, as the conformance suite's harness takes it: a config for it and the counts a sync must reproduce. */
export async function harnessUpstream(options: FakeOptions & { readonly configExternalId?: string } = {}): Promise<HarnessUpstream> {
  const fake = startFakeUpstream(options)
  const data = options.data ?? fixture
  return {
    config: fakeConfig(options.configExternalId),
    expected: { users: data.users.length, groups: data.groups.length, memberships: data.groups.reduce((n, g) => n + g.members.length, 0) },
    pagesServed: fake.pagesServed,
    minimumPages: minimumPages(data, options.pageSize ?? 3),
    // No endpoint overrides from the environment: the mocks answer every call.
    context: { env: {} },
    stop: fake.stop,
  }
}

/** The connector with fake base credentials and fast retries, for the fake. */
export function testConnector(deps: AwsIdentityCenterDeps = {}) {
  return createAwsIdentityCenterConnector({
    baseCredentials: async () => ({ accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' }),
    retryPolicy: { maxAttempts: 3, maxThrottledAttempts: 5, baseDelayMs: 1, maxDelayMs: 5 },
    ...deps,
  })
}

/** A config for `roleArn` in a sandbox at `endpoint`. */
export function sandboxConfig(endpoint: string, roleArn: string, externalId: string, extra: Record<string, unknown> = {}) {
  return { roleArn, region: REGION, externalId, endpoints: { sts: endpoint, identitystore: endpoint, sso: endpoint }, ...extra }
}

/** The connector with the sandbox's delegator keys as base credentials; fast retries for tests. */
export function sandboxConnector(keys: { readonly accessKeyId: string; readonly secretAccessKey: string }, deps: AwsIdentityCenterDeps = {}) {
  return createAwsIdentityCenterConnector({
    baseCredentials: async () => keys,
    retryPolicy: { maxAttempts: 10, maxThrottledAttempts: 30, baseDelayMs: 5, maxDelayMs: 100 },
    requestTimeoutMs: 2_000,
    ...deps,
  })
}
