/**
 * The README's main job: starts the AWS sandbox with a bundled demo organization — four healthy accounts, one whose
 * customer set a different ExternalId, one whose role lacks iam:GetGroup — and runs `connectors sync` against it as
 * a user would. Then it shows what the platform's admins rely on: a user who leaves is reported deleted, and stays
 * deleted in the next users file even when the one before it was lost. No AWS account needed.
 */
import { delegatorEnv, startSandbox, type Seed } from '@connectors/aws-sandbox'
import { spawn } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { demoOrganization, IDENTITY_CENTER_REGION, ORGANIZATION_ID, PRINCIPAL_ARN } from './organization.js'

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const organization = demoOrganization()
const [first] = organization.accounts

const dir = join(root, '.connectors', 'demo')
const out = join(root, 'out', 'demo')
const state = join(dir, 'state.db')
await mkdir(dir, { recursive: true })
await rm(state, { force: true })

/** Serves `seed` and runs `connectors sync` against it; returns the CLI's exit code. */
async function syncAgainst(seed: Seed, logLevel: string, show: boolean): Promise<number | null> {
  const sandbox = await startSandbox({ seed, faults: { latencyMs: 15, jitterMs: 10, throttle: { rate: 20, burst: 20, per: 'action' } } })
  const runConfig = {
    platform: { organizationId: ORGANIZATION_ID, principalArn: PRINCIPAL_ARN },
    connectors: [
      {
        connector: '@connectors/aws-iam',
        accounts: seed.accounts.map((a, i) => ({
          name: `customer-${i + 1}`,
          ...(i === 0 ? { exclude: ['svc-*'] } : {}),
          config: {
            roleArn: `arn:aws:iam::${a.id}:role/ConnectorsReadOnly`,
            email: { template: `{username}@customer-${i + 1}.example` },
            credentialReport: i !== 5,
            endpoints: { sts: sandbox.endpoint, iam: sandbox.endpoint },
          },
        })),
      },
      {
        // The first customer also manages its people in IAM Identity Center: their email addresses come from there.
        connector: '@connectors/aws-identity-center',
        accounts: seed.accounts.slice(0, 1).map((a, i) => ({
          name: `customer-${i + 1}-sso`,
          config: {
            roleArn: `arn:aws:iam::${a.id}:role/ConnectorsReadOnly`,
            region: IDENTITY_CENTER_REGION,
            ...(a.identityStore !== undefined ? { identityStoreId: a.identityStore.id } : {}),
            endpoints: { sts: sandbox.endpoint, identitystore: sandbox.endpoint, sso: sandbox.endpoint },
          },
        })),
      },
    ],
  }
  const configFile = join(dir, 'run.json')
  await writeFile(configFile, `${JSON.stringify(runConfig, null, 2)}\n`)
  const cli = join(root, 'packages', 'runner', 'bin', 'connectors.js')
  const child = spawn(process.execPath, [cli, 'sync', '--config', configFile, '--out', out, '--state', state, '--log-level', logLevel], {
    cwd: root,
    stdio: ['ignore', show ? 'inherit' : 'ignore', 'inherit'],
    // The platform's base credentials, as the AWS default provider chain reads them (sandbox-only keys).
    env: { ...process.env, ...delegatorEnv({}) },
  })
  const code = await new Promise<number | null>((done) => child.once('exit', done))
  await sandbox.stop()
  return code
}

const usersFile = join(out, 'torii', 'aws-iam', 'customer-1.json')
const stated = async (email: string) => ((JSON.parse(await readFile(usersFile, 'utf8')) as { users: Array<{ email: string; status: string }> }).users.find((u) => u.email === email)?.status ?? 'absent')

process.stdout.write(`AWS sandbox with ${organization.accounts.length} accounts; running connectors sync…\n\n`)
const code = await syncAgainst(organization, 'fatal', true)

// A user leaves customer-1: the next complete sync reports them deleted.
const leaver = first?.users[0]?.name ?? ''
const leaverEmail = `${leaver}@customer-1.example`
const afterLeaving: Seed = JSON.parse(JSON.stringify(organization)) as Seed
const changed = afterLeaving.accounts[0]
if (changed !== undefined) {
  changed.users = changed.users.filter((u) => u.name !== leaver)
  changed.groups = changed.groups.map((g) => ({ ...g, members: g.members.filter((m) => m !== leaver) }))
}
await syncAgainst(afterLeaving, 'fatal', false)
const deletedOnce = await stated(leaverEmail)
// That users file never reaches the platform; the next one still states the deletion.
await rm(usersFile)
await syncAgainst(afterLeaving, 'fatal', false)
const deletedAgain = await stated(leaverEmail)

const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { units: Array<{ unit: string; counts: { excluded: number } }> }
const records = (await readFile(join(out, 'records', 'aws-iam', 'customer-1.ndjson'), 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { type: string; data: { username: string; externalStatus?: string; lastUsedAt?: string } })
const ssoFile = JSON.parse(await readFile(join(out, 'torii', 'aws-identity-center', 'customer-1-sso.json'), 'utf8')) as { users: Array<{ email: string; firstName?: string; lastName?: string }> }
const ssoPerson = ssoFile.users[0]
const ssoUnit = report.units.find((u) => u.unit === 'customer-1-sso') as { counts: { users: number; unmatchedEmail: number } } | undefined
const apiOnly = records.find((r) => r.type === 'user' && r.data.externalStatus === 'keys-only')?.data
process.stdout.write(
  [
    '',
    "The two failing accounts are deliberate: customer-5's trust policy expects another ExternalId, customer-6's role lacks iam:GetGroup.",
    'customer-1, as its users file states it:',
    `  ann@customer-1.example keeps her address as her email (${await stated('ann@customer-1.example')}); svc-backup is excluded (${report.units.find((u) => u.unit === 'customer-1')?.counts.excluded ?? 0} excluded)`,
    `  ${leaver} left: ${deletedOnce} in the next users file; that file was then lost, and the one after still says ${deletedAgain}`,
    ...(apiOnly !== undefined ? [`  ${apiOnly.username} signs in with access keys only (${apiOnly.externalStatus}); last used ${apiOnly.lastUsedAt ?? 'never'}, from the credential report`] : []),
    `customer-1-sso, the same customer's IAM Identity Center: ${ssoUnit?.counts.users ?? 0} people, with the addresses and names Identity Center holds${ssoPerson !== undefined ? ` (${ssoPerson.firstName ?? ''} ${ssoPerson.lastName ?? ''} <${ssoPerson.email}>)` : ''}; ${ssoUnit?.counts.unmatchedEmail ?? 0} without an email are reported, never guessed`,
    `Outputs: ${join('out', 'demo')}/report.json, records/<connector>/<account>.ndjson, torii/<connector>/<account>.json; state: ${join('.connectors', 'demo', 'state.db')}`,
    '',
    'See it in the browser: `npm run console` serves the Integrations console on this demo organization (http://127.0.0.1:4780/):',
    'connect an account, watch each check step, sync it, browse its users.',
    '',
  ].join('\n'),
)
// Exit 1 from the sync is the expected outcome of the demo (two broken accounts); anything else is a real failure.
process.exitCode = code === 0 || code === 1 ? 0 : (code ?? 1)
