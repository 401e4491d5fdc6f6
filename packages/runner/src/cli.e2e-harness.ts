/** Shared by the CLI's end-to-end specs: the CLI as a child process, the sandbox, and run configs for it. */
import { delegatorEnv, generateOrganization, startSandbox, type Sandbox, type Seed } from '@connectors/aws-sandbox'
import { allBytesUnder } from '@connectors/aws-sandbox/testing'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readRecords } from './testing.js'

export const CLI = fileURLToPath(new URL('../bin/connectors.js', import.meta.url))
export const EXTERNAL_ID = 'org-e2e-secret-77'
const sandboxes: Sandbox[] = []

/** Stops every sandbox started since the last call (an `afterEach`). */
export const stopSandboxes = () => Promise.all(sandboxes.splice(0).map((s) => s.stop()))

export function organization(): Seed {
  return generateOrganization({ accounts: 3, users: 120, groups: 6, members: 15, seed: 11, externalId: () => EXTERNAL_ID })
}

export async function sandboxOf(seed: Seed, faults: Parameters<typeof startSandbox>[0]['faults'] = {}): Promise<Sandbox> {
  const s = await startSandbox({ seed, faults: { shortPageSize: 50, ...faults } })
  sandboxes.push(s)
  return s
}

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const envOf = (dir: string, env: Record<string, string>) => delegatorEnv({ HOME: dir, E2E_EXTERNAL_ID: EXTERNAL_ID, ...env })

/** Runs the CLI to its end in `dir`, with `input` on its standard input. */
export async function cli(dir: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { cwd: dir, env: envOf(dir, env), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    )
    child.stdin?.end(input ?? '')
  })
}

/** Starts the CLI in `dir`; `done` resolves when it exits. */
export function startCli(dir: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Run & { signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: envOf(dir, env), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  return { child, done: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }))) }
}

/** The run config's accounts for a sandbox: one per seeded account, named `acct-<i>`. */
export function accountsOf(sandbox: Sandbox, seed: Seed, roles: Record<number, string> = {}) {
  return seed.accounts.map((a, i) => ({
    name: `acct-${i}`,
    config: { roleArn: `arn:aws:iam::${a.id}:role/${roles[i] ?? 'ConnectorsReadOnly'}`, externalId: '${env:E2E_EXTERNAL_ID}', email: { template: '{username}@e2e.example' }, endpoints: { sts: sandbox.endpoint, iam: sandbox.endpoint } },
  }))
}

export async function writeRunConfig(dir: string, sandbox: Sandbox, seed: Seed, roles: Record<number, string> = {}, extra: Record<string, unknown> = {}): Promise<string> {
  const file = join(dir, 'run.json')
  await writeFile(file, JSON.stringify({ connectors: [{ connector: '@connectors/aws-iam', accounts: accountsOf(sandbox, seed, roles) }], ...extra }))
  return file
}

export interface Line {
  type: string
  unit: string
  accountId: string
  data: { id: string; username: string; status: string; roles: string[]; email?: string }
}
export const linesOf = async (dir: string, out = 'out'): Promise<Line[]> => (await readRecords(join(dir, out))) as unknown as Line[]

export async function allBytes(dir: string, run: Run): Promise<string> {
  return run.stdout + run.stderr + (await allBytesUnder(join(dir, 'out')))
}
