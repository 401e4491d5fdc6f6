/**
 * The README's main job: starts the AWS sandbox with a bundled demo organization — four healthy accounts, one
 * whose customer set a different ExternalId, one whose role lacks iam:GetGroup — and runs `connectors sync`
 * against it as a user would, then says where the outputs are. No AWS account needed.
 */
import { allowPolicy, delegatorEnv, generateOrganization, startSandbox } from '@connectors/aws-sandbox'
import { spawn } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const EXTERNAL_ID = 'org-demo-2026'
const organization = generateOrganization({
  accounts: 6,
  users: 250,
  groups: 12,
  members: 30,
  seed: 2026,
  // The fifth customer pasted a different organization id into its trust policy.
  externalId: (i) => (i === 4 ? 'org-someone-else' : EXTERNAL_ID),
})
// The sixth customer's role forgot iam:GetGroup.
const sixth = organization.accounts[5]
if (sixth !== undefined) sixth.roles = sixth.roles.map((r) => ({ ...r, permissionPolicies: [allowPolicy(['iam:ListUsers', 'iam:ListGroups'])] }))

const sandbox = await startSandbox({ seed: organization, faults: { latencyMs: 15, jitterMs: 10, throttle: { rate: 20, burst: 20, per: 'action' } } })
const dir = join(root, '.connectors', 'demo')
await mkdir(dir, { recursive: true })
const runConfig = {
  connectors: [
    {
      connector: '@connectors/aws-iam',
      accounts: organization.accounts.map((a, i) => ({
        name: `customer-${i + 1}`,
        config: {
          roleArn: `arn:aws:iam::${a.id}:role/ConnectorsReadOnly`,
          externalId: '${env:DEMO_EXTERNAL_ID}',
          email: { template: '{username}@customer-' + String(i + 1) + '.example' },
          endpoints: { sts: sandbox.endpoint, iam: sandbox.endpoint },
        },
      })),
    },
  ],
}
const configFile = join(dir, 'run.json')
await writeFile(configFile, `${JSON.stringify(runConfig, null, 2)}\n`)
process.stdout.write(`AWS sandbox at ${sandbox.endpoint} with ${organization.accounts.length} accounts; running connectors sync…\n\n`)

const cli = join(root, 'packages', 'runner', 'bin', 'connectors.js')
const child = spawn(process.execPath, [cli, 'sync', '--config', configFile, '--out', 'out/demo', '--state', '.connectors/demo/state.db', '--log-level', 'fatal'], {
  cwd: root,
  stdio: 'inherit',
  // The platform's base credentials, as the AWS default provider chain reads them (sandbox-only keys).
  env: { ...process.env, ...delegatorEnv({ DEMO_EXTERNAL_ID: EXTERNAL_ID }) },
})
const code = await new Promise<number | null>((done) => child.once('exit', done))
await sandbox.stop()
process.stdout.write(
  `\nThe two failing accounts are deliberate: customer-5's trust policy expects another ExternalId, customer-6's role lacks iam:GetGroup.\n` +
    `Outputs: out/demo/report.json, out/demo/records/aws-iam/<account>.ndjson, out/demo/torii/aws-iam/<account>.json; state: .connectors/demo/state.db\n`,
)
// Exit 1 from the sync is the expected outcome of the demo (two broken accounts); anything else is a real failure.
process.exitCode = code === 0 || code === 1 ? 0 : (code ?? 1)
