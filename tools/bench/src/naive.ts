/**
 * The naive baseline: what a user writes by hand with the SDK. One account after another; users, then groups,
 * then each group's members, sequentially; default SDK retry settings. Prints its counts as JSON.
 */
import { GetGroupCommand, IAMClient, ListGroupsCommand, ListUsersCommand, type GetGroupCommandOutput, type ListGroupsCommandOutput, type ListUsersCommandOutput } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'

const [endpoint, accountsJson, externalId] = process.argv.slice(2) as [string, string, string]
const accounts = JSON.parse(accountsJson) as string[]
const started = Date.now()
const cpu = process.cpuUsage()
const result = { users: 0, groups: 0, memberships: 0, failedAccounts: 0, errors: [] as string[] }
const sts = new STSClient({ endpoint, region: 'us-east-1' })
for (const account of accounts) {
  try {
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/ConnectorsReadOnly`, RoleSessionName: 'naive', ExternalId: externalId }))
    const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: c?.AccessKeyId as string, secretAccessKey: c?.SecretAccessKey as string, sessionToken: c?.SessionToken as string } })
    let marker: string | undefined
    do {
      const page: ListUsersCommandOutput = await iam.send(new ListUsersCommand({ Marker: marker }))
      result.users += page.Users?.length ?? 0
      marker = page.Marker
    } while (marker !== undefined)
    const groups: string[] = []
    do {
      const page: ListGroupsCommandOutput = await iam.send(new ListGroupsCommand({ Marker: marker }))
      groups.push(...(page.Groups ?? []).map((g) => g.GroupName as string))
      marker = page.Marker
    } while (marker !== undefined)
    result.groups += groups.length
    for (const group of groups) {
      do {
        const page: GetGroupCommandOutput = await iam.send(new GetGroupCommand({ GroupName: group, Marker: marker }))
        result.memberships += page.Users?.length ?? 0
        marker = page.Marker
      } while (marker !== undefined)
    }
  } catch (error) {
    result.failedAccounts++
    result.errors.push(`${account}: ${(error as Error).name}`)
  }
}
const used = process.cpuUsage(cpu)
process.stdout.write(`${JSON.stringify({ ...result, errors: result.errors.slice(0, 5), elapsedMs: Date.now() - started, cpuMs: (used.user + used.system) / 1000 })}\n`)
