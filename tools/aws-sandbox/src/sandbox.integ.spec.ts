import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  GetGroupCommand,
  IAMClient,
  ListGroupsCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  paginateGetGroup,
  paginateListUsers,
  paginateListUserTags,
  type Tag,
  type User,
} from '@aws-sdk/client-iam'
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, type Credentials } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandboxDelegator } from './generate.js'
import { CREDENTIAL_REPORT_HEADER } from './operations/credential-report.js'
import { startSandbox, type Sandbox } from './server.js'
import { ACCOUNT, EXTERNAL_ID, fixtureSeed, roleArn, stranger } from './testing/fixture.js'

let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await startSandbox({ seed: fixtureSeed(), faults: { shortPageSize: 700 } })
})
afterAll(() => sandbox.stop())

const WIDE = `arn:aws:iam::${ACCOUNT}:role/platform/Wide`

const sts = (creds = sandboxDelegator) =>
  new STSClient({ endpoint: sandbox.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey } })

async function assume(role = 'ConnectorsReadOnly', extra: { Policy?: string } = {}): Promise<Credentials> {
  const arn = role === 'Wide' ? WIDE : roleArn(role)
  const out = await sts().send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'connectors-test', ExternalId: EXTERNAL_ID, ...extra }))
  return out.Credentials as Credentials
}

const iam = (c: Credentials) =>
  new IAMClient({
    endpoint: sandbox.endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: c.AccessKeyId as string, secretAccessKey: c.SecretAccessKey as string, sessionToken: c.SessionToken as string },
  })

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await p
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } }
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode }
  }
  throw new Error('expected the call to fail')
}

