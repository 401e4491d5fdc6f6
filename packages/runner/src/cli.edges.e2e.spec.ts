/** The CLI at its edges, as a platform engineer meets them: every mistake a clear message and the right exit code. */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { accountsOf, cli, linesOf, organization, sandboxOf, startCli, stopSandboxes, writeRunConfig } from './cli.e2e-harness.js'

afterEach(stopSandboxes)

const scratch = () => mkdtemp(join(tmpdir(), 'connectors-edges-'))
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at |internal error/)

describe('connectors sync: refusing what would make a run ambiguous', () => {
  it('refuses two accounts with one name, and one upstream account listed twice, naming both entries (exit 2, nothing written)', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed)
    const dir = await scratch()
    const [a, b] = accountsOf(sandbox, seed)
    await writeFile(join(dir, 'run.json'), JSON.stringify({ connectors: [{ connector: '@connectors/aws-iam', accounts: [a, { ...b, name: 'acct-0' }, { ...a, name: 'again' }] }] }))
    const run = await cli(dir, ['sync', '--config', 'run.json'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('connectors[0].accounts[1].name: "acct-0" is already the name of connectors[0].accounts[0]; give every account its own name')
    expect(run.stderr).toContain(`connectors[0].accounts[2] ("again"): addresses aws-iam account ${seed.accounts[0]?.id}, as connectors[0].accounts[0] ("acct-0") does; list each account once`)
    noStack(run.stderr)
    expect(await readdir(dir)).toEqual(['run.json'])
    expect(sandbox.stats().totalRequests).toBe(0)
  })

  it('names output files after the run config, never after upstream data, and keeps them inside the output folder', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed)
    const dir = await scratch()
    const [a] = accountsOf(sandbox, seed)
    await writeFile(join(dir, 'run.json'), JSON.stringify({ connectors: [{ connector: '@connectors/aws-iam', accounts: [{ ...a, name: '../../escape/me' }] }] }))
    const run = await cli(dir, ['sync', '--config', 'run.json'])
    expect(run.code).toBe(0)
    expect(await readdir(join(dir, 'out', 'torii', 'aws-iam'))).toEqual(['_._.._escape_me.json'])
    expect(await readdir(join(dir, 'out', 'records', 'aws-iam'))).toEqual(['_._.._escape_me.ndjson'])
    expect(existsSync(join(dir, 'escape'))).toBe(false)
  })
})

describe('connectors sync: one run at a time per state file and output folder', () => {
  /** Waits until a lock's holder file names `pid` (the file exists, still empty, before its holder writes it). */
  const holding = async (holderFile: string, pid: number | undefined) => {
    while (!existsSync(holderFile) || !(await readFile(holderFile, 'utf8')).includes(`"pid":${pid}`)) await new Promise((r) => setTimeout(r, 10))
  }

  it('lets one of two simultaneous runs on one state file through and refuses the other, naming it (exit 3); nothing is corrupted', async () => {
    const seed = organization()
    // Slow enough (about 12 s) that the first run still holds its locks while a second CLI starts on a busy machine.
    const sandbox = await sandboxOf(seed, { latencyMs: 500, shortPageSize: 10 })
    const dir = await scratch()
    await writeRunConfig(dir, sandbox, seed)
    const first = startCli(dir, ['sync', '--config', 'run.json', '--out', 'out-a'])
    await holding(join(dir, '.connectors', 'state.db.lock-holder.json'), first.child.pid)
    const second = await cli(dir, ['sync', '--config', 'run.json', '--out', 'out-b'])
    expect(second.code).toBe(3)
    expect(second.stderr).toMatch(new RegExp(`the state file .*state\\.db is in use by another run \\(pid ${first.child.pid} on ${hostname()}, started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, run [0-9a-f-]{36}\\)`))
    noStack(second.stderr)
    expect((await first.done).code).toBe(0)
    expect(existsSync(join(dir, 'out-b'))).toBe(true)
    expect(await readdir(join(dir, 'out-b'))).toEqual(['.run.lock'])
    // The lock is gone with its run; the next run goes through and finds the first run's snapshot intact.
    const third = await cli(dir, ['sync', '--config', 'run.json', '--out', 'out-c'])
    expect(third.code).toBe(0)
    expect(third.stdout).toContain('3/3 accounts ok')
    expect((await linesOf(dir, 'out-c')).filter((l) => l.data.status === 'deleted')).toEqual([])
  })

  it('leaves no lock behind when a run is killed, and refuses an output folder a live run holds', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed, { latencyMs: 400, shortPageSize: 10 })
    const dir = await scratch()
    await writeRunConfig(dir, sandbox, seed)
    const killed = startCli(dir, ['sync', '--config', 'run.json'])
    await holding(join(dir, 'out', '.run.lock-holder.json'), killed.child.pid)
    killed.child.kill('SIGKILL')
    await killed.done
    // While the third run, started once the second holds the folder, starts up and asks for it, every round trip of
    // the second takes 3 s: even a loaded machine's slow start-up finds the second still holding it.
    sandbox.setFaults(undefined, { latencyMs: 3000, shortPageSize: 10 })
    // The operating system took the dead run's locks back: the next run goes through at once.
    const next = startCli(dir, ['sync', '--config', 'run.json', '--state', 'other.db'])
    await holding(join(dir, 'out', '.run.lock-holder.json'), next.child.pid)
    const refused = await cli(dir, ['sync', '--config', 'run.json', '--state', 'third.db'])
    sandbox.setFaults(undefined, { shortPageSize: 10 })
    expect(refused.code).toBe(3)
    expect(refused.stderr).toContain(`the output folder ${join(dir, 'out')} is in use by another run (pid ${next.child.pid} on ${hostname()}`)
    expect(refused.stderr).toContain('Wait for that run to finish, or give this run another one')
    expect((await next.done).code).toBe(0)
  })
})

