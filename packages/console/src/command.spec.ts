/**
 * `connectors console` as a user runs it: the installed CLI in a child process, serving the installed connectors
 * on loopback until Ctrl-C, or off loopback only with a token; bad options are exit 2 before anything listens.
 */
import { delegatorEnv } from '@connectors/aws-sandbox'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { call, ORGANIZATION_ID, PRINCIPAL_ARN } from './console.e2e-harness.js'

/** The CLI as the workspace installs it (what `npx connectors` runs). */
const CLI = fileURLToPath(new URL('../../../node_modules/@connectors/runner/bin/connectors.js', import.meta.url))

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-cli-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

/** Starts the CLI; `url` resolves with the address it prints, `exit` with its code and output. */
function start(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'console', '--state', join(dir, 'state.db'), '--out', join(dir, 'out'), ...args], { cwd: dir, env: delegatorEnv({ HOME: dir }), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  const url = new Promise<string>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      const found = /Integrations console: (\S+)/.exec(stdout)?.[1]
      if (found !== undefined) resolve(found)
    })
  })
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })))
  return { child, url, exit }
}

describe('connectors console', () => {
  it('serves the installed connectors on loopback, prints its address, and stops cleanly on Ctrl-C', async () => {
    const port = await freePort()
    const run = start(['--port', String(port), '--org', ORGANIZATION_ID, '--principal', PRINCIPAL_ARN])
    const url = await run.url
    expect(url).toBe(`http://127.0.0.1:${port}/`)
    expect((await call(url)).status).toBe(200)
    const overview = (await call(new URL('/api/overview', url).href)).json<{ connectors: Array<{ id: string }>; platform: unknown }>()
    expect(overview.connectors.map((c) => c.id)).toContain('aws-iam')
    expect(overview.platform).toEqual({ organizationId: ORGANIZATION_ID, principalArn: PRINCIPAL_ARN })
    run.child.kill('SIGINT')
    const { code, stdout } = await run.exit
    expect(code).toBe(0)
    expect(stdout).toContain('Ctrl-C stops it.')
  }, 60_000)

  it('off loopback without --token, prints a generated token that every request then needs', async () => {
    const run = start(['--port', String(await freePort()), '--host', '0.0.0.0', '--org', ORGANIZATION_ID, '--principal', PRINCIPAL_ARN])
    const url = new URL(await run.url)
    const token = url.searchParams.get('token') ?? ''
    expect(token).toMatch(/^[\w-]{43}$/)
    const local = `http://127.0.0.1:${url.port}/api/overview`
    expect((await call(local)).status).toBe(401)
    expect((await call(local, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    run.child.kill('SIGINT')
    const { code, stdout } = await run.exit
    expect(code).toBe(0)
    expect(stdout).toContain('is not loopback: every request needs the token')
  }, 60_000)

  it('refuses bad options with exit 2, naming the option, before anything listens', async () => {
    const short = await start(['--host', '0.0.0.0', '--token', 'short']).exit
    expect(short.code).toBe(2)
    expect(short.stderr).toContain('--token: at least 16 characters')
    const principal = await start(['--org', ORGANIZATION_ID, '--principal', 'arn:aws:iam::123456789012:user/someone']).exit
    expect(principal.code).toBe(2)
    expect(principal.stderr).toContain('--principal: expected an IAM role ARN')
  }, 60_000)
})
