/**
 * The mapping-and-writing stage alone: `connectors sync`'s own code (the aws-iam connector's paginators, checks and
 * mappers, core's sync, the runner's outputs and state store) over a scenario's data, with the AWS SDK clients
 * mocked to hand back the very objects the SDK would have parsed from the sandbox. No HTTP, no XML, no signing: what
 * is left is what this project adds per user. Run as a child process; prints its counts and elapsed time as JSON.
 */
import { GetGroupCommand, IAMClient, ListGroupsCommand, ListUsersCommand } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { connector } from '@connectors/aws-iam'
import { generateOrganization, SandboxState } from '@connectors/aws-sandbox'
import { silentLogger } from '@connectors/core'
import { planUnits, runSync, StateWorker } from '@connectors/runner'
import * as E from 'fp-ts/Either'
import { mockClient } from 'aws-sdk-client-mock'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const [users, groups, members, seed] = process.argv.slice(2).map(Number) as [number, number, number, number]

/**
 * The scenario's one account, packed flat (strings and typed arrays the collector need not walk into), so that the
 * stand-in upstream's data weighs on the measured process no more than the real one's, which lives in the sandbox.
 * Each call builds fresh SDK-shaped objects, as the SDK does for every response.
 */
function packedAccount() {
  const account = [...new SandboxState(generateOrganization({ accounts: 1, users, groups, members, seed })).accounts.values()][0]
  if (account === undefined) throw new Error('stage: the generated organization has no account')
  const index = new Map(account.users.map((u, i) => [u.UserId, i]))
  const user = {
    name: account.users.map((u) => u.UserName),
    id: account.users.map((u) => u.UserId),
    arn: account.users.map((u) => u.Arn),
    path: account.users.map((u) => u.Path),
    created: Float64Array.from(account.users, (u) => u.CreateDate.getTime()),
    lastUsed: Float64Array.from(account.users, (u) => u.PasswordLastUsed?.getTime() ?? Number.NaN),
  }
  const group = account.groups.map((g) => ({ GroupName: g.GroupName, GroupId: g.GroupId, Arn: g.Arn, Path: g.Path, created: g.CreateDate.getTime(), members: Int32Array.from(g.members, (m) => index.get(m.UserId) ?? -1) }))
  return { id: account.id, user, group, groupsByName: new Map(group.map((g) => [g.GroupName, g])) }
}
const account = packedAccount()

const iamUser = (i: number) => {
  const lastUsed = account.user.lastUsed[i] as number
  return {
    Path: account.user.path[i],
    UserName: account.user.name[i],
    UserId: account.user.id[i],
    Arn: account.user.arn[i],
    CreateDate: new Date(account.user.created[i] as number),
    ...(Number.isNaN(lastUsed) ? {} : { PasswordLastUsed: new Date(lastUsed) }),
  }
}
const iamGroup = (g: (typeof account.group)[number]) => ({ GroupName: g.GroupName, GroupId: g.GroupId, Arn: g.Arn, Path: g.Path, CreateDate: new Date(g.created) })

/** The positions of one page of `total` items from where a marker says, as IAM pages them. */
function page(total: number, marker: string | undefined, maxItems: number | undefined) {
  const start = marker === undefined ? 0 : Number(marker)
  const end = Math.min(total, start + (maxItems ?? 100))
  return { start, end, more: end < total ? { IsTruncated: true, Marker: String(end) } : { IsTruncated: false } }
}

const expiration = new Date(Date.now() + 3600_000)
mockClient(STSClient).on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIASTAGE', SecretAccessKey: 'stage-secret', SessionToken: 'stage-token', Expiration: expiration } })
const iam = mockClient(IAMClient)
iam.on(ListUsersCommand).callsFake((input: { Marker?: string; MaxItems?: number }) => {
  const { start, end, more } = page(account.user.name.length, input.Marker, input.MaxItems)
  return { Users: Array.from({ length: end - start }, (_, k) => iamUser(start + k)), ...more }
})
iam.on(ListGroupsCommand).callsFake((input: { Marker?: string; MaxItems?: number }) => {
  const { start, end, more } = page(account.group.length, input.Marker, input.MaxItems)
  return { Groups: account.group.slice(start, end).map(iamGroup), ...more }
})
iam.on(GetGroupCommand).callsFake((input: { GroupName: string; Marker?: string; MaxItems?: number }) => {
  const g = account.groupsByName.get(input.GroupName)
  if (g === undefined) throw Object.assign(new Error(`The group with name ${input.GroupName} cannot be found.`), { name: 'NoSuchEntityException' })
  const { start, end, more } = page(g.members.length, input.Marker, input.MaxItems)
  return { Group: iamGroup(g), Users: Array.from(g.members.subarray(start, end), iamUser), ...more }
})

const dir = await mkdtemp(join(tmpdir(), 'bench-stage-'))
const state = await StateWorker.open(join(dir, 'state.db'))
try {
  const config = { roleArn: `arn:aws:iam::${account.id}:role/ConnectorsReadOnly`, externalId: `ext-${seed}`, email: { template: '{username}@bench.example' } }
  const units = planUnits({ connectors: [{ connector: '@connectors/aws-iam', accounts: [{ name: 'acct-0', config }] }] }, [connector])
  if (E.isLeft(units)) throw new Error(`stage: ${units.left.join('; ')}`)
  const { report } = await runSync(units.right, { out: join(dir, 'out'), state, concurrency: 1, drop: { threshold: 1, accept: false }, logger: silentLogger, env: {} })
  const { elapsedMs } = report
  const envelope = report.units[0]
  process.stdout.write(`${JSON.stringify({ status: envelope?.status, users: envelope?.counts.users ?? 0, groups: envelope?.counts.groups ?? 0, memberships: envelope?.counts.memberships ?? 0, elapsedMs })}\n`)
} finally {
  await state.close()
  await rm(dir, { recursive: true, force: true })
}
