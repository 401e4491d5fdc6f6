/**
 * The output disk fills up mid-sync. The outputs go to a size-limited tmpfs (where this machine lets us mount one;
 * elsewhere one unit's users file is made impossible to put in place, an injected write error). Every unit that
 * reports ok must be byte-identical to a fault-free run of the same data (records but for their run id and time);
 * every unit that failed must say so with the fix, leave nothing behind, and keep its state where it was — the
 * next sync still reports its deletion.
 */
import { generateOrganization, startSandbox, type Sandbox, type Seed } from '@connectors/aws-sandbox'
import { recordsWithoutRun } from '@connectors/runner/testing'
import { execFileSync } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { platformEnv, startCli } from './cli.js'
import { EXTERNAL_ID, runConfig, type Verdict } from './matrix.js'

export const DISK_FULL = 'the output disk fills up mid-sync'

interface Envelope {
  readonly unit: string
  readonly status: string
  readonly counts: { readonly deleted: number }
  readonly errors: ReadonlyArray<{ readonly reason: string; readonly fix?: string }>
}

const shape = { accounts: 8, users: 150, groups: 8, members: 12 }

/** The seed with each account's last user gone, so a complete sync reports one deletion per account. */
function withOneLeaver(seed: Seed): Seed {
  const next = JSON.parse(JSON.stringify(seed)) as Seed
  for (const account of next.accounts) {
    const gone = account.users.pop()?.name
    account.groups = account.groups.map((g) => ({ ...g, members: g.members.filter((m) => m !== gone) }))
  }
  return next
}

async function sync(dir: string, config: string, out: string, state: string) {
  const run = await startCli(['sync', '--config', config, '--out', out, '--state', state, '--concurrency', '2'], dir, platformEnv({ CHAOS_EXTERNAL_ID: EXTERNAL_ID })).done
  const report = JSON.parse(await readFile(join(dir, out, 'report.json'), 'utf8')) as { units: Envelope[] }
  return { code: run.code, units: report.units }
}

async function sizeOf(path: string): Promise<number> {
  const entries = await readdir(path, { recursive: true, withFileTypes: true })
  const sizes = await Promise.all(entries.filter((e) => e.isFile()).map(async (e) => (await stat(join(e.parentPath, e.name))).size))
  return sizes.reduce((a, b) => a + b, 0)
}

/** Mounts a tmpfs of `bytes` at `path`; false where this machine does not allow it. */
function mountTmpfs(path: string, bytes: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${Math.ceil(bytes / 4096) * 4}k`, 'tmpfs', path], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const withoutRun = async (out: string, unit: string) => (await recordsWithoutRun(out, unit)).map((r) => JSON.stringify(r))
const usersFile = (out: string, unit: string) => readFile(join(out, 'torii', 'aws-iam', `${unit}.json`), 'utf8').catch(() => 'absent')

/** Runs the case; its verdict names what went wrong. */
export async function runDiskFull(): Promise<Verdict> {
  const started = Date.now()
  const problems: string[] = []
  const seed = generateOrganization({ ...shape, seed: 4711, externalId: () => EXTERNAL_ID })
  const dir = await mkdtemp(join(tmpdir(), 'chaos-disk-'))
  const full = join(dir, 'out-full')
  let mounted = false
  const sandboxes: Sandbox[] = []
  try {
    const before = await startSandbox({ seed })
    sandboxes.push(before)
    if ((await sync(dir, await runConfig(dir, before, seed, {}), 'out-first', 'state.db')).code !== 0) problems.push('the first, clean sync failed')
    for (const suffix of ['', '-wal']) await copyFile(join(dir, `state.db${suffix}`), join(dir, `state-clean.db${suffix}`)).catch(() => undefined)
    const after = await startSandbox({ seed: withOneLeaver(seed) })
    sandboxes.push(after)
    const config = await runConfig(dir, after, seed, {})
    const clean = await sync(dir, config, 'out-clean', 'state-clean.db')
    await mkdir(full)
    // Room for about half of what a fault-free run writes: the disk fills mid-sync.
    mounted = mountTmpfs(full, (await sizeOf(join(dir, 'out-clean'))) * 0.45)
    if (!mounted) await mkdir(join(full, 'torii', 'aws-iam', 'acct-3.json'), { recursive: true })
    const faulted = await sync(dir, config, 'out-full', 'state.db')
    const failed = faulted.units.filter((u) => u.status !== 'ok')
    if (faulted.units.length !== shape.accounts) problems.push(`report.json lists ${faulted.units.length} of ${shape.accounts} accounts`)
    if (failed.length === 0 || failed.length === faulted.units.length) problems.push(`expected some accounts to fail and some to finish, got ${failed.length} failed of ${faulted.units.length}`)
    if (faulted.code !== 1) problems.push(`exit code ${faulted.code}, expected 1`)
    let compared = 0
    let mismatches = 0
    for (const unit of faulted.units) {
      if (unit.status === 'ok') {
        const [got, expected] = [await withoutRun(full, unit.unit), await withoutRun(join(dir, 'out-clean'), unit.unit)]
        compared += expected.length
        mismatches += expected.filter((line, i) => got[i] !== line).length + Math.max(0, got.length - expected.length)
        if (got.join('\n') !== expected.join('\n')) problems.push(`${unit.unit}: records differ from the fault-free run`)
        if ((await usersFile(full, unit.unit)) !== (await usersFile(join(dir, 'out-clean'), unit.unit))) problems.push(`${unit.unit}: users file differs from the fault-free run`)
      } else if (unit.status !== 'failed' || unit.errors[0]?.reason !== 'Internal' || !(mounted ? /free space on the disk/ : /in the way of an output/).test(unit.errors[0]?.fix ?? '')) {
        problems.push(`${unit.unit}: expected failed with Internal and its fix, got ${unit.status} ${JSON.stringify(unit.errors)}`)
      }
    }
    const leftovers = (await readdir(full, { recursive: true })).filter((f) => /\.tmp-\d+$/.test(f) || f.startsWith('.staging'))
    if (leftovers.length > 0) problems.push(`temporaries left: ${leftovers.join(', ')}`)
    // The failed units' state did not move: the next sync, on a healthy disk, still reports their leaver.
    const healed = await sync(dir, config, 'out-healed', 'state.db')
    for (const unit of healed.units) {
      const expected = failed.some((f) => f.unit === unit.unit) ? 1 : 0
      if (unit.status !== 'ok' || unit.counts.deleted !== expected) problems.push(`${unit.unit}: after the fault, expected ok with ${expected} deleted, got ${unit.status} with ${unit.counts.deleted}`)
    }
    if (clean.units.some((u) => u.counts.deleted !== 1)) problems.push('the fault-free run did not report one deletion per account')
    return { name: `${DISK_FULL} (${mounted ? 'a full tmpfs' : 'an injected write error: no tmpfs could be mounted'})`, ok: problems.length === 0, problems, accounts: shape.accounts, faultsInjected: failed.length, recordsCompared: compared, mismatches, exitCode: faulted.code, seconds: (Date.now() - started) / 1000 }
  } finally {
    if (mounted) execFileSync('umount', [full])
    await Promise.all(sandboxes.map((s) => s.stop()))
    await rm(dir, { recursive: true, force: true })
  }
}
