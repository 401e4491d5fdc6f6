import type { SetupValues } from '@connectors/core'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { beforeAll, describe, expect, it } from 'vitest'
import { awsSetupKit } from './setup-kit.js'
import { exampleKit, EXAMPLE_PERMISSIONS, exampleSpec, fileOf, FILLED } from './setup-kit-fixture.js'
import { hclExpression, toYaml, yamlScalar } from './setup-kit-formats.js'
import { SETUP_PLACEHOLDERS } from './setup-kit-inputs.js'
import * as validate from './setup-kit-validate.js'

const FILES = ['README.md', 'permission-policy.json', 'trust-policy.json', 'setup.sh', 'cloudformation.yaml', 'cloudformation-stackset.yaml', 'terraform/main.tf', 'terraform/variables.tf', 'terraform/outputs.tf']
const TERRAFORM = ['terraform/main.tf', 'terraform/variables.tf', 'terraform/outputs.tf']

let spec: validate.CloudFormationSpec
beforeAll(async () => {
  spec = await validate.loadCloudFormationSpec()
})

type Template = { Parameters: Record<string, { Default?: string }>; Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>; Outputs: Record<string, { Value: unknown }> }

/** A parsed template whose validation found nothing (else the test fails, listing the problems). */
function validTemplate(text: string): Template {
  const parsed = validate.parseCloudFormationYaml(text)
  expect([...parsed.problems, ...validate.cloudFormationProblems(parsed.template, spec)]).toEqual([])
  return parsed.template as Template
}

/** Replaces `{Ref: Parameter}` with the parameter's value, as CloudFormation does when it creates the stack. */
const resolveRefs = (v: unknown, values: Record<string, string>): unknown => JSON.parse(JSON.stringify(v), (_k, x: unknown) => (typeof x === 'object' && x !== null && typeof (x as { Ref?: unknown }).Ref === 'string' && (x as { Ref: string }).Ref in values ? values[(x as { Ref: string }).Ref] : x))

const CASES: ReadonlyArray<readonly [string, SetupValues, string, string]> = [
  ['with placeholders (the published docs)', {}, SETUP_PLACEHOLDERS.principalArn, SETUP_PLACEHOLDERS.organizationId],
  ['filled in (aws)', FILLED, FILLED.principalArn, FILLED.organizationId],
  ['filled in (aws-cn)', { organizationId: 'org:cn/42', principalArn: 'arn:aws-cn:iam::111122223333:role/path/platform' }, 'arn:aws-cn:iam::111122223333:role/path/platform', 'org:cn/42'],
  ['filled in (aws-us-gov), the organization id only', { principalArn: 'arn:aws-us-gov:iam::111122223333:role/platform' }, 'arn:aws-us-gov:iam::111122223333:role/platform', SETUP_PLACEHOLDERS.organizationId],
]