describe('with the real AWS SDK v3', () => {
  it('lists 2,500 users over short pages, each exactly once, with IAM fields', async () => {
    const client = iam(await assume())
    const users: User[] = []
    let pages = 0
    for await (const page of paginateListUsers({ client, pageSize: 1000 }, {})) {
      pages++
      expect(page.IsTruncated).toBe(page.Marker !== undefined)
      users.push(...(page.Users ?? []))
    }
    expect(pages).toBe(4)
    expect(users).toHaveLength(2500)
    expect(new Set(users.map((u) => u.UserName)).size).toBe(2500)
    expect(users[1]).toMatchObject({ UserName: 'user0001', Path: '/eng/', Arn: `arn:aws:iam::${ACCOUNT}:user/eng/user0001` })
    expect(users[0]?.PasswordLastUsed).toEqual(new Date('2024-02-03T04:05:06Z'))
    expect(users[1]?.PasswordLastUsed).toBeUndefined()
    expect(users[0]?.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/)
  })

  it('pages a 1,200-member group and returns an empty one', async () => {
    const client = iam(await assume())
    const members: string[] = []
    for await (const page of paginateGetGroup({ client, pageSize: 1000 }, { GroupName: 'big' })) {
      expect(page.Group?.GroupName).toBe('big')
      members.push(...(page.Users ?? []).map((u) => u.UserName as string))
    }
    expect(members).toHaveLength(1200)
    const empty = await client.send(new GetGroupCommand({ GroupName: 'empty' }))
    expect(empty.Users).toEqual([])
    expect(empty.IsTruncated).toBe(false)
    const groups = await client.send(new ListGroupsCommand({}))
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['big', 'empty', 'admins'])
  })

  it('assumes a role with the right ExternalId and identifies the session', async () => {
    const creds = await assume()
    expect(creds.AccessKeyId).toMatch(/^ASIA/)
    expect(creds.Expiration?.getTime()).toBeGreaterThan(Date.now() + 3500_000)
    const who = await new STSClient({
      endpoint: sandbox.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: creds.AccessKeyId as string, secretAccessKey: creds.SecretAccessKey as string, sessionToken: creds.SessionToken as string },
    }).send(new GetCallerIdentityCommand({}))
    expect(who).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ConnectorsReadOnly/connectors-test` })
    const again = await assume()
    expect(again.AccessKeyId).not.toBe(creds.AccessKeyId)
  })

  it('refuses a wrong or missing ExternalId with AWS’s AccessDenied', async () => {
    const expected = {
      name: 'AccessDenied',
      status: 403,
      message: `User: ${sandboxDelegator.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn('ConnectorsReadOnly')}`,
    }
    expect(await failure(sts().send(new AssumeRoleCommand({ RoleArn: roleArn('ConnectorsReadOnly'), RoleSessionName: 'x1', ExternalId: 'org-43' })))).toEqual(expected)
    expect(await failure(sts().send(new AssumeRoleCommand({ RoleArn: roleArn('ConnectorsReadOnly'), RoleSessionName: 'x1' })))).toEqual(expected)
  })

  it('refuses an untrusted principal, and a role that does not exist, the same way', async () => {
    const untrusted = await failure(sts(stranger).send(new AssumeRoleCommand({ RoleArn: roleArn('ConnectorsReadOnly'), RoleSessionName: 'x1', ExternalId: EXTERNAL_ID })))
    expect(untrusted).toMatchObject({ name: 'AccessDenied', message: `User: ${stranger.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn('ConnectorsReadOnly')}` })
    const missing = await failure(sts().send(new AssumeRoleCommand({ RoleArn: roleArn('Nope'), RoleSessionName: 'x1', ExternalId: EXTERNAL_ID })))
    expect(missing.name).toBe('AccessDenied')
  })

  it('validates RoleSessionName, ExternalId and DurationSeconds as AWS does', async () => {
    const call = (input: Partial<{ RoleSessionName: string; ExternalId: string; DurationSeconds: number }>) =>
      failure(sts().send(new AssumeRoleCommand({ RoleArn: roleArn('ConnectorsReadOnly'), RoleSessionName: 'ok-name', ExternalId: EXTERNAL_ID, ...input })))
    expect(await call({ RoleSessionName: 'a' })).toMatchObject({ name: 'ValidationError', status: 400, message: expect.stringContaining("at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2") })
    expect(await call({ RoleSessionName: 'has space' })).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('regular expression pattern') })
    expect(await call({ ExternalId: 'x'.repeat(1225) })).toMatchObject({ name: 'ValidationError', message: expect.stringContaining("'externalId'") })
    expect(await call({ DurationSeconds: 899 })).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('greater than or equal to 900') })
    expect(await call({ DurationSeconds: 43201 })).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('less than or equal to 43200') })
  })

  it('denies a missing permission, naming the action, resource and why', async () => {
    const result = await failure(iam(await assume('NoGetGroup')).send(new GetGroupCommand({ GroupName: 'admins' })))
    expect(result).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/NoGetGroup/connectors-test is not authorized to perform: iam:GetGroup on resource: arn:aws:iam::${ACCOUNT}:group/admins because no identity-based policy allows the iam:GetGroup action`,
    })
    const denied = await failure(iam(await assume('DenyGetGroup')).send(new GetGroupCommand({ GroupName: 'admins' })))
    expect(denied.message).toMatch(/with an explicit deny in an identity-based policy$/)
  })

  it('intersects the role’s permissions with the session policy', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:ListUsers'], Resource: '*' }] })
    expect(await iam(await assume('Wide')).send(new ListGroupsCommand({}))).toMatchObject({ IsTruncated: false })
    const client = iam(await assume('Wide', { Policy: policy }))
    expect((await client.send(new ListUsersCommand({ MaxItems: 1 }))).Users).toHaveLength(1)
    const result = await failure(client.send(new ListGroupsCommand({})))
    expect(result.message).toMatch(/iam:ListGroups on resource: .* because no session policy allows the iam:ListGroups action$/)
  })

  it('rejects a bad signature and an unknown key', async () => {
    const wrongSecret = { ...sandboxDelegator, secretAccessKey: 'not/the/secret/000000000000000000000000' }
    expect(await failure(sts(wrongSecret).send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 })
    const unknown = { ...sandboxDelegator, accessKeyId: 'AKIAUNKNOWN000000000' }
    expect(await failure(sts(unknown).send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 })
  })

  it('expires sessions (ExpiredToken) when their lifetime ends', async () => {
    sandbox.setFaults(ACCOUNT, { shortPageSize: 700, sessionLifetimeSeconds: 1 })
    try {
      const client = iam(await assume())
      await client.send(new ListGroupsCommand({}))
      await new Promise((r) => setTimeout(r, 1100))
      expect(await failure(client.send(new ListGroupsCommand({})))).toMatchObject({ name: 'ExpiredToken', status: 400 })
    } finally {
      sandbox.setFaults(ACCOUNT, { shortPageSize: 700 })
    }
  })

  it('validates MaxItems and Marker', async () => {
    const client = iam(await assume())
    expect(await failure(client.send(new ListUsersCommand({ MaxItems: 1001 })))).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('less than or equal to 1000') })
    expect(await failure(client.send(new ListUsersCommand({ Marker: 'garbage' })))).toMatchObject({ name: 'ValidationError' })
  })

  it('escapes XML special characters in names and paths', async () => {
    const seed = fixtureSeed()
    const account = seed.accounts[0]!
    const weird = { name: 'a&b<c>"d\'+=,.@_-', path: '/x&y/<z>/', createDate: '2020-01-01T00:00:00Z' }
    const local = await startSandbox({ seed: { ...seed, accounts: [{ ...account, users: [weird], groups: [{ name: 'g&<>', members: [weird.name] }] }] } })
    try {
      const client = await readOnlyClient(local)
      const out = await client.send(new ListUsersCommand({}))
      expect(out.Users?.[0]).toMatchObject({ UserName: weird.name, Path: weird.path })
      expect((await client.send(new GetGroupCommand({ GroupName: 'g&<>' }))).Users?.[0]?.UserName).toBe(weird.name)
    } finally {
      await local.stop()
    }
  })
})

