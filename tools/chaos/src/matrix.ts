/**
 * The fault matrix: each case seeds an organization, syncs it once cleanly (so there is a snapshot to wrongly
 * delete from), injects its fault, syncs again with the real CLI, and compares every byte of output with the
 * seed. Verdicts name what failed.
 */
import { allowPolicy, generateOrganization, startSandbox, type Faults, type Sandbox, type Seed } from '@connectors/aws-sandbox'
import { allBytesUnder } from '@connectors/aws-sandbox/testing'
import { readRecords, recordFiles } from '@connectors/runner/testing'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { platformEnv, startCli, type CliRun } from './cli.js'
import { compareIdentityCenter, identityCenterAccounts } from './identity-center.js'

export const EXTERNAL_ID = 'org-chaos-4711'

/** An account the case breaks on purpose, and what the report must say about it. */
interface Broken {
  readonly index: number
  readonly status: 'failed' | 'partial'
  readonly reason: string
  readonly fix: RegExp
}

/** One row of the matrix. */
export interface ChaosCase {
  readonly name: string
  readonly shape: { readonly accounts: number; readonly users: number; readonly groups: number; readonly members: number }
  readonly faults?: Faults
  /** Breaks accounts in the seed (before either sync). */
  readonly mutate?: (seed: Seed) => void
  readonly broken?: ReadonlyArray<Broken>
  /** Every account fails this way (e.g. the platform's own keys are rejected). */
  readonly allBroken?: Omit<Broken, 'index'>
  readonly env?: Record<string, string>
  readonly connectorConfig?: Record<string, unknown>
  readonly expectedExit: number
  /** SIGKILL the sync after this many upstream requests; then a clean rerun must be correct. */
  readonly killAfterRequests?: number
  /** Seed every account with an Identity Store and sync it with the Identity Center connector too. */
  readonly identityCenter?: boolean
}

/** What a case found. */
export interface Verdict {
  readonly name: string
  readonly ok: boolean
  readonly problems: ReadonlyArray<string>
  readonly accounts: number
  readonly faultsInjected: number
  readonly recordsCompared: number
  readonly mismatches: number
  readonly exitCode: number | null
  readonly seconds: number
}

const withGetGroupRemoved = (index: number) => (seed: Seed) => {
  const a = seed.accounts[index]
  if (a !== undefined) a.roles = a.roles.map((r) => ({ ...r, permissionPolicies: [allowPolicy(['iam:ListUsers', 'iam:ListGroups'])] }))
}
const withWrongExternalId = (index: number) => (seed: Seed) => {
  const a = seed.accounts[index]
  if (a !== undefined) a.roles = a.roles.map((r) => ({ ...r, trustPolicy: JSON.parse(JSON.stringify(r.trustPolicy).replace(EXTERNAL_ID, 'org-someone-else')) as typeof r.trustPolicy }))
}
const withRoleRemoved = (index: number) => (seed: Seed) => {
  const a = seed.accounts[index]
  if (a !== undefined) a.roles = []
}

const busy = { accounts: 8, users: 150, groups: 8, members: 12 }
const fifty = { accounts: 50, users: 30, groups: 3, members: 5 }
const TRUST_FIX = /make sure role ConnectorsReadOnly exists and its trust policy allows the platform's principal with sts:ExternalId/

