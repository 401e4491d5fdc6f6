/**
 * `aws-sandbox`: runs the sandbox until SIGINT/SIGTERM. Prints the endpoint URL on its first line.
 *
 *   aws-sandbox --seed org.json --port 4566
 *   aws-sandbox --generate --accounts 3 --users 500 --groups 20 --members 25 --seed 7 --latency 20
 *   aws-sandbox --generate --user-tags --user-credentials --report-generation 2000
 *   aws-sandbox --generate --identity-store
 */
import { Command, InvalidArgumentError, Option } from 'commander'
import { writeFile } from 'node:fs/promises'
import type { Faults } from './faults.js'
import { generateOrganization } from './generate.js'
import { loadSeedFile } from './seed.js'
import { startSandbox } from './server.js'

const int = (name: string) => (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0`)
  return n
}
const rate = (v: string) => {
  const n = Number(v)
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be a share from 0 to 1')
  return n
}
const throttle = (v: string): NonNullable<Faults['throttle']> => {
  const m = /^(\d+(?:\.\d+)?)(?::(\d+))?(?::(account|action))?$/.exec(v)
  if (m === null) throw new InvalidArgumentError('expected RATE[:BURST][:account|action], e.g. 25:25:action')
  return { rate: Number(m[1]), burst: Number(m[2] ?? m[1]), per: (m[3] ?? 'action') as 'account' | 'action' }
}

const program = new Command('aws-sandbox')
  .description('A local IAM + STS (AWS Query) and Identity Store + SSO Admin (AWS JSON 1.1) endpoint (SigV4, trust policies, ExternalId, faults).')
  .option('--seed <file|number>', 'a seed file (JSON); with --generate, the generator’s random seed')
  .option('--generate', 'generate an organization instead of reading a seed file')
  .option('--accounts <n>', 'generated accounts', int('--accounts'), 1)
  .option('--users <n>', 'users per generated account', int('--users'), 100)
  .option('--groups <n>', 'groups per generated account', int('--groups'), 10)
  .option('--members <n>', 'members per generated group', int('--members'), 10)
  .option('--user-tags', 'give every other generated user an email tag')
  .option('--user-credentials', 'give generated users passwords, MFA and access keys for the credential report')
  .option('--identity-store', 'give each generated account an IAM Identity Center directory (Identity Store)')
  .option('--external-id <id>', 'the ExternalId generated roles require (default ext-<seed>)')
  .option('--write-seed <file>', 'also write the organization as a seed file')
  .option('--port <n>', 'port (0 = any free port)', int('--port'), 0)
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--latency <ms>', 'added latency per response', int('--latency'))
  .option('--jitter <ms>', 'extra uniform latency', int('--jitter'))
  .option('--throttle <spec>', 'token bucket RATE[:BURST][:account|action]', throttle)
  .option('--throttle-rate <share>', 'share of calls answered Throttling', rate)
  .option('--failure-rate <share>', 'share of calls answered 500 ServiceFailure', rate)
  .option('--reset-rate <share>', 'share of connections reset', rate)
  .option('--malformed-rate <share>', 'share of responses cut short', rate)
  .option('--short-pages <n>', 'serve at most n items a page while more remain', int('--short-pages'))
  .option('--session-lifetime <s>', 'issued sessions really expire after s seconds', int('--session-lifetime'))
  .option('--report-generation <ms>', 'how long generating a credential report takes', int('--report-generation'))
  .addOption(new Option('--random-seed <n>', 'seeds fault decisions').argParser(int('--random-seed')).default(1))

program.parse()
const o = program.opts<{
  seed?: string
  generate?: boolean
  accounts: number
  users: number
  groups: number
  members: number
  userTags?: boolean
  userCredentials?: boolean
  identityStore?: boolean
  externalId?: string
  writeSeed?: string
  port: number
  host: string
  latency?: number
  jitter?: number
  throttle?: Faults['throttle']
  throttleRate?: number
  failureRate?: number
  resetRate?: number
  malformedRate?: number
  shortPages?: number
  sessionLifetime?: number
  reportGeneration?: number
  randomSeed: number
}>()

async function main(): Promise<void> {
  if (o.generate !== true && o.seed === undefined) throw new Error('give --seed <file> or --generate (see --help)')
  const externalId = o.externalId
  const seed =
    o.generate === true
      ? generateOrganization({
          accounts: o.accounts,
          users: o.users,
          groups: o.groups,
          members: o.members,
          seed: Number(o.seed ?? 1),
          ...(o.userTags === true ? { userTags: true } : {}),
          ...(o.userCredentials === true ? { userCredentials: true } : {}),
          ...(o.identityStore === true ? { identityStore: true } : {}),
          ...(externalId !== undefined ? { externalId: () => externalId } : {}),
        })
      : await loadSeedFile(o.seed as string)
  if (o.writeSeed !== undefined) await writeFile(o.writeSeed, JSON.stringify(seed, null, 2))
  const faults: Faults = Object.fromEntries(
    Object.entries({
      latencyMs: o.latency,
      jitterMs: o.jitter,
      throttle: o.throttle,
      throttleRate: o.throttleRate,
      serviceFailureRate: o.failureRate,
      resetRate: o.resetRate,
      malformedRate: o.malformedRate,
      shortPageSize: o.shortPages,
      sessionLifetimeSeconds: o.sessionLifetime,
      reportGenerationMs: o.reportGeneration,
    }).filter(([, v]) => v !== undefined),
  )
  const sandbox = await startSandbox({ seed, port: o.port, host: o.host, randomSeed: o.randomSeed, faults })
  process.stdout.write(`${sandbox.endpoint}\n`)
  process.stderr.write(`aws-sandbox: ${seed.accounts.length} account(s), ${seed.principals.length} principal(s); stop with Ctrl-C\n`)
  const stop = () => {
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`aws-sandbox: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(2)
})
