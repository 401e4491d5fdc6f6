/**
 * `npm run console`: the Integrations console on the demo organization. Starts the AWS sandbox with the six demo
 * customer accounts, prints the role ARNs to paste (and what each one will show), then runs `connectors console`
 * as a user would — with the platform's base credentials and the sandbox's endpoints in its environment — until
 * Ctrl-C. Accounts connected in the console are kept in `.connectors/console/state.db` from one run to the next.
 * Extra arguments go to `connectors console` (`npm run console -- --port 4800`).
 */
import { delegatorEnv, startSandbox } from '@connectors/aws-sandbox'
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { demoOrganization, IDENTITY_CENTER_REGION, ORGANIZATION_ID, PRINCIPAL_ARN } from './organization.js'

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const organization = demoOrganization()
const sandbox = await startSandbox({ seed: organization, faults: { latencyMs: 15, jitterMs: 10 } })

/** What each demo account shows once connected (the fifth and sixth are broken on purpose). */
const WHAT: Readonly<Record<number, string>> = {
  4: 'its trust policy expects another ExternalId: the sts:AssumeRole step fails, with its fix',
  5: 'its role lacks iam:GetGroup: the check fails at that step, and a sync is partial (no green check)',
}
const width = Math.max(...organization.accounts.map((_, i) => `customer-${i + 1}`.length))
process.stdout.write(
  [
    `AWS sandbox with ${organization.accounts.length} demo customer accounts at ${sandbox.endpoint} (the console's AWS endpoints point there).`,
    `Organization id ${ORGANIZATION_ID}; platform principal ${PRINCIPAL_ARN}.`,
    '',
    'In the console: AWS IAM → Connect an account. Name it, paste a role ARN, and under More settings give the email',
    'template (IAM users have no email; the platform needs one), e.g. {username}@customer-1.example. Then Sync now.',
    '',
    ...organization.accounts.map((a, i) => `  ${`customer-${i + 1}`.padEnd(width)}  arn:aws:iam::${a.id}:role/ConnectorsReadOnly  ${WHAT[i] ?? 'healthy'}`),
    '',
    `Each account also runs IAM Identity Center: AWS IAM Identity Center → Connect, the same role ARN, region ${IDENTITY_CENTER_REGION}`,
    '(leave the Identity Store id empty: the connector finds it with sso:ListInstances); its people come with their own emails.',
    '',
    '',
  ].join('\n'),
)

const cli = join(root, 'packages', 'runner', 'bin', 'connectors.js')
const args = ['console', '--org', ORGANIZATION_ID, '--principal', PRINCIPAL_ARN, '--state', join(root, '.connectors', 'console', 'state.db'), '--out', join(root, 'out', 'console'), ...process.argv.slice(2)]
const child = spawn(process.execPath, [cli, ...args], {
  cwd: root,
  stdio: 'inherit',
  // The platform's base credentials, as the AWS default provider chain reads them (sandbox-only keys), and the
  // sandbox as every account's STS, IAM, Identity Store and SSO Admin endpoint.
  env: {
    ...process.env,
    ...delegatorEnv({ AWS_ENDPOINT_URL_STS: sandbox.endpoint, AWS_ENDPOINT_URL_IAM: sandbox.endpoint, AWS_ENDPOINT_URL_IDENTITYSTORE: sandbox.endpoint, AWS_ENDPOINT_URL_SSO: sandbox.endpoint }),
  },
})
// Ctrl-C reaches the console too (one process group): it stops by itself, then the sandbox does.
const ignore = () => undefined
process.on('SIGINT', ignore).on('SIGTERM', (signal) => child.kill(signal))
const code = await new Promise<number | null>((done) => child.once('exit', done))
await sandbox.stop()
process.off('SIGINT', ignore)
process.exitCode = code ?? 0
