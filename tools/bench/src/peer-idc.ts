/**
 * The strongest peer for IAM Identity Center: the same kind of script as peer.ts, with the SDK's Identity Store
 * client. Every account at once; in each, ListUsers beside ListGroups, then ListGroupMemberships for its groups, four
 * at a time; the SDK's paginators at MaxResults 100 (Identity Store's largest page); `retryMode: 'adaptive'` with 10
 * attempts; one keep-alive agent; AssumeRole with the ExternalId per account. It writes nothing: it counts what it
 * listed, and prints its counts, elapsed and CPU as JSON.
 *
 * Arguments: the sandbox endpoint, a JSON array of `[account id, identity store id]`, the ExternalId.
 */
import { IdentitystoreClient, paginateListGroupMemberships, paginateListGroups, paginateListUsers } from '@aws-sdk/client-identitystore'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { Agent } from 'node:http'

const [endpoint, storesJson, externalId] = process.argv.slice(2) as [string, string, string]
const stores = JSON.parse(storesJson) as Array<[string, string]>

const common = { endpoint, region: 'eu-west-1', requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }) }, retryMode: 'adaptive', maxAttempts: 10 }
const pageSize = 100
const CONCURRENCY = 4

/** `f` over `items`, `width` at a time. */
async function pooled<A>(items: ReadonlyArray<A>, width: number, f: (a: A) => Promise<number>): Promise<number> {
  let next = 0
  let total = 0
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      const n = await f(items[i] as A)
      total += n
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker))
  return total
}

const started = performance.now()
const cpu = process.cpuUsage()
const result = { users: 0, groups: 0, memberships: 0, failedAccounts: 0, errors: [] as string[] }
const sts = new STSClient(common)

async function syncStore(account: string, IdentityStoreId: string): Promise<void> {
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/ConnectorsReadOnly`, RoleSessionName: 'peer', ExternalId: externalId }))
  const client = new IdentitystoreClient({ ...common, credentials: { accessKeyId: c?.AccessKeyId as string, secretAccessKey: c?.SecretAccessKey as string, sessionToken: c?.SessionToken as string } })
  const listUsers = async () => {
    let users = 0
    for await (const page of paginateListUsers({ client, pageSize }, { IdentityStoreId })) users += page.Users?.length ?? 0
    return users
  }
  const listGroups = async () => {
    const ids: string[] = []
    for await (const page of paginateListGroups({ client, pageSize }, { IdentityStoreId })) ids.push(...(page.Groups ?? []).map((g) => g.GroupId as string))
    return ids
  }
  const members = async (GroupId: string) => {
    let n = 0
    for await (const page of paginateListGroupMemberships({ client, pageSize }, { IdentityStoreId, GroupId })) n += page.GroupMemberships?.length ?? 0
    return n
  }
  const [users, groups] = await Promise.all([listUsers(), listGroups()])
  const memberships = await pooled(groups, CONCURRENCY, members)
  result.users += users
  result.groups += groups.length
  result.memberships += memberships
}

await Promise.all(
  stores.map(([account, store]) =>
    syncStore(account, store).catch((error: unknown) => {
      result.failedAccounts++
      result.errors.push(`${account}: ${(error as Error).name}`)
    }),
  ),
)
const used = process.cpuUsage(cpu)
process.stdout.write(`${JSON.stringify({ ...result, errors: result.errors.slice(0, 5), elapsedMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 })}\n`)
