/** Running the `connectors` CLI as a child process, as users run it. */
import { delegatorEnv } from '@connectors/aws-sandbox'
import { spawn, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const CLI = join(ROOT, 'packages', 'runner', 'bin', 'connectors.js')

/** What a CLI run printed and how it ended. */
export interface CliRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** The environment of a platform host: the sandbox delegator's base keys. */
export const platformEnv = (overrides: Record<string, string> = {}) => delegatorEnv(overrides)

/** Starts the CLI; `done` resolves when it exits. */
export function startCli(args: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const done = new Promise<CliRun>((resolveRun) => child.once('exit', (code, signal) => resolveRun({ code, signal, stdout, stderr })))
  return { child, done }
}
