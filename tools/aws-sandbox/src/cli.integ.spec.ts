import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandboxDelegator } from './generate.js'
import { startSandbox, type Sandbox } from './server.js'
import { CREDENTIAL_REPORT_HEADER } from './operations/credential-report.js'
import { ACCOUNT, EXTERNAL_ID, fixtureSeed, roleArn } from './testing/fixture.js'

const run = promisify(execFile)
// Debian's AWS CLI v2, by full path: another `aws` may come first on PATH. CI installs it; elsewhere these
// tests are skipped with a notice rather than failing a fresh machine's `npm test`.
const AWS = '/usr/bin/aws'
const haveCli = existsSync(AWS)
if (!haveCli && process.env['CI'] === 'true') throw new Error(`${AWS} is missing: .ci/run must install Debian's awscli`)
if (!haveCli) console.warn(`skipping AWS CLI wire tests: ${AWS} not found (apt-get install awscli)`)

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ seed: fixtureSeed(), faults: { shortPageSize: 700 } })
})
afterAll(() => sandbox.stop())

function cliEnv(creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: tmpdir(),
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    ...(creds.sessionToken !== undefined ? { AWS_SESSION_TOKEN: creds.sessionToken } : {}),
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  }
}

async function aws(args: string[], creds: Parameters<typeof cliEnv>[0]): Promise<unknown> {
  const { stdout } = await run(AWS, [...args, '--endpoint-url', sandbox.endpoint, '--output', 'json'], { env: cliEnv(creds), maxBuffer: 64 * 1024 * 1024 })
  return JSON.parse(stdout)
}

async function assumeWithCli(externalId: string, role = roleArn('ConnectorsReadOnly')) {
  const out = (await aws(['sts', 'assume-role', '--role-arn', role, '--role-session-name', 'cli-test', '--external-id', externalId], sandboxDelegator)) as {
    Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }
  }
  return { accessKeyId: out.Credentials.AccessKeyId, secretAccessKey: out.Credentials.SecretAccessKey, sessionToken: out.Credentials.SessionToken }
}

describe.runIf(haveCli)('with the real AWS CLI v2', () => {
  it('lists every user across pages (the CLI follows IsTruncated)', async () => {
    const creds = await assumeWithCli(EXTERNAL_ID)
    const out = (await aws(['iam', 'list-users', '--page-size', '1000'], creds)) as { Users: Array<{ UserName: string }> }
    expect(out.Users).toHaveLength(2500)
    expect(new Set(out.Users.map((u) => u.UserName)).size).toBe(2500)
  })

  it('fails sts assume-role with a wrong ExternalId: AccessDenied', async () => {
    const failure = await assumeWithCli('org-wrong').then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    )
    expect(failure?.code).not.toBe(0)
    expect(failure?.stderr).toContain('(AccessDenied) when calling the AssumeRole operation')
    expect(failure?.stderr).toContain(`is not authorized to perform: sts:AssumeRole on resource: ${roleArn('ConnectorsReadOnly')}`)
  })

  it('gets a group with assumed-role credentials', async () => {
    const creds = await assumeWithCli(EXTERNAL_ID)
    const out = (await aws(['iam', 'get-group', '--group-name', 'admins'], creds)) as { Group: { GroupName: string; Arn: string }; Users: unknown[] }
    expect(out.Group).toMatchObject({ GroupName: 'admins', Arn: `arn:aws:iam::${ACCOUNT}:group/ops/admins` })
    expect(out.Users).toHaveLength(3)
  })

  it('lists a user’s tags across pages, and fails for an unknown user: NoSuchEntity', async () => {
    const creds = await assumeWithCli(EXTERNAL_ID, `arn:aws:iam::${ACCOUNT}:role/platform/Wide`)
    const out = (await aws(['iam', 'list-user-tags', '--user-name', 'user0000', '--page-size', '2'], creds)) as { Tags: Array<{ Key: string; Value: string }> }
    expect(out.Tags.map((t) => t.Key)).toEqual(['email', 'team', 'cost-center', 'owner', 'Name'])
    expect(out.Tags[4]).toEqual({ Key: 'Name', Value: 'User Zero <0>' })
    const failure = await aws(['iam', 'list-user-tags', '--user-name', 'nobody'], creds).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    )
    expect(failure?.stderr).toContain('(NoSuchEntity) when calling the ListUserTags operation: The user with name nobody cannot be found.')
  })

  it('generates a credential report and gets it, decoding its base64 CSV', async () => {
    const creds = await assumeWithCli(EXTERNAL_ID, `arn:aws:iam::${ACCOUNT}:role/platform/Wide`)
    const get = () => aws(['iam', 'get-credential-report'], creds)
    expect(((await get().catch((e: { stderr: string }) => e)) as { stderr: string }).stderr).toContain('(ReportNotPresent) when calling the GetCredentialReport operation')
    const states: string[] = []
    while (states.at(-1) !== 'COMPLETE' && states.length < 10) states.push(((await aws(['iam', 'generate-credential-report'], creds)) as { State: string }).State)
    expect(states[0]).toBe('STARTED')
    expect(states.at(-1)).toBe('COMPLETE')
    const report = (await get()) as { Content: string; ReportFormat: string; GeneratedTime: string }
    expect(report.ReportFormat).toBe('text/csv')
    expect(report.GeneratedTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\+00:00|Z)$/)
    const lines = Buffer.from(report.Content, 'base64').toString('utf8').split('\n')
    expect(lines[0]).toBe(CREDENTIAL_REPORT_HEADER)
    expect(lines[1]).toMatch(/^<root_account>,arn:aws:iam::\d{12}:root,/)
    expect(lines).toHaveLength(2502)
  })
})

describe('the aws-sandbox command', () => {
  it('prints its endpoint first, serves a seed file, and stops cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aws-sandbox-'))
    const seedFile = join(dir, 'seed.json')
    await writeFile(seedFile, JSON.stringify(fixtureSeed()))
    const bin = fileURLToPath(new URL('../bin/aws-sandbox.js', import.meta.url))
    const child = spawn(process.execPath, [bin, '--seed', seedFile, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const endpoint = await new Promise<string>((resolve, reject) => {
      let buffered = ''
      child.stdout.on('data', (d: Buffer) => {
        buffered += d.toString()
        const line = buffered.split('\n')[0]
        if (buffered.includes('\n') && line !== undefined) resolve(line)
      })
      child.once('exit', (code) => reject(new Error(`exited ${code}`)))
    })
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const stats = (await (await fetch(`${endpoint}/_sandbox/stats`)).json()) as { totalRequests: number }
    expect(stats.totalRequests).toBe(0)
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })

  it('refuses a malformed seed file, naming the bad path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aws-sandbox-'))
    const seedFile = join(dir, 'bad.json')
    await writeFile(seedFile, JSON.stringify({ principals: [], accounts: [{ id: '123', roles: [], users: [], groups: [] }] }))
    const bin = fileURLToPath(new URL('../bin/aws-sandbox.js', import.meta.url))
    const failure = await run(process.execPath, [bin, '--seed', seedFile]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    )
    expect(failure?.code).toBe(2)
    expect(failure?.stderr).toMatch(/invalid seed file .*accounts\[0\]\.id: expected/)
  })
})