describe.each(CASES)('the setup kit, %s', (_name, values, principal, organization) => {
  const kit = exampleKit(values)
  const given = { organizationId: values.organizationId !== undefined, principalArn: values.principalArn !== undefined }
  const partition = principal.split(':')[1]

  it('has every file, each marked generated on its first line in its own comment syntax (setup.sh after #!)', () => {
    expect([...kit.keys()]).toEqual(FILES)
    const notice = "Generated from the example-aws connector's manifest by the connectors CLI (connectors setup example-aws). Do not edit: regenerate it."
    expect(fileOf(kit, 'README.md').split('\n')[0]).toBe(`<!-- ${notice} -->`)
    expect(fileOf(kit, 'setup.sh').split('\n').slice(0, 2)).toEqual(['#!/usr/bin/env bash', `# ${notice}`])
    for (const file of ['cloudformation.yaml', 'cloudformation-stackset.yaml', ...TERRAFORM]) expect(fileOf(kit, file).split('\n')[0], file).toBe(`# ${notice}`)
    for (const [file, content] of kit) expect(content.endsWith('\n') && !content.endsWith('\n\n'), file).toBe(true)
  })

  it('permission-policy.json allows exactly the required permissions; trust-policy.json trusts only the principal, only with the ExternalId', () => {
    expect(validate.permissionPolicyProblems(JSON.parse(fileOf(kit, 'permission-policy.json')), EXAMPLE_PERMISSIONS)).toEqual([])
    expect(validate.trustPolicyProblems(JSON.parse(fileOf(kit, 'trust-policy.json')), principal, organization)).toEqual([])
    expect(fileOf(kit, 'trust-policy.json')).toContain(`"AWS": "${principal}"`)
  })

  it('cloudformation.yaml is valid against the resource specification and creates the same documents', () => {
    const template = validTemplate(fileOf(kit, 'cloudformation.yaml'))
    const { Parameters, Resources, Outputs } = template
    expect(Object.fromEntries(Object.entries(Resources).map(([id, r]) => [id, r.Type]))).toEqual({ ConnectorPolicy: 'AWS::IAM::ManagedPolicy', ConnectorRole: 'AWS::IAM::Role' })
    expect(Resources['ConnectorPolicy']?.Properties['PolicyDocument']).toEqual(JSON.parse(fileOf(kit, 'permission-policy.json')))
    expect(Resources['ConnectorRole']?.Properties['ManagedPolicyArns']).toEqual([{ Ref: 'ConnectorPolicy' }])
    const trust = resolveRefs(Resources['ConnectorRole']?.Properties['AssumeRolePolicyDocument'], { PrincipalArn: principal, OrganizationId: organization })
    expect(trust).toEqual(JSON.parse(fileOf(kit, 'trust-policy.json')))
    expect(Outputs['RoleArn']?.Value).toEqual({ 'Fn::GetAtt': ['ConnectorRole', 'Arn'] })
    expect(Parameters['OrganizationId']?.Default).toBe(given.organizationId ? organization : undefined)
    expect(Parameters['PrincipalArn']?.Default).toBe(given.principalArn ? principal : undefined)
  })

  it('cloudformation-stackset.yaml is valid, service-managed with auto-deployment, and its TemplateBody is cloudformation.yaml', () => {
    const { Parameters, Resources } = validTemplate(fileOf(kit, 'cloudformation-stackset.yaml'))
    const stackSet = Resources['ConnectorRoleStackSet']
    expect(stackSet?.Type).toBe('AWS::CloudFormation::StackSet')
    expect(stackSet?.Properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: { Ref: 'TargetOrganizationalUnitIds' } }, Regions: [{ Ref: 'AWS::Region' }] }],
    })
    expect(Parameters['TargetOrganizationalUnitIds']).toMatchObject({ Type: 'CommaDelimitedList' })
    expect(stackSet?.Properties['TemplateBody']).toBe(fileOf(kit, 'cloudformation.yaml'))
    // Every parameter of the per-account template is passed through from the StackSet's own.
    const inner = validate.parseCloudFormationYaml(fileOf(kit, 'cloudformation.yaml')).template as Template
    expect(stackSet?.Properties['Parameters']).toEqual(Object.keys(inner.Parameters).map((name) => ({ ParameterKey: name, ParameterValue: { Ref: name } })))
  })

  it('the Terraform module parses, its references resolve, and it creates the same documents', async () => {
    const module = await validate.parseTerraform(TERRAFORM.map((file) => ({ file, content: fileOf(kit, file) })))
    expect(validate.terraformProblems(module)).toEqual([])
    const [locals] = module.locals ?? []
    expect(locals?.['permission_policy']).toEqual(JSON.parse(fileOf(kit, 'permission-policy.json')))
    expect(validate.withVariables(locals?.['trust_policy'], { principal_arn: principal, external_id: organization })).toEqual(JSON.parse(fileOf(kit, 'trust-policy.json')))
    expect(module.resource?.['aws_iam_role']?.['connector']?.[0]?.['assume_role_policy']).toBe('${jsonencode(local.trust_policy)}')
    expect(module.resource?.['aws_iam_policy']?.['connector']?.[0]?.['policy']).toBe('${jsonencode(local.permission_policy)}')
    expect(module.resource?.['aws_iam_role_policy_attachment']?.['connector']?.[0]).toEqual({ role: '${aws_iam_role.connector.name}', policy_arn: '${aws_iam_policy.connector.arn}' })
    expect(module.output?.['role_arn']?.[0]?.['value']).toBe('${aws_iam_role.connector.arn}')
    const variable = (name: string) => module.variable?.[name]?.[0] ?? {}
    expect(variable('principal_arn')['default']).toBe(given.principalArn ? principal : undefined)
    expect(variable('external_id')['default']).toBe(given.organizationId ? organization : undefined)
    // The validation rules (RE2 patterns of JavaScript's syntax) accept the values, and refuse the placeholder principal.
    const pattern = (name: string) => {
      const [rule] = variable(name)['validation'] as Array<{ condition: string }>
      const literal = /regex\(("(?:[^"\\]|\\.)*")/.exec(rule?.condition ?? '')?.[1] ?? '"^$"'
      return new RegExp(JSON.parse(literal) as string)
    }
    expect(pattern('principal_arn').test(principal)).toBe(given.principalArn)
    expect(pattern('external_id').test(organization)).toBe(true)
  })

  it('setup.sh passes bash -n', () => {
    expect(validate.bashSyntaxErrors(fileOf(kit, 'setup.sh'))).toBe('')
  })

  it("README.md gives the steps in order, with the documents as the JSON files have them, and the console of the principal's partition", () => {
    const readme = fileOf(kit, 'README.md')
    const steps = ['## 1. Create the permission policy', '## 2. Create the role', '## 3. Copy the role ARN', '## 4. Paste it into the platform', '### A. The script (AWS CLI v2)', '### B. CloudFormation', '### C. Terraform'].map((s) => readme.indexOf(s))
    expect(steps.every((at, i) => at > 0 && (i === 0 || at > (steps[i - 1] as number)))).toBe(true)
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1])
    expect(blocks).toEqual([fileOf(kit, 'permission-policy.json'), fileOf(kit, 'trust-policy.json')])
    expect(readme).toContain({ aws: 'https://console.aws.amazon.com/iam/', 'aws-cn': 'https://console.amazonaws.cn/iam/', 'aws-us-gov': 'https://console.amazonaws-us-gov.com/iam/' }[partition as string])
    expect(readme).toContain(`\`arn:${partition}:iam::ACCOUNT_ID:role/ExampleReadOnly\``)
    expect(readme).toContain('| `userDetails` | `identitystore:DescribeUser` |')
    expect(readme).toContain('The JSON files cannot carry a comment saying so')
    expect(readme.includes('**Placeholders.**')).toBe(!(given.organizationId && given.principalArn))
    for (const [file] of kit) if (!file.startsWith('terraform/') || file === 'terraform/main.tf') expect(readme).toContain(`(./${file})`)
  })
})

