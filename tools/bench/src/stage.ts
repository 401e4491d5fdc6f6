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
import { runSync, StateStore } from '@connectors/runner'
import { mockClient } from 'aws-sdk-client-mock'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const [users, groups, members, seed] = process.argv.slice(2).map(Number) as [number, number, number, number]
const org = new SandboxState(generateOrganization({ accounts: 1, users, groups, members, seed }))
const account = [...org.accounts.values()][0]
if (account === undefined) throw new Error('stage: the generated organization has no account')

/** One page of `items` from the position a marker names, as IAM pages them. */
function page<T>(items: ReadonlyArray<T>, marker: string | undefined, maxItems: number | undefined) {
  const start = marker === undefined ? 0 : Number(marker)
  const end = Math.min(items.length, start + (maxItems ?? 100))
  return { slice: items.slice(start, end), more: end < items.length ? { IsTruncated: true, Marker: String(end) } : { IsTruncated: false } }
}

const group = (g: (typeof account.groups)[number]) => ({ GroupName: g.GroupName, GroupId: g.GroupId, Arn: g.Arn, Path: g.Path, CreateDate: g.CreateDate })
const expiration = new Date(Date.now() + 3600_000)
mockClient(STSClient).on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIASTAGE', SecretAccessKey: 'stage-secret', SessionToken: 'stage-token', Expiration: expiration } })
const iam = mockClient(IAMClient)
iam.on(ListUsersCommand).callsFake((input: { Marker?: string; MaxItems?: number }) => {
  const { slice, more } = page(account.users, input.Marker, input.MaxItems)
  return { Users: slice.map((u) => ({ ...u })), ...more }
})
iam.on(ListGroupsCommand).callsFake((input: { Marker?: string; MaxItems?: number }) => {
  const { slice, more } = page(account.groups, input.Marker, input.MaxItems)
  return { Groups: slice.map(group), ...more }
})
iam.on(GetGroupCommand).callsFake((input: { GroupName: string; Marker?: string; MaxItems?: number }) => {
  const g = account.groupsByName.get(input.GroupName)
  if (g === undefined) throw Object.assign(new Error(`The group with name ${input.GroupName} cannot be found.`), { name: 'NoSuchEntityException' })
  const { slice, more } = page(g.members, input.Marker, input.MaxItems)
  return { Group: group(g), Users: slice.map((u) => ({ ...u })), ...more }
})

const dir = await mkdtemp(join(tmpdir(), 'bench-stage-'))
const state = new StateStore(join(dir, 'state.db'))
try {
  const config = { roleArn: `arn:aws:iam::${account.id}:role/ConnectorsReadOnly`, externalId: `ext-${seed}`, email: { template: '{username}@bench.example' } }
  const { envelopes, elapsedMs } = await runSync([{ connector, name: 'acct-0', config }], { out: join(dir, 'out'), state, concurrency: 1, dropThreshold: 1, acceptDrop: false, logger: silentLogger, env: {} })
  const envelope = envelopes[0]
  process.stdout.write(`${JSON.stringify({ status: envelope?.status, users: envelope?.counts.users ?? 0, groups: envelope?.counts.groups ?? 0, memberships: envelope?.counts.memberships ?? 0, elapsedMs })}\n`)
} finally {
  state.close()
  await rm(dir, { recursive: true, force: true })
}