/** An IAM client with fresh session credentials for `role` from `local`, signing by a clock `offsetMs` ahead. */
async function readOnlyClient(local: Sandbox, role = roleArn('ConnectorsReadOnly'), offsetMs = 0): Promise<IAMClient> {
  const common = { endpoint: local.endpoint, region: 'us-east-1', maxAttempts: 1, systemClockOffset: offsetMs }
  const stsClient = new STSClient({ ...common, credentials: sandboxDelegator })
  const c = (await stsClient.send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: 's1', ExternalId: EXTERNAL_ID }))).Credentials as Credentials
  return new IAMClient({ ...common, credentials: { accessKeyId: c.AccessKeyId as string, secretAccessKey: c.SecretAccessKey as string, sessionToken: c.SessionToken as string } })
}

describe('faults', () => {
  const throttledSeed = () => {
    const seed = fixtureSeed()
    return { ...seed, accounts: seed.accounts.map((a) => ({ ...a, faults: { throttle: { rate: 1, burst: 2, per: 'action' as const } } })) }
  }

  it('throttles per (account, action) with a token bucket: 400 Throttling "Rate exceeded"', async () => {
    const local = await startSandbox({ seed: throttledSeed() })
    try {
      const client = await readOnlyClient(local)
      await client.send(new ListGroupsCommand({}))
      await client.send(new ListGroupsCommand({}))
      expect(await failure(client.send(new ListGroupsCommand({})))).toEqual({ name: 'Throttling', status: 400, message: 'Rate exceeded' })
      await client.send(new ListUsersCommand({ MaxItems: 1 }))
      expect(local.stats().throttled).toBe(1)
    } finally {
      await local.stop()
    }
  })

  it('injects ServiceFailure, malformed XML and resets, and counts them', async () => {
    const local = await startSandbox({ seed: fixtureSeed() })
    try {
      const client = await readOnlyClient(local)
      local.setFaults(ACCOUNT, { serviceFailureRate: 1 })
      expect(await failure(client.send(new ListGroupsCommand({})))).toMatchObject({ name: 'ServiceFailureException', status: 500, message: expect.stringContaining('Request processing has failed') })
      local.setFaults(ACCOUNT, { malformedRate: 1 })
      expect((await failure(client.send(new ListGroupsCommand({})))).status).toBe(200)
      local.setFaults(ACCOUNT, { resetRate: 1 })
      expect((await failure(client.send(new ListGroupsCommand({})))).message).toMatch(/socket hang up|ECONNRESET/)
      const stats = (await (await fetch(`${local.endpoint}/_sandbox/stats`)).json()) as { faults: Record<string, number>; requests: Array<{ action: string; outcome: string }> }
      expect(stats.faults).toEqual({ serviceFailure: 1, malformed: 1, reset: 1 })
      expect(stats.requests).toContainEqual(expect.objectContaining({ action: 'AssumeRole', outcome: 'ok' }))
    } finally {
      await local.stop()
    }
  })
})