describe('the values a kit is filled in with', () => {
  it('a principal that is not a role ARN, or an organization id that is no ExternalId, is a RangeError naming the rule', () => {
    expect(() => awsSetupKit(exampleSpec, { principalArn: 'arn:aws:iam::111122223333:user/platform' })).toThrow(
      new RangeError('principalArn: expected an IAM role ARN like arn:aws:iam::123456789012:role/name, got "arn:aws:iam::111122223333:user/platform"'),
    )
    // An organization id is a secret of sorts: never echoed.
    expect(() => awsSetupKit(exampleSpec, { organizationId: 'a' })).toThrow(new RangeError('organizationId: expected an ExternalId of 2–1224 characters from [A-Za-z0-9_+=,.@:/-], got a 1-character value (not shown)'))
    expect(() => awsSetupKit(exampleSpec, { organizationId: 'org 42' })).toThrow(/^organizationId: expected an ExternalId/)
    expect(() => awsSetupKit(exampleSpec, { principalArn: 'arn:aws:iam::111122223333:role/we"ird/platform' })).toThrow(new RangeError('principalArn: expected a role ARN whose path and name use only A-Z a-z 0-9 _ + = , . @ / -, got "arn:aws:iam::111122223333:role/we\\"ird/platform"'))
  })

  it('the published kit of a connector is the same whatever it is asked for, and a filled one differs only by the values', () => {
    expect(exampleKit()).toEqual(exampleKit({}))
    const filled = [...exampleKit(FILLED).values()].join('\n')
    expect(filled).not.toContain('PLATFORM_ACCOUNT_ID')
    expect(filled).not.toContain(SETUP_PLACEHOLDERS.organizationId)
  })
})

