import { allowPolicy, type Seed } from '@connectors/aws-sandbox'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/Either'
import { afterEach, describe, expect, it } from 'vitest'
import { allBytes, cli, EXTERNAL_ID, linesOf, organization, sandboxOf, stopSandboxes, writeRunConfig } from './cli.e2e-harness.js'
import { ToriiUsersFile } from './platform/torii.js'
import { StateStore } from './state.js'

afterEach(stopSandboxes)

describe('connectors sync (the CLI, as a process, against the sandbox)', () => {
  it('syncs several accounts; outputs equal the seed exactly; no secret in any byte it produced', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed)
    const dir = await mkdtemp(join(tmpdir(), 'connectors-e2e-'))
    const run = await cli(dir, ['sync', '--config', await writeRunConfig(dir, sandbox, seed), '--log-level', 'debug'])
    expect(run.stderr).not.toContain('internal error')
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: expect.stringContaining('3/3 accounts ok') })
    expect(run.stdout).toContain('3/3 accounts ok')
    const lines = await linesOf(dir)
    for (const [i, account] of seed.accounts.entries()) {
      const users = lines.filter((l) => l.type === 'user' && l.unit === `acct-${i}`).map((l) => l.data)
      expect(users.map((u) => u.username)).toEqual(account.users.map((u) => u.name))
      expect(users.map((u) => u.id)).toEqual(account.users.map((u) => u.id))
      for (const u of users) {
        const expectedRoles = account.groups.filter((g) => g.members.includes(u.username)).map((g) => g.name)
        expect(u.roles).toEqual(expectedRoles)
        expect(u).toMatchObject({ status: 'active', email: `${u.username}@e2e.example` })
      }
      expect(lines.filter((l) => l.type === 'membership' && l.unit === `acct-${i}`)).toHaveLength(account.groups.reduce((n, g) => n + g.members.length, 0))
      const torii = JSON.parse(await readFile(join(dir, 'out', 'torii', 'aws-iam', `acct-${i}.json`), 'utf8')) as unknown
      expect(E.isRight(ToriiUsersFile.decode(torii))).toBe(true)
      expect((torii as ToriiUsersFile).licenses).toEqual([{ name: 'AWS IAM', users: account.users.map((u) => ({ email: `${u.name}@e2e.example`, licenseStatus: 'active' })) }])
    }
    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')) as { elapsedMs: number; cpuMs: number; mainThreadBusy: number; units: Array<{ status: string; apiCalls: number; counts: { users: number } }> }
    expect(report.cpuMs).toBeGreaterThan(0)
    expect(report.mainThreadBusy).toBeGreaterThan(0)
    expect(report.mainThreadBusy).toBeLessThanOrEqual(1)
    expect(report.units.map((a) => [a.status, a.counts.users])).toEqual([['ok', 120], ['ok', 120], ['ok', 120]])
    expect(report.units[0]?.apiCalls).toBe(sandbox.stats().totalRequests / 3)
    const bytes = await allBytes(dir, run)
    for (const secret of [...sandbox.state.issuedSecrets, EXTERNAL_ID]) expect(bytes.includes(secret), `a secret leaked: ${secret.slice(0, 6)}…`).toBe(false)
    expect(run.stderr).toMatch(/"msg":"assumed role"/)
  })

  it('marks users deleted only after a complete sync, holds back a large drop, and applies it with --accept-drop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'connectors-e2e-'))
    const seed = organization()
    const first = await sandboxOf(seed)
    expect((await cli(dir, ['sync', '--config', await writeRunConfig(dir, first, seed)])).code).toBe(0)

    // One user leaves account 0; account 1's role loses iam:GetGroup (a partial sync) and loses a user too.
    const second: Seed = JSON.parse(JSON.stringify(seed)) as Seed
    const [a0, a1] = second.accounts as [Seed['accounts'][0], Seed['accounts'][0]]
    const gone0 = a0.users.pop()?.name as string
    a0.groups = a0.groups.map((g) => ({ ...g, members: g.members.filter((m) => m !== gone0) }))
    const gone1 = a1.users.pop()?.name as string
    a1.groups = a1.groups.map((g) => ({ ...g, members: g.members.filter((m) => m !== gone1) }))
    a1.roles = a1.roles.map((r) => ({ ...r, permissionPolicies: [allowPolicy(['iam:ListUsers', 'iam:ListGroups'])] }))
    const s2 = await sandboxOf(second)
    const run2 = await cli(dir, ['sync', '--config', await writeRunConfig(dir, s2, second)])
    expect(run2.code).toBe(1)
    const deleted = (await linesOf(dir)).filter((l) => l.data.status === 'deleted')
    expect(deleted.map((l) => [l.unit, l.data.username])).toEqual([['acct-0', gone0]])
    const torii0 = JSON.parse(await readFile(join(dir, 'out', 'torii', 'aws-iam', 'acct-0.json'), 'utf8')) as ToriiUsersFile
    expect(torii0.users.find((u) => u.email === `${gone0}@e2e.example`)?.status).toBe('deleted')
    expect(torii0.users).toHaveLength(a0.users.length + 1)
    expect(torii0.licenses[0]?.users.filter((h) => h.licenseStatus !== 'active')).toEqual([{ email: `${gone0}@e2e.example`, licenseStatus: 'deleted' }])
    expect(torii0.users.find((u) => u.email === `${gone0}@e2e.example`)?.roles).toEqual([])

    // Most of account 2 vanishes: held back, then applied on request.
    const third: Seed = JSON.parse(JSON.stringify(second)) as Seed
    const a2 = third.accounts[2] as Seed['accounts'][0]
    a2.users = a2.users.slice(0, 40)
    const keep = new Set(a2.users.map((u) => u.name))
    a2.groups = a2.groups.map((g) => ({ ...g, members: g.members.filter((m) => keep.has(m)) }))
    const s3 = await sandboxOf(third)
    const config3 = await writeRunConfig(dir, s3, third)
    const held = await cli(dir, ['sync', '--config', config3])
    expect(held.code).toBe(1)
    expect(held.stdout).toMatch(/held back: 67% of users vanished \(threshold 30%\)/)
    expect((await linesOf(dir)).filter((l) => l.data.status === 'deleted' && l.unit === 'acct-2')).toHaveLength(0)
    const applied = await cli(dir, ['sync', '--config', config3, '--accept-drop'])
    expect((await linesOf(dir)).filter((l) => l.data.status === 'deleted' && l.unit === 'acct-2')).toHaveLength(80)
    expect(applied.stdout).toContain('80 deleted')
    // The store kept every sync's history: the partial one, the held-back one, the applied one.
    const state = new StateStore(join(dir, '.connectors', 'state.db'))
    try {
      expect(state.history('aws-iam', a1.id).map((h) => h.status)).toEqual(['ok', 'partial', 'partial', 'partial'])
      expect(state.history('aws-iam', a2.id).map((h) => [h.status, h.deleted, h.heldBack])).toEqual([
        ['ok', 0, false],
        ['ok', 0, false],
        ['held', 0, true],
        ['ok', 80, false],
      ])
    } finally {
      state.close()
    }
  })
})