describe('ListUserTags and the credential report, with the real AWS SDK v3', () => {
  const who = (role: string) => `User: arn:aws:sts::${ACCOUNT}:assumed-role/${role}/connectors-test is not authorized to perform:`

  it('pages a user’s tags, answers an untagged user with none and an unknown one NoSuchEntity', async () => {
    const client = iam(await assume('Wide'))
    const tags: Tag[] = []
    let pages = 0
    for await (const page of paginateListUserTags({ client, pageSize: 2 }, { UserName: 'user0000' })) {
      pages++
      expect(page.IsTruncated).toBe(page.Marker !== undefined)
      tags.push(...(page.Tags ?? []))
    }
    expect(pages).toBe(3)
    expect(tags).toEqual([
      { Key: 'email', Value: 'user0000@example.com' },
      { Key: 'team', Value: 'platform' },
      { Key: 'cost-center', Value: '4711' },
      { Key: 'owner', Value: '' },
      { Key: 'Name', Value: 'User Zero <0>' },
    ])
    expect(await client.send(new ListUserTagsCommand({ UserName: 'user0010' }))).toMatchObject({ Tags: [{ Key: 'email', Value: 'user0010@example.com' }], IsTruncated: false })
    expect(await client.send(new ListUserTagsCommand({ UserName: 'user0003' }))).toMatchObject({ Tags: [], IsTruncated: false })
    expect(await failure(client.send(new ListUserTagsCommand({ UserName: 'nobody' })))).toEqual({ name: 'NoSuchEntityException', status: 404, message: 'The user with name nobody cannot be found.' })
  })

  it('denies the three actions to a role whose policies lack them, on the user or on *', async () => {
    const client = iam(await assume())
    expect(await failure(client.send(new ListUserTagsCommand({ UserName: 'user0001' })))).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `${who('ConnectorsReadOnly')} iam:ListUserTags on resource: arn:aws:iam::${ACCOUNT}:user/eng/user0001 because no identity-based policy allows the iam:ListUserTags action`,
    })
    expect((await failure(client.send(new GenerateCredentialReportCommand({})))).message).toBe(
      `${who('ConnectorsReadOnly')} iam:GenerateCredentialReport on resource: * because no identity-based policy allows the iam:GenerateCredentialReport action`,
    )
    expect(await failure(client.send(new GetCredentialReportCommand({})))).toMatchObject({ name: 'AccessDenied', message: expect.stringContaining('iam:GetCredentialReport on resource: *') })
  })

  it('denies them when the session policy does not allow them, though the role does', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:ListUsers'], Resource: '*' }] })
    const client = iam(await assume('Wide', { Policy: policy }))
    for (const [action, call] of [
      ['iam:ListUserTags', client.send(new ListUserTagsCommand({ UserName: 'user0000' }))],
      ['iam:GenerateCredentialReport', client.send(new GenerateCredentialReportCommand({}))],
      ['iam:GetCredentialReport', client.send(new GetCredentialReportCommand({}))],
    ] as const) {
      expect(await failure(call)).toMatchObject({ name: 'AccessDenied', status: 403, message: expect.stringMatching(new RegExp(`^${who('Wide')} ${action} on resource: .* because no session policy allows the ${action} action$`)) })
    }
  })

  it('generates the report STARTED → INPROGRESS → COMPLETE, keeps it four hours, then expires it (by the sandbox’s clock)', async () => {
    let offset = 0
    const local = await startSandbox({ seed: fixtureSeed(), faults: { reportGenerationMs: 60_000 }, now: () => new Date(Date.now() + offset) })
    const later = async (ms: number) => {
      offset += ms
      return readOnlyClient(local, WIDE, offset)
    }
    try {
      let client = await later(0)
      const started = Date.now()
      expect(await failure(client.send(new GetCredentialReportCommand({})))).toEqual({
        name: 'CredentialReportNotPresentException',
        status: 410,
        message: 'The request was rejected because the credential report does not exist. To generate a credential report, use GenerateCredentialReport.',
      })
      expect(await client.send(new GenerateCredentialReportCommand({}))).toMatchObject({ State: 'STARTED', Description: 'No report exists. Starting a new report generation task' })
      expect((await client.send(new GenerateCredentialReportCommand({}))).State).toBe('INPROGRESS')
      expect(await failure(client.send(new GetCredentialReportCommand({})))).toEqual({ name: 'CredentialReportNotReadyException', status: 404, message: 'The request was rejected because the credential report is still being generated.' })

      client = await later(61_000)
      expect((await client.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE')
      const report = await client.send(new GetCredentialReportCommand({}))
      expect(report.ReportFormat).toBe('text/csv')
      const generated = report.GeneratedTime?.getTime() ?? 0
      expect(generated).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000 + 60_000)
      expect(generated).toBeLessThanOrEqual(Date.now() + 60_000)
      expect(Buffer.from(report.Content ?? new Uint8Array()).toString('utf8')).toMatch(/^user,arn,user_creation_time,/)

      client = await later(3 * 3600_000)
      expect((await client.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE')
      expect((await client.send(new GetCredentialReportCommand({}))).GeneratedTime?.getTime()).toBe(generated)

      client = await later(3600_000)
      expect(await failure(client.send(new GetCredentialReportCommand({})))).toEqual({
        name: 'CredentialReportExpiredException',
        status: 410,
        message: 'The request was rejected because the most recent credential report has expired. To generate a new credential report, use GenerateCredentialReport.',
      })
      expect((await client.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED')
      expect((await failure(client.send(new GetCredentialReportCommand({})))).name).toBe('CredentialReportNotReadyException')
      client = await later(61_000)
      expect((await client.send(new GetCredentialReportCommand({}))).GeneratedTime?.getTime()).toBeGreaterThan(generated + 4 * 3600_000)
    } finally {
      await local.stop()
    }
  })

  it('reports every seeded user in IAM’s CSV, root first, with N/A, no_information and not_supported', async () => {
    const client = iam(await assume('Wide'))
    let state: string | undefined
    for (let i = 0; i < 50 && state !== 'COMPLETE'; i++, await new Promise((r) => setTimeout(r, 20))) state = (await client.send(new GenerateCredentialReportCommand({}))).State
    expect(state).toBe('COMPLETE')
    const csv = Buffer.from((await client.send(new GetCredentialReportCommand({}))).Content ?? new Uint8Array()).toString('utf8')
    const [header, ...rows] = csv.split('\n')
    expect(header).toBe(CREDENTIAL_REPORT_HEADER)
    const seedUsers = fixtureSeed().accounts[0]?.users ?? []
    expect(rows).toHaveLength(seedUsers.length + 1)
    const cells = new Map(rows.map((row) => row.split(',')).map((c) => [c[0], c]))
    expect(rows[0]).toBe(
      `<root_account>,arn:aws:iam::${ACCOUNT}:root,2020-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    )
    expect(rows.slice(1).map((row) => row.split(',').slice(0, 3))).toEqual(
      seedUsers.map((u) => [u.name, `arn:aws:iam::${ACCOUNT}:user${u.path ?? '/'}${u.name}`, '2021-03-04T05:06:07+00:00']),
    )
    // user0000: a password last used (PasswordLastUsed ⇒ password enabled); user0001: API keys only;
    // user0002: a password never used, with MFA; user0003: nothing.
    const created = '2021-03-04T05:06:07+00:00'
    const noKey = ['false', 'N/A', 'N/A', 'N/A', 'N/A']
    const noCerts = ['false', 'N/A', 'false', 'N/A']
    expect(cells.get('user0000')?.slice(3)).toEqual(['true', '2024-02-03T04:05:06+00:00', created, 'N/A', 'false', ...noKey, ...noKey, ...noCerts])
    expect(cells.get('user0001')?.slice(3)).toEqual(['false', 'N/A', 'N/A', 'N/A', 'false', 'true', created, '2024-05-06T07:08:09+00:00', 'eu-west-1', 's3', 'false', 'N/A', 'N/A', 'N/A', 'N/A', ...noCerts])
    expect(cells.get('user0002')?.slice(3, 8)).toEqual(['true', 'no_information', created, 'N/A', 'true'])
    expect(cells.get('user0003')?.slice(3, 9)).toEqual(['false', 'N/A', 'N/A', 'N/A', 'false', 'false'])
  })
})