describe('the writers', () => {
  it('quote a YAML scalar whenever it could be read as anything but that string', () => {
    const tricky = ['2012-10-17', '*', 'yes', 'No', 'null', '123', 'a: b', 'a #b', '-x', 'sts:ExternalId', 'x:', "it's", 'line\nbreak', '']
    expect(parseYaml(toYaml(Object.fromEntries(tricky.map((s) => [s, s]))))).toEqual(Object.fromEntries(tricky.map((s) => [s, s])))
    expect(yamlScalar('iam:ListUsers')).toBe('iam:ListUsers')
  })

  it('escape an HCL string so nothing in it is a template (unescaped, the parser refuses it)', async () => {
    const local = (expression: string) => validate.parseTerraform([{ file: 'x.tf', content: `locals {\n  x = ${expression}\n}\n` }])
    expect(hclExpression('a ${b} %{c} "d" \\e')).toBe('"a ${b} %%{c} \\"d\\" \\\\e"')
    await expect(local(hclExpression('a ${b} %{c}'))).resolves.toBeDefined()
    await expect(local('"a %{c}"')).rejects.toThrow(/Invalid template control keyword/)
  })
})

describe('setup.sh, run against a stand-in for the AWS CLI', () => {
  const kit = exampleKit(FILLED)

  /** A fake `aws` first on PATH, signed in as `callerArn`: answers the calls the script makes from a JSON state file, and records them. */
  function fakeAws(callerArn = 'arn:aws:sts::444455556666:assumed-role/Admin/me') {
    const dir = mkdtempSync(join(tmpdir(), 'setup-kit-'))
    mkdirSync(join(dir, 'bin'))
    const stateFile = join(dir, 'state.json')
    writeFileSync(stateFile, JSON.stringify({ calls: [], policies: {}, roles: {} }))
    writeFileSync(join(dir, 'bin', 'aws'), `#!${process.execPath}\n${FAKE_AWS}`)
    chmodSync(join(dir, 'bin', 'aws'), 0o755)
    const state = () => JSON.parse(readFileSync(stateFile, 'utf8')) as FakeState
    return {
      state,
      edit: (change: (s: FakeState) => void) => {
        const s = state()
        change(s)
        writeFileSync(stateFile, JSON.stringify(s))
      },
      /** Runs a script with the fake first on PATH; `env` adds variables. */
      run: (script: string, env: Record<string, string> = {}) =>
        spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: `${join(dir, 'bin')}:${process.env['PATH'] ?? ''}`, FAKE_STATE: stateFile, FAKE_CALLER_ARN: callerArn, ...env } }),
    }
  }

  it('creates the policy and the role, attaches them, and prints the role ARN alone on standard output', () => {
    const aws = fakeAws()
    const first = aws.run(fileOf(kit, 'setup.sh'))
    expect({ status: first.status, stderr: first.stderr }).toMatchObject({ status: 0 })
    expect(first.stdout).toBe('arn:aws:iam::444455556666:role/ExampleReadOnly\n')
    const state = aws.state()
    expect(state.calls).toEqual(['sts get-caller-identity', 'iam get-policy', 'iam create-policy', 'iam get-role', 'iam create-role', 'iam attach-role-policy', 'iam get-role'])
    expect(state.policies['arn:aws:iam::444455556666:policy/ExampleReadPolicy']).toMatchObject({ document: JSON.parse(fileOf(kit, 'permission-policy.json')) })
    expect(state.roles['ExampleReadOnly']).toEqual({ trust: JSON.parse(fileOf(kit, 'trust-policy.json')), attached: ['arn:aws:iam::444455556666:policy/ExampleReadPolicy'] })
  })

  it('run again, reuses both with a message, keeps optional permissions, and brings a policy that drifted back to the permissions', () => {
    const aws = fakeAws()
    expect(aws.run(fileOf(kit, 'setup.sh')).status).toBe(0)
    aws.edit((s) => (s.calls = []))
    const again = aws.run(fileOf(kit, 'setup.sh'))
    expect(again.status).toBe(0)
    expect(again.stderr).toContain("Policy ExampleReadPolicy exists and allows the connector's actions, and no others: reusing it.")
    expect(again.stderr).toContain("Role ExampleReadOnly exists: reusing it, with its trust policy set to this kit's.")
    expect(aws.state().calls).toEqual(['sts get-caller-identity', 'iam get-policy', 'iam get-policy-version', 'iam get-role', 'iam update-assume-role-policy', 'iam attach-role-policy', 'iam get-role'])

    // An optional permission added by hand (for a feature enabled later) is kept.
    aws.edit((s) => {
      s.calls = []
      const policy = s.policies['arn:aws:iam::444455556666:policy/ExampleReadPolicy'] as FakeState['policies'][string]
      policy.document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: [...EXAMPLE_PERMISSIONS, 'identitystore:DescribeUser'], Resource: '*' }] }
    })
    expect(aws.run(fileOf(kit, 'setup.sh')).stderr).toContain("allows the connector's actions, and no others: reusing it.")
    expect(aws.state().calls).not.toContain('iam create-policy-version')

    aws.edit((s) => {
      s.calls = []
      const policy = s.policies['arn:aws:iam::444455556666:policy/ExampleReadPolicy'] as FakeState['policies'][string]
      policy.document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['identitystore:ListUsers', 's3:GetObject'], Resource: '*' }] }
    })
    const drifted = aws.run(fileOf(kit, 'setup.sh'))
    expect(drifted.stderr).toContain("exists with other actions: making this kit's document its default version")
    expect(aws.state().calls).toContain('iam create-policy-version')
    expect(aws.state().policies['arn:aws:iam::444455556666:policy/ExampleReadPolicy']).toMatchObject({ document: JSON.parse(fileOf(kit, 'permission-policy.json')), version: 'v2' })
  })

  it('takes overrides from the environment, and refuses placeholders, bad values and a principal of another partition before any change', () => {
    const aws = fakeAws()
    expect(aws.run(fileOf(kit, 'setup.sh'), { ORGANIZATION_ID: 'org-7', ROLE_NAME: 'Other' }).status).toBe(0)
    expect(aws.state().roles['Other']?.trust).toMatchObject({ Statement: [{ Condition: { StringEquals: { 'sts:ExternalId': 'org-7' } } }] })

    const refused = (script: string, env: Record<string, string>, message: string, callerArn?: string) => {
      const fresh = fakeAws(callerArn)
      const r = fresh.run(script, env)
      expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 1, stdout: '' })
      expect(r.stderr).toContain(message)
      expect(fresh.state().calls.filter((c) => !c.startsWith('sts '))).toEqual([])
    }
    refused(fileOf(exampleKit(), 'setup.sh'), {}, 'set ORGANIZATION_ID to your organization id in the platform')
    refused(fileOf(exampleKit(), 'setup.sh'), { ORGANIZATION_ID: 'org-42' }, "set PRINCIPAL_ARN to the platform's role ARN")
    refused(fileOf(kit, 'setup.sh'), { ORGANIZATION_ID: 'o' }, 'ORGANIZATION_ID must be your organization id in the platform: 2-1224 characters')
    refused(fileOf(kit, 'setup.sh'), { PRINCIPAL_ARN: 'arn:aws:iam::111122223333:user/platform' }, "PRINCIPAL_ARN must be the platform's role ARN")
    refused(fileOf(kit, 'setup.sh'), {}, 'IAM cannot trust a principal of another partition', 'arn:aws-cn:iam::444455556666:user/admin')
  })
})

