/**
 * The strongest peer: the best script a platform engineer could write with the same SDK. Every account at once;
 * in each, ListUsers beside ListGroups, then GetGroup for its groups, four at a time; the SDK's paginators at
 * MaxItems 1000; the SDK's own `retryMode: 'adaptive'` (its client-side rate limiter, one per account's client)
 * with room for storms (10 attempts); one keep-alive agent for every client; `cacheMiddleware`; AssumeRole with
 * the ExternalId per account. It writes nothing: it counts what it listed.
 *
 * `--replay` runs the very same calls as the bare SDK's CPU probe instead: against a sandbox with the scenario's
 * organization and injected faults but no bucket and no latency, every failed attempt retried at once, so that its
 * CPU per call is the SDK's own on the scenario's responses. Prints its counts, elapsed and CPU as JSON.
 */
import { IAMClient, paginateGetGroup, paginateListGroups, paginateListUsers } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { Agent } from 'node:http'

const [endpoint, accountsJson, externalId, ...flags] = process.argv.slice(2) as [string, string, string, ...string[]]
const accounts = JSON.parse(accountsJson) as string[]
const replay = flags.includes('--replay')

/** The replay's retry strategy: any failed attempt again at once, up to 50 (the probe measures CPU, not patience). */
const immediateRetries = {
  acquireInitialRetryToken: async () => retryToken(0),
  refreshRetryTokenForRetry: async (token: { getRetryCount: () => number }, info: { error?: unknown }) => {
    if (token.getRetryCount() + 1 >= 50) throw info.error
    return retryToken(token.getRetryCount() + 1)
  },
  recordSuccess: () => {},
}
function retryToken(count: number) {
  return { getRetryCount: () => count, getRetryDelay: () => 0 }
}

const common = {
  endpoint,
  region: 'us-east-1',
  requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }) },
  cacheMiddleware: true,
  ...(replay ? { retryStrategy: immediateRetries } : { retryMode: 'adaptive', maxAttempts: 10 }),
}
const pageSize = 1000

/**
 * GetGroup calls in flight per account (`--get-group-concurrency <n|all>`; `npm run bench -- --peer-sweep 1 2 8 all`
 * runs the others beside it). Four, the fan-out our CLI starts each account with. In sweeps of 1, 2, 4, 8 and all at
 * once, no setting was the fastest in every scenario, nor from one sweep to the next: more in flight draws more
 * throttles, each answered by the SDK's adaptive mode with up to a second's backoff and a 30% cut of its rate, while
 * fewer leaves huge's unthrottled calls waiting; all at once spends one-large's retry quota and fails the account.
 */
const concurrencyFlag = flags[flags.indexOf('--get-group-concurrency') + 1]
const GET_GROUP_CONCURRENCY = !flags.includes('--get-group-concurrency') ? 4 : concurrencyFlag === 'all' ? Number.POSITIVE_INFINITY : Number(concurrencyFlag)

/** `f` over `items`, `width` at a time, results in order. */
async function pooled<A, B>(items: ReadonlyArray<A>, width: number, f: (a: A) => Promise<B>): Promise<B[]> {
  const results: B[] = []
  let next = 0
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await f(items[i] as A)
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker))
  return results
}

const started = performance.now()
const cpu = process.cpuUsage()
const result = { users: 0, groups: 0, memberships: 0, failedAccounts: 0, errors: [] as string[] }
const sts = new STSClient(common)

async function syncAccount(account: string): Promise<void> {
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/ConnectorsReadOnly`, RoleSessionName: 'peer', ExternalId: externalId }))
  const iam = new IAMClient({ ...common, credentials: { accessKeyId: c?.AccessKeyId as string, secretAccessKey: c?.SecretAccessKey as string, sessionToken: c?.SessionToken as string } })
  const listUsers = async () => {
    let users = 0
    for await (const page of paginateListUsers({ client: iam, pageSize }, {})) users += page.Users?.length ?? 0
    return users
  }
  const listGroups = async () => {
    const names: string[] = []
    for await (const page of paginateListGroups({ client: iam, pageSize }, {})) names.push(...(page.Groups ?? []).map((g) => g.GroupName as string))
    return names
  }
  const members = async (group: string) => {
    let n = 0
    for await (const page of paginateGetGroup({ client: iam, pageSize }, { GroupName: group })) n += page.Users?.length ?? 0
    return n
  }
  const [users, groups] = await Promise.all([listUsers(), listGroups()])
  const memberships = await pooled(groups, GET_GROUP_CONCURRENCY, members)
  result.users += users
  result.groups += groups.length
  result.memberships += memberships.reduce((a, b) => a + b, 0)
}

await Promise.all(
  accounts.map((account) =>
    syncAccount(account).catch((error: unknown) => {
      result.failedAccounts++
      result.errors.push(`${account}: ${(error as Error).name}`)
    }),
  ),
)
const used = process.cpuUsage(cpu)
process.stdout.write(`${JSON.stringify({ ...result, errors: result.errors.slice(0, 5), elapsedMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 })}\n`)