describe('connectors check, list and spec', () => {
  it('checks each account step by step, naming the first failing step and its fix (exit 1)', async () => {
    const seed = organization()
    const broken = JSON.parse(JSON.stringify(seed)) as Seed
    const second = broken.accounts[1] as Seed['accounts'][0]
    second.roles = second.roles.map((r) => ({ ...r, permissionPolicies: [allowPolicy(['iam:ListUsers', 'iam:ListGroups'])] }))
    const sandbox = await sandboxOf(broken)
    const dir = await mkdtemp(join(tmpdir(), 'connectors-e2e-'))
    const run = await cli(dir, ['check', '--config', await writeRunConfig(dir, sandbox, broken), '--json'])
    expect(run.code).toBe(1)
    const reports = JSON.parse(run.stdout) as Array<{ unit: string; report: { ok: boolean; steps: Array<{ step: string; status: string; error?: { fix?: string } }> } }>
    expect(reports.map((r) => [r.unit, r.report.ok])).toEqual([['acct-0', true], ['acct-1', false], ['acct-2', true]])
    expect(reports[1]?.report.steps.map((s) => `${s.step}:${s.status}`)).toEqual(['config:ok', 'sts:AssumeRole:ok', 'iam:ListUsers:ok', 'iam:ListGroups:ok', 'iam:GetGroup:failed'])
    expect(reports[1]?.report.steps[4]?.error?.fix).toContain("add iam:GetGroup to the role's permission policy")
    // A check makes one cheap call per permission: AssumeRole + 3 per account.
    expect(sandbox.stats().totalRequests).toBe(3 * 4)
  })

  it('lists installed connectors and prints a config schema', async () => {
    const list = await cli(process.cwd(), ['list'])
    expect(list.stdout).toBe('aws-iam\t0.1.0\tAWS IAM\naws-identity-center\t0.1.0\tAWS IAM Identity Center\n')
    const spec = await cli(process.cwd(), ['spec', 'aws-iam'])
    expect(JSON.parse(spec.stdout)).toMatchObject({ title: 'aws-iam config', required: ['roleArn'] })
    const help = await cli(process.cwd(), ['sync', '--help'])
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('--accept-drop')])
  })
})

