/** `connectors setup`, as a process run from a folder of its own: the kit a customer is handed. */
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cli } from './cli.e2e-harness.js'

const PRINCIPAL = 'arn:aws:iam::111122223333:role/platform'
const VALUES = ['--org', 'org-42', '--principal', PRINCIPAL]
const PUBLISHED = fileURLToPath(new URL('../../../docs/connectors/aws-iam/', import.meta.url))
const FILES = ['README.md', 'cloudformation-stackset.yaml', 'cloudformation.yaml', 'permission-policy.json', 'setup.sh', 'terraform/main.tf', 'terraform/outputs.tf', 'terraform/variables.tf', 'trust-policy.json']

const tempDir = () => mkdtemp(join(tmpdir(), 'connectors-setup-'))

/** Every file under `dir`, by path relative to it. */
async function filesUnder(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
  return new Map(await Promise.all(files.sort().map(async (f) => [relative(dir, f), await readFile(f, 'utf8')] as const)))
}

describe('connectors setup (the CLI, as a process)', () => {
  it("prints the kit's README with the organization id and the principal filled in", async () => {
    const run = await cli(await tempDir(), ['setup', 'aws-iam', ...VALUES])
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    expect(run.stdout.split('\n')[0]).toMatch(/^<!-- Generated from the aws-iam connector's manifest .* Do not edit/)
    expect(run.stdout).toContain(`"AWS": "${PRINCIPAL}"`)
    expect(run.stdout).toContain('"sts:ExternalId": "org-42"')
    expect(run.stdout).toContain('"iam:ListUsers",\n        "iam:ListGroups",\n        "iam:GetGroup"')
    expect(run.stdout).not.toMatch(/PLATFORM_ACCOUNT_ID|YOUR_ORGANIZATION_ID/)
  })

  it('--out writes every file of the kit, filled in: JSON that parses, a script bash accepts, the README it prints', async () => {
    const dir = await tempDir()
    const run = await cli(dir, ['setup', 'aws-iam', ...VALUES, '--out', 'kit'])
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    expect(run.stdout).toBe(`wrote 9 files to ${join(dir, 'kit')}: README.md, permission-policy.json, trust-policy.json, setup.sh, cloudformation.yaml, cloudformation-stackset.yaml, terraform/main.tf, terraform/variables.tf, terraform/outputs.tf\n`)
    const kit = await filesUnder(join(dir, 'kit'))
    expect([...kit.keys()]).toEqual(FILES)
    expect(JSON.parse(kit.get('trust-policy.json') ?? '')).toMatchObject({ Statement: [{ Principal: { AWS: PRINCIPAL }, Condition: { StringEquals: { 'sts:ExternalId': 'org-42' } } }] })
    expect(JSON.parse(kit.get('permission-policy.json') ?? '')).toMatchObject({ Statement: [{ Action: ['iam:ListUsers', 'iam:ListGroups', 'iam:GetGroup'], Resource: '*' }] })
    expect(spawnSync('bash', ['-n', join(dir, 'kit', 'setup.sh')], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' })
    expect(kit.get('cloudformation.yaml')).toContain(`Default: ${PRINCIPAL}`)
    expect(kit.get('terraform/variables.tf')).toContain('default     = "org-42"')
    expect(kit.get('README.md')).toBe((await cli(dir, ['setup', 'aws-iam', ...VALUES])).stdout)
  })

  it('without values, writes exactly the published docs/connectors/aws-iam/', async () => {
    const dir = await tempDir()
    expect((await cli(dir, ['setup', '@connectors/aws-iam', '--out', 'kit'])).code).toBe(0)
    expect(await filesUnder(join(dir, 'kit'))).toEqual(await filesUnder(PUBLISHED))
  })

  it('refuses a principal that is not a role ARN, or an organization id that is no ExternalId (exit 2, naming the rule, never echoing the id)', async () => {
    const dir = await tempDir()
    const user = await cli(dir, ['setup', 'aws-iam', '--org', 'org-42', '--principal', 'arn:aws:iam::111122223333:user/platform'])
    expect(user).toEqual({
      code: 2,
      stdout: '',
      stderr: 'connectors: setup aws-iam: --principal: expected an IAM role ARN like arn:aws:iam::123456789012:role/name, got "arn:aws:iam::111122223333:user/platform"\n',
    })
    const org = await cli(dir, ['setup', 'aws-iam', '--org', 'org 42 secret', '--principal', PRINCIPAL, '--out', 'kit'])
    expect({ code: org.code, stdout: org.stdout }).toEqual({ code: 2, stdout: '' })
    expect(org.stderr).toContain('--org: expected an ExternalId of 2–1224 characters from [A-Za-z0-9_+=,.@:/-], got a 13-character value (not shown)')
    expect(org.stderr).not.toContain('secret')
    await expect(readdir(join(dir, 'kit'))).rejects.toThrow(/ENOENT/)
  })

  it('refuses an unknown connector with a suggestion, and an --out that names a file', async () => {
    const dir = await tempDir()
    const unknown = await cli(dir, ['setup', 'aws-iamm'])
    expect({ code: unknown.code, stderr: unknown.stderr }).toEqual({ code: 2, stderr: expect.stringContaining('no installed connector is named "aws-iamm" — did you mean "aws-iam"?') })
    await writeFile(join(dir, 'taken'), '')
    const file = await cli(dir, ['setup', 'aws-iam', '--out', 'taken'])
    expect({ code: file.code, stderr: file.stderr }).toEqual({ code: 2, stderr: 'connectors: --out taken: is a file, not a folder\n' })
  })
})