describe('connectors: user mistakes are exit 2 with a message, never a stack', () => {
  it('--out naming a file, an unwritable --state, an unknown log level, an unknown flag', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed)
    const dir = await scratch()
    await writeRunConfig(dir, sandbox, seed)
    await writeFile(join(dir, 'a-file'), 'x')
    const outFile = await cli(dir, ['sync', '--config', 'run.json', '--out', 'a-file'])
    expect([outFile.code, outFile.stderr]).toEqual([2, `connectors: --out a-file: ${join(dir, 'a-file')} is a file, not a folder; give a path in a writable folder\n`])
    const state = await cli(dir, ['sync', '--config', 'run.json', '--state', 'a-file/state.db'])
    expect(state.code).toBe(2)
    expect(state.stderr).toBe(`connectors: --state a-file/state.db: ${join(dir, 'a-file')} is a file, not a folder; give a path in a writable folder\n`)
    const level = await cli(dir, ['--log-level', 'verbose', 'sync', '--config', 'run.json'])
    expect(level.code).toBe(2)
    expect(level.stderr).toContain("argument 'verbose' is invalid. Allowed choices are fatal, error, warn, info, debug, trace, silent.")
    const flag = await cli(dir, ['sync', '--config', 'run.json', '--concurency', '4'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain("unknown option '--concurency'\n(Did you mean --concurrency?)")
    for (const run of [outFile, state, level, flag]) noStack(run.stderr)
    expect(sandbox.stats().totalRequests).toBe(0)
  })

  it('--account runs a subset, and an unknown name suggests the closest', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed)
    const dir = await scratch()
    await writeRunConfig(dir, sandbox, seed)
    const subset = await cli(dir, ['sync', '--config', 'run.json', '--account', 'acct-2', '--account', 'acct-0'])
    expect(subset.code).toBe(0)
    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')) as { units: Array<{ unit: string }> }
    expect(report.units.map((u) => u.unit)).toEqual(['acct-0', 'acct-2'])
    const typo = await cli(dir, ['sync', '--config', 'run.json', '--account', 'acct-9', '--account', 'act-1'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('--account acct-9: no account of the run config has this name — did you mean "acct-0"?')
    expect(typo.stderr).toContain('--account act-1: no account of the run config has this name — did you mean "acct-1"?')
  })
})

