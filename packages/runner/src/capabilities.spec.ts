import { mkdtemp, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConnector } from './load.js'
import { generatedFiles, README_END, README_START, renderCapabilitiesTable, staleFiles, writeGenerated } from './capabilities.js'

describe('capabilities', () => {
  it('renders one row per connector from its manifest', async () => {
    const awsIam = await loadConnector('@connectors/aws-iam')
    expect(renderCapabilitiesTable([awsIam]).split('\n')[2]).toBe(
      '| AWS IAM (`aws-iam` 0.1.0) | Username, Status, Email, UserId, Arn, Path, CreatedAt, LastUsedAt, ExternalStatus, Roles | AWS IAM | users, groups, memberships | `iam:ListUsers`, `iam:ListGroups`, `iam:GetGroup` | `iam:ListUserTags` (userTags), `iam:GenerateCredentialReport` (credentialReport), `iam:GetCredentialReport` (credentialReport) |',
    )
  })

  it('detects drift in any generated file, including the README region', async () => {
    const awsIam = await loadConnector('@connectors/aws-iam')
    const root = await mkdtemp(join(tmpdir(), 'caps-'))
    const readme = `# x\n\n${README_START}\nold table\n${README_END}\n`
    const files = generatedFiles([awsIam], readme)
    expect(staleFiles(root, files).sort()).toEqual([...files.keys()].sort())
    await writeGenerated(root, files)
    expect(staleFiles(root, files)).toEqual([])
    expect(files.get('README.md')).toContain('| AWS IAM (`aws-iam`')
    expect(files.get('docs/connectors/aws-iam/permission-policy.json')).toContain('"iam:GetGroup"')
    await mkdir(join(root, 'docs'), { recursive: true })
    await writeFile(join(root, 'docs', 'CAPABILITIES.md'), 'edited by hand\n')
    expect(staleFiles(root, files)).toEqual(['docs/CAPABILITIES.md'])
  })
})