describe('the kits published under docs/connectors', () => {
  const root = fileURLToPath(new URL('../../../../docs/connectors/', import.meta.url))
  const kits = existsSync(root) ? readdirSync(root).filter((id) => existsSync(join(root, id, 'cloudformation.yaml'))) : []

  it.each(kits.length > 0 ? kits : ['(none)'])('%s: every document validates, with its placeholders', async (id) => {
    if (id === '(none)') return
    const read = (file: string) => readFileSync(join(root, id, file), 'utf8')
    expect(validate.trustPolicyProblems(JSON.parse(read('trust-policy.json')), SETUP_PLACEHOLDERS.principalArn, SETUP_PLACEHOLDERS.organizationId)).toEqual([])
    const permissions = [JSON.parse(read('permission-policy.json')).Statement].flat().flatMap((s: { Action: string[] }) => s.Action)
    expect(validate.permissionPolicyProblems(JSON.parse(read('permission-policy.json')), permissions)).toEqual([])
    validTemplate(read('cloudformation.yaml'))
    // A kit for a service of one account (IAM Identity Center) has no StackSet; every other kit does.
    if (existsSync(join(root, id, 'cloudformation-stackset.yaml'))) validTemplate(read('cloudformation-stackset.yaml'))
    else expect(read('README.md')).not.toContain('StackSet')
    expect(validate.terraformProblems(await validate.parseTerraform(TERRAFORM.map((file) => ({ file, content: read(file) }))))).toEqual([])
    expect(validate.bashSyntaxErrors(read('setup.sh'))).toBe('')
  })
})