describe('connectors: paths, standard input and the commands that run nothing upstream', () => {
  it("resolves a run config's relative paths against its own folder, and reads a run config from standard input", async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed)
    const dir = await scratch()
    const elsewhere = await scratch()
    await mkdir(join(dir, 'configs'))
    await writeRunConfig(join(dir, 'configs'), sandbox, seed, {}, { out: 'results', state: 'db/state.db' })
    expect((await cli(elsewhere, ['sync', '--config', join(dir, 'configs', 'run.json')])).code).toBe(0)
    expect(existsSync(join(dir, 'configs', 'results', 'report.json'))).toBe(true)
    expect(existsSync(join(dir, 'configs', 'db', 'state.db'))).toBe(true)
    expect(await readdir(elsewhere)).toEqual([])
    const piped = await cli(elsewhere, ['sync', '--config', '-'], {}, await readFile(join(dir, 'configs', 'run.json'), 'utf8'))
    expect(piped.code).toBe(0)
    expect(existsSync(join(elsewhere, 'results', 'report.json'))).toBe(true)
  })

  it("names the platform once: accounts without an ExternalId present the organization id", async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed)
    const dir = await scratch()
    const accounts = accountsOf(sandbox, seed).map(({ config: { externalId: _externalId, ...config }, ...account }) => ({ ...account, config }))
    await writeFile(join(dir, 'run.json'), JSON.stringify({ platform: { organizationId: '${env:E2E_EXTERNAL_ID}', principalArn: 'arn:aws:iam::999999999999:role/connectors-delegator' }, connectors: [{ connector: '@connectors/aws-iam', accounts }] }))
    const run = await cli(dir, ['sync', '--config', 'run.json'])
    expect([run.code, run.stdout]).toEqual([0, expect.stringContaining('3/3 accounts ok')])
    // Without either, the account names the field to set and nothing is called for it.
    await writeFile(join(dir, 'bare.json'), JSON.stringify({ connectors: [{ connector: '@connectors/aws-iam', accounts: accounts.slice(0, 1) }] }))
    const bare = await cli(dir, ['sync', '--config', 'bare.json', '--out', 'bare-out'])
    expect(bare.code).toBe(1)
    expect(bare.stdout).toContain('externalId: is required — set it on the account, or platform.organizationId in the run config')
  })

  it('validates a run config without touching the network, listing every problem at once', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed)
    const dir = await scratch()
    const [a, b, c] = accountsOf(sandbox, seed)
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ connectors: [{ connector: '@connectors/aws-iam', accounts: [a, { ...b, name: 'acct-0' }, { ...c, config: { ...c?.config, roleArn: 'arn:aws:iam::12:role/x' } }] }] }))
    const bad = await cli(dir, ['validate', '--config', 'bad.json'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('run config bad.json: 2 problems')
    expect(bad.stderr).toContain('connectors[0].accounts[1].name: "acct-0" is already the name of connectors[0].accounts[0]')
    expect(bad.stderr).toMatch(/connectors\[0\]\.accounts\[2\]\.config\.roleArn: expected .*got "arn:aws:iam::12:role\/x"/)
    await writeRunConfig(dir, sandbox, seed)
    const good = await cli(dir, ['validate', '--config', 'run.json'])
    expect([good.code, good.stdout]).toEqual([0, 'run config run.json is valid: 3 accounts of aws-iam\n'])
    expect(sandbox.stats().totalRequests).toBe(0)
  })

  it('lists, describes and renders from any folder; prints its version and shell completion', async () => {
    const dir = await scratch()
    const list = await cli(dir, ['list', '--json'])
    expect(JSON.parse(list.stdout)).toEqual([
      { id: 'aws-iam', package: '@connectors/aws-iam', version: '0.1.0', displayName: 'AWS IAM', entities: ['users', 'groups', 'memberships'], licenseTypes: ['AWS IAM'] },
      { id: 'aws-identity-center', package: '@connectors/aws-identity-center', version: '0.1.0', displayName: 'AWS IAM Identity Center', entities: ['users', 'groups', 'memberships'], licenseTypes: ['AWS IAM Identity Center'] },
    ])
    const spec = await cli(dir, ['spec', 'aws-iam'])
    expect(JSON.parse(spec.stdout)).toMatchObject({ title: 'aws-iam config' })
    const runConfigSchema = JSON.parse((await cli(dir, ['spec', '--run-config'])).stdout) as { title: string; additionalProperties: boolean; required: string[] }
    expect(runConfigSchema).toMatchObject({ title: 'connectors run config', additionalProperties: false, required: ['connectors'] })
    const unknown = await cli(dir, ['spec', 'aws-im'])
    expect([unknown.code, unknown.stderr]).toEqual([2, 'connectors: no installed connector is named "aws-im" — did you mean "aws-iam"?; installed: aws-iam, aws-identity-center\n'])
    expect((await cli(dir, ['capabilities'])).stdout).toContain('| AWS IAM (`aws-iam` 0.1.0) |')
    const version = await cli(dir, ['--version'])
    expect(version.stdout).toBe(`${(JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`)
    const completion = await cli(dir, ['completion', 'bash'])
    expect(completion.stdout).toContain('complete -F _connectors connectors')
    const help = await cli(dir, ['sync', '--help'])
    expect(help.stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 .*\n\s+3 .*locked.*\n\s+70 .*\n\s+130 .*interrupted/)
  })
})

describe('connectors sync: interrupted', () => {
  it('on SIGINT stops, writes report.json with the interrupted accounts, leaves no temporaries, applies nothing of them (exit 130)', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed, { latencyMs: 60, shortPageSize: 10 })
    const dir = await scratch()
    await writeRunConfig(dir, sandbox, seed)
    const run = startCli(dir, ['sync', '--config', 'run.json', '--log-level', 'info'])
    while (sandbox.stats().totalRequests < 8) await new Promise((r) => setTimeout(r, 10))
    run.child.kill('SIGINT')
    const ended = await run.done
    expect(ended.code).toBe(130)
    expect(ended.stderr).toMatch(/"msg":"interrupted: stopping the running accounts/)
    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')) as { interrupted: boolean; units: Array<{ status: string }> }
    expect(report.interrupted).toBe(true)
    expect(report.units.map((u) => u.status)).toEqual(['interrupted', 'interrupted', 'interrupted'])
    expect(ended.stdout).toContain('interrupted: nothing of this account was applied')
    const files = (await readdir(join(dir, 'out'), { recursive: true, withFileTypes: true })).filter((f) => f.isFile()).map((f) => f.name)
    expect(files.filter((f) => !f.startsWith('.run.lock'))).toEqual(['report.json'])
    expect(existsSync(join(dir, '.connectors', 'state.db.lock-holder.json'))).toBe(false)
  })
})
