/** The CLI in-process, on a terminal: live progress on stderr, colours only where they belong, tables for people. */
import { delegatorEnv } from '@connectors/aws-sandbox'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EXTERNAL_ID, organization, sandboxOf, stopSandboxes, writeRunConfig } from './cli.e2e-harness.js'
import { createProgram, type Io } from './cli.js'

afterEach(async () => {
  vi.unstubAllEnvs()
  await stopSandboxes()
})
// The platform's base credentials come from the AWS default chain, which reads this process's environment.
beforeEach(() => {
  for (const [name, value] of Object.entries(delegatorEnv({}))) if (name.startsWith('AWS_') && value !== undefined) vi.stubEnv(name, value)
})

const ESC = /\u001b\[/

function terminal(dir: string, env: Record<string, string> = {}) {
  const streams = { out: '', err: '' }
  const io: Io = {
    out: (s) => void (streams.out += s),
    err: (s) => void (streams.err += s),
    env: delegatorEnv({ E2E_EXTERNAL_ID: EXTERNAL_ID, TERM: 'xterm-256color', ...env }),
    cwd: dir,
    stdoutIsTty: true,
    stderr: { write: (s: string) => (streams.err += s), isTTY: true, columns: 100, rows: 12 },
  }
  return { io, streams }
}

describe('connectors on a terminal', () => {
  it('draws live progress on stderr with the log lines above it, and prints a coloured recap', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed, { latencyMs: 20 })
    const dir = await mkdtemp(join(tmpdir(), 'connectors-tty-'))
    await writeRunConfig(dir, sandbox, seed)
    const { io, streams } = terminal(dir)
    expect(await createProgram(io).run(['--log-level', 'info', 'sync', '--config', 'run.json'])).toBe(0)
    const plain = streams.err.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
    expect(plain).toMatch(/\d+\/3 done/)
    expect(plain).toMatch(/\{"level":"info","time":"\d{4}-\d\d-\d\dT[\d:.]+Z","unit":"acct-0","connector":"aws-iam","msg":"unit started"\}/)
    expect(plain).toContain('"msg":"unit finished"')
    expect(streams.out).toMatch(ESC)
    expect(streams.out.replace(/\u001b\[[0-9;]*m/g, '')).toContain('3/3 accounts ok')
  })

  it('uses no colour with NO_COLOR, nor with TERM=dumb, where progress is plain lines', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed)
    const dir = await mkdtemp(join(tmpdir(), 'connectors-tty-'))
    await writeRunConfig(dir, sandbox, seed)
    const noColor = terminal(dir, { NO_COLOR: '1' })
    expect(await createProgram(noColor.io).run(['sync', '--config', 'run.json'])).toBe(0)
    expect(noColor.streams.out).not.toMatch(ESC)
    const dumb = terminal(dir, { TERM: 'dumb' })
    expect(await createProgram(dumb.io).run(['sync', '--config', 'run.json'])).toBe(0)
    expect(dumb.streams.out).not.toMatch(ESC)
    expect(dumb.streams.err).not.toMatch(ESC)
    expect(dumb.streams.out).toMatch(/^\[1\/3\] ok +aws-iam\/acct-\d: 120 users/m)
  })

  it('prints the check as a table when standard output is a terminal', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed)
    const dir = await mkdtemp(join(tmpdir(), 'connectors-tty-'))
    await writeRunConfig(dir, sandbox, seed)
    const { io, streams } = terminal(dir)
    expect(await createProgram(io).run(['check', '--config', 'run.json'])).toBe(0)
    expect(streams.out).toMatch(/^ok {4}aws-iam\/acct-0 \(\d{12}\) {2}config:ok → sts:AssumeRole:ok → iam:ListUsers:ok → iam:ListGroups:ok → iam:GetGroup:ok$/m)
  })

  it('writes logs for people with --log-format pretty', async () => {
    const seed = organization()
    const sandbox = await sandboxOf(seed)
    const dir = await mkdtemp(join(tmpdir(), 'connectors-tty-'))
    await writeRunConfig(dir, sandbox, seed)
    const { io, streams } = terminal(dir, { TERM: 'dumb' })
    expect(await createProgram(io).run(['--log-level', 'info', '--log-format', 'pretty', 'sync', '--config', 'run.json'])).toBe(0)
    expect(streams.err).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: unit started\n\s+unit: "acct-0"\n\s+connector: "aws-iam"$/m)
    expect(streams.err).not.toMatch(/^\{/m)
  })
})