/** The full matrix. */
export const matrix: ReadonlyArray<ChaosCase> = [
  { name: 'throttling storm (50% of calls)', shape: busy, identityCenter: true, faults: { throttleRate: 0.5, shortPageSize: 40 }, expectedExit: 0 },
  { name: '5% ServiceFailure', shape: busy, identityCenter: true, faults: { serviceFailureRate: 0.05, shortPageSize: 40 }, expectedExit: 0 },
  { name: 'connection resets (5%)', shape: busy, identityCenter: true, faults: { resetRate: 0.05, shortPageSize: 40 }, expectedExit: 0 },
  { name: 'stalled responses beyond the client timeout (3%)', shape: busy, identityCenter: true, faults: { stallRate: 0.03, stallMs: 2_500, shortPageSize: 40 }, connectorConfig: { requestTimeoutMs: 1_000 }, expectedExit: 0 },
  { name: 'malformed responses (5%: XML and JSON cut short)', shape: busy, identityCenter: true, faults: { malformedRate: 0.05, shortPageSize: 40 }, expectedExit: 0 },
  { name: 'session expiry mid-sync', shape: { accounts: 4, users: 150, groups: 8, members: 12 }, identityCenter: true, faults: { sessionLifetimeSeconds: 1, latencyMs: 100, shortPageSize: 10 }, expectedExit: 0 },
  {
    name: "the platform's base credentials rejected",
    shape: { accounts: 5, users: 30, groups: 3, members: 5 },
    env: { AWS_SECRET_ACCESS_KEY: 'revoked/secret/0000000000000000000000000' },
    allBroken: { status: 'failed', reason: 'AuthFailed', fix: /check the platform credentials in the AWS default chain/ },
    expectedExit: 1,
  },
  { name: 'one account among 50 with a wrong ExternalId', shape: fifty, mutate: withWrongExternalId(17), broken: [{ index: 17, status: 'failed', reason: 'AuthFailed', fix: TRUST_FIX }], expectedExit: 1 },
  {
    name: 'one account among 50 missing iam:GetGroup',
    shape: fifty,
    mutate: withGetGroupRemoved(31),
    broken: [{ index: 31, status: 'partial', reason: 'AccessDenied', fix: /add iam:GetGroup to the role's permission policy/ }],
    expectedExit: 1,
  },
  { name: 'one account among 50 whose role does not exist', shape: fifty, mutate: withRoleRemoved(5), broken: [{ index: 5, status: 'failed', reason: 'AuthFailed', fix: TRUST_FIX }], expectedExit: 1 },
  { name: 'the process killed mid-sync (SIGKILL), then synced again', shape: busy, identityCenter: true, faults: { latencyMs: 40, shortPageSize: 20 }, killAfterRequests: 40, expectedExit: 0 },
]

interface Line {
  readonly type: string
  readonly unit: string
  readonly data: { readonly id: string; readonly username?: string; readonly name?: string; readonly status?: string; readonly roles?: ReadonlyArray<string>; readonly groupName?: string; readonly userId?: string }
}

/**
 * A run config with one account per seeded account (`acct-<i>`), the ExternalId from the environment; and for each
 * account with an Identity Store, an Identity Center account (`idc-<i>`) with the same `extra` settings.
 */
export async function runConfig(dir: string, sandbox: Sandbox, seed: Seed, extra: Record<string, unknown>): Promise<string> {
  const file = join(dir, 'run.json')
  const accounts = seed.accounts.map((a, i) => ({
    name: `acct-${i}`,
    config: { roleArn: `arn:aws:iam::${a.id}:role/ConnectorsReadOnly`, externalId: '${env:CHAOS_EXTERNAL_ID}', endpoints: { sts: sandbox.endpoint, iam: sandbox.endpoint }, email: { template: '{username}@chaos.example' }, ...extra },
  }))
  const idc = identityCenterAccounts(seed, sandbox, extra)
  await writeFile(file, JSON.stringify({ connectors: [{ connector: '@connectors/aws-iam', accounts }, ...(idc.length > 0 ? [{ connector: '@connectors/aws-identity-center', accounts: idc }] : [])] }))
  return file
}

async function everyByte(dir: string, runs: ReadonlyArray<CliRun>): Promise<string> {
  return runs.map((r) => r.stdout + r.stderr).join('') + (await allBytesUnder(join(dir, 'out')))
}

/** Compares the outputs with the seed: every healthy account exactly, the broken ones by reason and fix. */
async function compare(c: ChaosCase, seed: Seed, dir: string, problems: string[]): Promise<{ compared: number; mismatches: number }> {
  const lines = (await readRecords(join(dir, 'out'))) as unknown as Line[]
  const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')) as { units: Array<{ unit: string; status: string; errors: Array<{ reason: string; fix?: string }> }> }
  let compared = 0
  let mismatches = 0
  const deleted = lines.filter((l) => l.data.status === 'deleted')
  if (deleted.length > 0) problems.push(`${deleted.length} user(s) marked deleted because of a fault`)
  for (const [i, account] of seed.accounts.entries()) {
    const name = `acct-${i}`
    const envelope = report.units.find((a) => a.unit === name)
    const broken = c.allBroken ?? c.broken?.find((b) => b.index === i)
    if (broken !== undefined) {
      const error = envelope?.errors.find((e) => e.reason === broken.reason)
      if (envelope?.status !== broken.status || error === undefined || !broken.fix.test(error.fix ?? '')) {
        problems.push(`${name}: expected ${broken.status} with ${broken.reason} and its fix, got ${envelope?.status} ${JSON.stringify(envelope?.errors.map((e) => [e.reason, e.fix]))}`)
      }
      continue
    }
    if (envelope?.status !== 'ok') problems.push(`${name}: expected ok, got ${envelope?.status} ${JSON.stringify(envelope?.errors.map((e) => e.reason))}`)
    const users = lines.filter((l) => l.type === 'user' && l.unit === name).map((l) => l.data)
    const expectedUsers = account.users.map((u) => ({ id: u.id, username: u.name, roles: account.groups.filter((g) => g.members.includes(u.name)).map((g) => g.name) }))
    const gotUsers = users.map((u) => ({ id: u.id, username: u.username, roles: u.roles }))
    const memberships = lines.filter((l) => l.type === 'membership' && l.unit === name).map((l) => `${l.data.groupName}/${l.data.userId}`)
    const expectedMemberships = account.groups.flatMap((g) => g.members.map((m) => `${g.name}/${account.users.find((u) => u.name === m)?.id}`))
    const groups = lines.filter((l) => l.type === 'group' && l.unit === name).map((l) => l.data.name)
    compared += expectedUsers.length + expectedMemberships.length + account.groups.length
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
    if (!same(gotUsers, expectedUsers)) {
      mismatches++
      problems.push(`${name}: users differ from the seed (${gotUsers.length} vs ${expectedUsers.length})`)
    }
    if (!same([...memberships].sort(), [...expectedMemberships].sort())) {
      mismatches++
      problems.push(`${name}: memberships differ from the seed (${memberships.length} vs ${expectedMemberships.length})`)
    }
    if (!same(groups, account.groups.map((g) => g.name))) {
      mismatches++
      problems.push(`${name}: groups differ from the seed`)
    }
  }
  const idc = compareIdentityCenter(seed, lines, (unit) => report.units.find((a) => a.unit === unit)?.status, problems)
  return { compared: compared + idc.compared, mismatches: mismatches + idc.mismatches }
}

/** Runs one case end to end. */
export async function runCase(c: ChaosCase): Promise<Verdict> {
  const started = Date.now()
  const problems: string[] = []
  const seed = generateOrganization({ ...c.shape, seed: 4711, externalId: () => EXTERNAL_ID, identityStore: c.identityCenter === true })
  c.mutate?.(seed)
  const sandbox = await startSandbox({ seed, randomSeed: 99 })
  const dir = await mkdtemp(join(tmpdir(), 'chaos-'))
  const runs: CliRun[] = []
  try {
    const config = await runConfig(dir, sandbox, seed, c.connectorConfig ?? {})
    const args = ['sync', '--config', config, '--out', 'out', '--state', 'state.db', '--log-level', 'info']
    const env = platformEnv({ CHAOS_EXTERNAL_ID: EXTERNAL_ID })
    let exitCode: number | null
    if (c.killAfterRequests !== undefined) {
      sandbox.setFaults(undefined, c.faults ?? {})
      const { child, done } = startCli(args, dir, env)
      while (sandbox.stats().totalRequests < c.killAfterRequests && child.exitCode === null) await new Promise((r) => setTimeout(r, 20))
      child.kill('SIGKILL')
      const killed = await done
      runs.push(killed)
      if (killed.signal !== 'SIGKILL') problems.push(`the sync ended (${killed.code}) before it could be killed`)
      if (existsSync(join(dir, 'out', 'report.json'))) problems.push('report.json exists after the kill')
      for (const file of await recordFiles(join(dir, 'out'))) {
        const text = await readFile(file, 'utf8')
        if (text !== '' && !text.endsWith('\n')) problems.push(`a half-written records file: ${file}`)
      }
      for (const torii of ['aws-iam', 'aws-identity-center'].map((connector) => join(dir, 'out', 'torii', connector))) {
        for (const f of existsSync(torii) ? await readdir(torii) : []) {
          if (!f.endsWith('.json')) continue
          try {
            JSON.parse(await readFile(join(torii, f), 'utf8'))
          } catch {
            problems.push(`a half-written users file: ${f}`)
          }
        }
      }
      sandbox.setFaults(undefined, {})
      const rerun = await startCli(args, dir, env).done
      runs.push(rerun)
      exitCode = rerun.code
      const leftovers = (await readdir(join(dir, 'out'), { recursive: true })).filter((f) => f.includes('.tmp-') || f.startsWith('.staging'))
      if (leftovers.length > 0) problems.push(`temporary files left after the rerun: ${leftovers.join(', ')}`)
    } else {
      runs.push(await startCli(args, dir, env).done)
      sandbox.setFaults(undefined, c.faults ?? {})
      const faulted = await startCli(args, dir, { ...env, ...c.env }).done
      runs.push(faulted)
      exitCode = faulted.code
    }
    if (exitCode !== c.expectedExit) problems.push(`exit code ${exitCode}, expected ${c.expectedExit}: ${runs.at(-1)?.stderr.split('\n').find((l) => l.includes('connectors:')) ?? ''}`)
    const { compared, mismatches } = await compare(c, seed, dir, problems)
    const bytes = await everyByte(dir, runs)
    const leaked = [...sandbox.state.issuedSecrets, EXTERNAL_ID, c.env?.['AWS_SECRET_ACCESS_KEY']].filter((s): s is string => s !== undefined && bytes.includes(s))
    if (leaked.length > 0) problems.push(`${leaked.length} secret(s) appeared in the CLI's output`)
    const stats = sandbox.stats()
    if ((stats.notes['assumeRoleWithoutExternalId'] ?? 0) > 0) problems.push('AssumeRole was called without an ExternalId')
    // Every injected fault is in stats.faults (throttles from buckets and from rates alike); expiries show as outcomes.
    const expired = stats.requests.filter((r) => r.outcome === 'ExpiredToken').reduce((n, r) => n + r.count, 0)
    const faultsInjected = Object.values(stats.faults).reduce((a, b) => a + b, 0) + expired
    if (c.faults !== undefined && c.killAfterRequests === undefined && faultsInjected === 0) problems.push('no fault was injected: the case proves nothing')
    return { name: c.identityCenter === true ? `${c.name} (IAM + Identity Center)` : c.name, ok: problems.length === 0, problems, accounts: seed.accounts.length * (c.identityCenter === true ? 2 : 1), faultsInjected, recordsCompared: compared, mismatches, exitCode, seconds: (Date.now() - started) / 1000 }
  } finally {
    await sandbox.stop()
    await rm(dir, { recursive: true, force: true })
  }
}