interface FakeState {
  calls: string[]
  policies: Record<string, { document: unknown; version: string }>
  roles: Record<string, { trust: unknown; attached: string[] }>
}

/** The fake AWS CLI (CommonJS, run by this Node): only the calls setup.sh makes, as AWS CLI v2 answers them. */
const FAKE_AWS = String.raw`
const fs = require('node:fs')
const file = process.env.FAKE_STATE
const state = JSON.parse(fs.readFileSync(file, 'utf8'))
const [service, op, ...rest] = process.argv.slice(2)
const arg = (name) => { const i = rest.indexOf(name); return i < 0 ? undefined : rest[i + 1] }
state.calls.push(service + ' ' + op)
const save = () => fs.writeFileSync(file, JSON.stringify(state))
const fail = (code, message) => { save(); process.stderr.write('\nAn error occurred (' + code + ') when calling the ' + op + ' operation: ' + message + '\n'); process.exit(254) }
const caller = process.env.FAKE_CALLER_ARN
const [, partition, , , account] = caller.split(':')
const out = (s) => { save(); process.stdout.write(s + '\n') }
switch (service + ' ' + op) {
  case 'sts get-caller-identity': out(caller); break
  case 'iam get-policy': { const p = state.policies[arg('--policy-arn')]; p ? out(p.version) : fail('NoSuchEntity', 'Policy not found'); break }
  case 'iam get-policy-version': { const p = state.policies[arg('--policy-arn')]; out([p.document.Statement].flat().flatMap((s) => [s.Action].flat()).join('\t')); break }
  case 'iam create-policy': { const arn = 'arn:' + partition + ':iam::' + account + ':policy/' + arg('--policy-name'); if (state.policies[arn]) fail('EntityAlreadyExists', 'exists'); state.policies[arn] = { document: JSON.parse(arg('--policy-document')), version: 'v1' }; out('{}'); break }
  case 'iam create-policy-version': { const p = state.policies[arg('--policy-arn')]; p.document = JSON.parse(arg('--policy-document')); p.version = 'v' + (Number(p.version.slice(1)) + 1); out('{}'); break }
  case 'iam get-role': { const r = state.roles[arg('--role-name')]; r ? out('arn:' + partition + ':iam::' + account + ':role/' + arg('--role-name')) : fail('NoSuchEntity', 'The role cannot be found'); break }
  case 'iam create-role': state.roles[arg('--role-name')] = { trust: JSON.parse(arg('--assume-role-policy-document')), attached: [] }; out('{}'); break
  case 'iam update-assume-role-policy': state.roles[arg('--role-name')].trust = JSON.parse(arg('--policy-document')); save(); break
  case 'iam attach-role-policy': { const r = state.roles[arg('--role-name')]; if (!state.policies[arg('--policy-arn')]) fail('NoSuchEntity', 'Policy does not exist'); if (!r.attached.includes(arg('--policy-arn'))) r.attached.push(arg('--policy-arn')); save(); break }
  default: fail('InvalidAction', 'the fake does not know ' + service + ' ' + op)
}
`
