/** Two connectors in one run: AWS IAM and IAM Identity Center of the same accounts, synced by one `connectors sync`. */
import { generateOrganization } from '@connectors/aws-sandbox'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { accountsOf, cli, EXTERNAL_ID, linesOf, sandboxOf, stopSandboxes } from './cli.e2e-harness.js'
import type { ToriiUsersFile } from './platform/torii.js'

afterEach(stopSandboxes)

describe('connectors sync with two connectors', () => {
  it('runs every account of both, each into its own outputs; Identity Center users carry their own emails', async () => {
    const seed = generateOrganization({ accounts: 2, users: 60, groups: 4, members: 10, seed: 5, externalId: () => EXTERNAL_ID, identityStore: true })
    const sandbox = await sandboxOf(seed)
    const dir = await mkdtemp(join(tmpdir(), 'connectors-two-'))
    const sso = seed.accounts.map((a, i) => ({
      name: `sso-${i}`,
      config: {
        roleArn: `arn:aws:iam::${a.id}:role/ConnectorsReadOnly`,
        externalId: '${env:E2E_EXTERNAL_ID}',
        region: 'eu-west-1',
        // The first names its store; the second finds it with sso:ListInstances.
        ...(i === 0 ? { identityStoreId: a.identityStore?.id } : {}),
        endpoints: { sts: sandbox.endpoint, identitystore: sandbox.endpoint, sso: sandbox.endpoint },
      },
    }))
    const config = join(dir, 'run.json')
    await writeFile(config, JSON.stringify({ connectors: [{ connector: '@connectors/aws-iam', accounts: accountsOf(sandbox, seed) }, { connector: '@connectors/aws-identity-center', accounts: sso }] }))
    const run = await cli(dir, ['sync', '--config', config])
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    expect(run.stdout).toContain('4/4 accounts ok')

    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')) as { units: Array<{ connector: string; unit: string; status: string; counts: { users: number; unmatchedEmail: number }; unmatchedEmailFix?: string }> }
    expect(report.units.map((u) => [u.connector, u.unit, u.status]).sort()).toEqual([
      ['aws-iam', 'acct-0', 'ok'],
      ['aws-iam', 'acct-1', 'ok'],
      ['aws-identity-center', 'sso-0', 'ok'],
      ['aws-identity-center', 'sso-1', 'ok'],
    ])
    const lines = await linesOf(dir)
    for (const [i, account] of seed.accounts.entries()) {
      const people = account.identityStore?.users ?? []
      const users = lines.filter((l) => l.type === 'user' && l.unit === `sso-${i}`).map((l) => l.data)
      expect(users.map((u) => u.username)).toEqual(people.map((p) => p.name))
      expect(users.map((u) => u.email)).toEqual(people.map((p) => p.email))
      const file = JSON.parse(await readFile(join(dir, 'out', 'torii', 'aws-identity-center', `sso-${i}.json`), 'utf8')) as ToriiUsersFile
      // Those without an email are left out of the users file and reported, never given a made-up address.
      expect(file.users.map((u) => u.email)).toEqual(people.flatMap((p) => (p.email !== undefined ? [p.email] : [])))
      expect(file.licenses.map((l) => l.name)).toEqual(['AWS IAM Identity Center'])
      expect(report.units.find((u) => u.unit === `sso-${i}`)).toMatchObject({
        counts: { users: people.length, unmatchedEmail: people.filter((p) => p.email === undefined).length },
        // The fix is the connector's own: Identity Center users get their address in Identity Center, not from a rule.
        unmatchedEmailFix: expect.stringContaining('primary email in IAM Identity Center'),
      })
      // The IAM users of the same account are the other connector's, in their own files.
      expect(lines.filter((l) => l.type === 'user' && l.unit === `acct-${i}`)).toHaveLength(account.users.length)
    }
  })
})