describe('connectors: refusing bad input', () => {
  it('refuses a bad run config, naming each path, with exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'connectors-e2e-'))
    await writeFile(join(dir, 'run.json'), JSON.stringify({ connectors: [{ connector: '@connectors/aws-iam', accounts: [{ config: {} }] }], concurrency: 0 }))
    const run = await cli(dir, ['sync', '--config', 'run.json'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('connectors[0].accounts[0].name: is required (expected a string)')
    expect(run.stderr).toContain('concurrency: expected a whole number ≥ 1, got 0')
    expect(run.stderr).not.toMatch(/\n\s+at /)
    await writeFile(join(dir, 'env.yaml'), 'connectors:\n  - connector: "@connectors/aws-iam"\n    accounts:\n      - name: a\n        config: { externalId: "${env:NOT_SET_ANYWHERE}" }\n')
    const missing = await cli(dir, ['sync', '--config', 'env.yaml'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('connectors[0].accounts[0].config.externalId: environment variable NOT_SET_ANYWHERE is not set')
  })

  it('refuses modules that are not connectors, saying what is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'connectors-e2e-'))
    await writeFile(join(dir, 'empty.mjs'), 'export const nothing = 1\n')
    await writeFile(join(dir, 'half.mjs'), "export default { id: 'Half', displayName: 'x', version: '1', fetchers: {} }\n")
    await writeFile(join(dir, 'future.mjs'), "export default { manifest: { contractVersion: 99 } }\n")
    const runWith = async (module: string) => {
      await writeFile(join(dir, 'run.json'), JSON.stringify({ connectors: [{ connector: module, accounts: [] }] }))
      return cli(dir, ['sync', '--config', 'run.json'])
    }
    const empty = await runWith('./empty.mjs')
    expect([empty.code, empty.stderr]).toEqual([2, expect.stringContaining('is not a connector: it has neither a default export nor an export named "connector"')])
    const half = await runWith('./half.mjs')
    expect(half.code).toBe(2)
    expect(half.stderr).toContain('config: is required')
    expect(half.stderr).toContain('manifest: is required')
    const future = await runWith('./future.mjs')
    expect(future.stderr).toContain('was built for connector contract 99')
    const absent = await runWith('@connectors/does-not-exist')
    expect(absent.stderr).toContain('cannot load connector "@connectors/does-not-exist": no such package is installed\n  installed connectors: @connectors/aws-iam')
    expect(absent.stderr).not.toMatch(/packages\/runner|imported from/)
  })
})
