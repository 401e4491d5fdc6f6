/**
 * The validators themselves: each passes the kit's real documents and fails on a broken copy of them, so a green
 * kit spec means something.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { exampleKit, EXAMPLE_PERMISSIONS, fileOf, FILLED } from './setup-kit-fixture.js'
import {
  bashSyntaxErrors,
  cloudFormationProblems,
  iamPolicyProblems,
  loadCloudFormationSpec,
  parseCloudFormationYaml,
  parseTerraform,
  permissionPolicyProblems,
  terraformProblems,
  trustPolicyProblems,
  withVariables,
  type CloudFormationSpec,
} from './setup-kit-validate.js'

const kit = exampleKit(FILLED)
let spec: CloudFormationSpec
beforeAll(async () => {
  spec = await loadCloudFormationSpec()
})

/** The problems of a template's text, after `edit`. */
const cfn = (file: string, edit: (text: string) => string = (s) => s) => {
  const parsed = parseCloudFormationYaml(edit(fileOf(kit, file)))
  return [...parsed.problems, ...cloudFormationProblems(parsed.template, spec)]
}

describe('the CloudFormation validator (the AWS resource specification)', () => {
  it('passes both templates as rendered', () => {
    expect(cfn('cloudformation.yaml')).toEqual([])
    expect(cfn('cloudformation-stackset.yaml')).toEqual([])
  })

  it('fails a misspelled property, naming the resource type', () => {
    expect(cfn('cloudformation.yaml', (s) => s.replace('AssumeRolePolicyDocument:', 'AssumeRolePolicyDocumnet:'))).toEqual([
      expect.stringMatching(/^Resources\.ConnectorRole\.Properties\.AssumeRolePolicyDocumnet: not a property of AWS::IAM::Role/),
      'Resources.ConnectorRole.Properties.AssumeRolePolicyDocument: required by AWS::IAM::Role',
    ])
  })

  it('fails an unknown resource type, a wrong attribute, a Ref to nothing and an unknown tag', () => {
    expect(cfn('cloudformation.yaml', (s) => s.replace('AWS::IAM::ManagedPolicy', 'AWS::IAM::ManagedPolicyy'))).toContain('Resources.ConnectorPolicy.Type: "AWS::IAM::ManagedPolicyy" is not a resource type of the specification')
    expect(cfn('cloudformation.yaml', (s) => s.replace('!GetAtt ConnectorRole.Arn', '!GetAtt ConnectorRole.RoleArn'))).toEqual([expect.stringMatching(/^Outputs\.RoleArn\.Value: GetAtt ConnectorRole\.RoleArn: not an attribute of its type \(Arn, RoleId\)/)])
    expect(cfn('cloudformation.yaml', (s) => s.replace('!Ref OrganizationId', '!Ref OrganisationId'))).toEqual([
      expect.stringContaining('Condition.StringEquals.sts:ExternalId: Ref "OrganisationId": no such parameter'),
    ])
    expect(cfn('cloudformation.yaml', (s) => s.replace('!Ref PrincipalArn', '!Reff PrincipalArn'))).toContain('yaml: unknown tag !Reff')
  })

  it('fails a parameter default its own AllowedPattern refuses', () => {
    expect(cfn('cloudformation.yaml', (s) => s.replace('Default: org-42', 'Default: "org 42"'))).toEqual(['Parameters.OrganizationId.Default: does not match its AllowedPattern ^[A-Za-z0-9_+=,.@:/-]+$'])
  })

  it('fails the StackSet on a nested property name, a value outside the allowed ones, and inside its TemplateBody', () => {
    expect(cfn('cloudformation-stackset.yaml', (s) => s.replace('Enabled: true', 'Enable: true'))).toEqual([expect.stringMatching(/^Resources\.ConnectorRoleStackSet\.Properties\.AutoDeployment\.Enable: not a property of AutoDeployment/)])
    expect(cfn('cloudformation-stackset.yaml', (s) => s.replace('PermissionModel: SERVICE_MANAGED', 'PermissionModel: SERVICE'))).toEqual(['Resources.ConnectorRoleStackSet.Properties.PermissionModel: expected one of SERVICE_MANAGED, SELF_MANAGED, got "SERVICE"'])
    expect(cfn('cloudformation-stackset.yaml', (s) => s.replace('ManagedPolicyArns:', 'ManagedPolicyArn:'))).toEqual([
      expect.stringMatching(/^Resources\.ConnectorRoleStackSet\.Properties\.TemplateBody > Resources\.ConnectorRole\.Properties\.ManagedPolicyArn: not a property of AWS::IAM::Role/),
    ])
  })
})

describe('the IAM policy validators (the grammar, and what the kit promises)', () => {
  const trust = JSON.parse(fileOf(kit, 'trust-policy.json')) as { Statement: Array<Record<string, unknown>> }
  const permission = JSON.parse(fileOf(kit, 'permission-policy.json')) as { Statement: Array<Record<string, unknown>> }
  const editStatement = <T extends { Statement: Array<Record<string, unknown>> }>(doc: T, edit: (s: Record<string, unknown>) => Record<string, unknown>) => ({ ...doc, Statement: doc.Statement.map(edit) })

  it('passes both documents as rendered', () => {
    expect(trustPolicyProblems(trust, FILLED.principalArn, FILLED.organizationId)).toEqual([])
    expect(permissionPolicyProblems(permission, EXAMPLE_PERMISSIONS)).toEqual([])
  })

  it('fails a trust policy without the ExternalId condition, or with another one', () => {
    const { Condition: _, ...withoutCondition } = trust.Statement[0] as Record<string, unknown>
    expect(trustPolicyProblems({ ...trust, Statement: [withoutCondition] }, FILLED.principalArn, FILLED.organizationId)).toEqual([
      'Condition: StringEquals sts:ExternalId must require the organization id',
      'Condition: the ExternalId only',
    ])
    expect(trustPolicyProblems(trust, FILLED.principalArn, 'org-43')).toEqual(['Condition: StringEquals sts:ExternalId must require the organization id'])
  })

  it('fails a trust policy that trusts anyone, or an ARN of another partition', () => {
    expect(trustPolicyProblems(editStatement(trust, (s) => ({ ...s, Principal: '*' })), FILLED.principalArn, FILLED.organizationId)).toEqual([expect.stringMatching(/^Principal: exactly \{"AWS": "arn:aws:iam::111122223333:role\/platform"\}/)])
    const cn = 'arn:aws-cn:iam::111122223333:role/platform'
    expect(trustPolicyProblems(editStatement(trust, (s) => ({ ...s, Principal: { AWS: cn } })), cn, FILLED.organizationId)).toEqual([])
    expect(trustPolicyProblems(editStatement(trust, (s) => ({ ...s, Principal: { AWS: cn }, Condition: { StringEquals: { 'sts:ExternalId': FILLED.organizationId }, ArnLike: { 'aws:SourceArn': 'arn:aws:iam::1:role/x' } } })), cn, FILLED.organizationId)).toEqual([
      'Condition: the ExternalId only',
      "an ARN of the aws partition, not the principal's (aws-cn)",
    ])
  })

  it('fails the grammar: a misspelled key, a Resource in a trust policy, a Principal in a permission policy, a malformed action', () => {
    expect(iamPolicyProblems(editStatement(trust, ({ Effect, ...s }) => ({ ...s, Efect: Effect })), 'trust')).toEqual(expect.arrayContaining(['Statement[0].Effect: is required (expected "Allow" or "Deny")', 'Statement[0].Efect: unknown key — did you mean "Effect"?']))
    expect(iamPolicyProblems(editStatement(trust, (s) => ({ ...s, Resource: '*' })), 'trust').join('\n')).toContain('Resource: unknown key')
    expect(iamPolicyProblems(editStatement(permission, (s) => ({ ...s, Principal: { AWS: '*' } })), 'identity').join('\n')).toContain('Principal: unknown key')
    expect(iamPolicyProblems(editStatement(permission, (s) => ({ ...s, Action: ['identitystore ListUsers'] })), 'identity')).toContain('Statement[0].Action[0]: expected an action like iam:ListUsers, got "identitystore ListUsers"')
    expect(iamPolicyProblems({ ...permission, Version: '2012-10-18' }, 'identity').join('\n')).toContain('Version: expected "2012-10-17" or "2008-10-17"')
    expect(iamPolicyProblems(editStatement(permission, ({ Action: _, ...s }) => s), 'identity')).toEqual(['Statement[0]: exactly one of Action or NotAction'])
  })

  it('fails a permission policy that allows more, or less, than the permissions', () => {
    expect(permissionPolicyProblems(permission, [...EXAMPLE_PERMISSIONS, 'identitystore:DescribeUser'])).toEqual([expect.stringMatching(/^Action: exactly /)])
    expect(permissionPolicyProblems(editStatement(permission, (s) => ({ ...s, Action: '*' })), EXAMPLE_PERMISSIONS)).toEqual([expect.stringMatching(/^Action: exactly /)])
  })
})

describe('the Terraform validators (the HCL2 parser, then the module’s structure)', () => {
  const files = ['terraform/main.tf', 'terraform/variables.tf', 'terraform/outputs.tf'].map((file) => ({ file, content: fileOf(kit, file) }))
  const edited = (file: string, edit: (s: string) => string) => files.map((f) => (f.file === file ? { ...f, content: edit(f.content) } : f))

  it('passes the module as rendered', async () => {
    expect(terraformProblems(await parseTerraform(files))).toEqual([])
  })

  it('rejects a syntax error, naming the file and line', async () => {
    await expect(parseTerraform(edited('terraform/outputs.tf', (s) => s.replace('value       = aws_iam_role.connector.arn', 'value = ')))).rejects.toThrow(/terraform\/outputs\.tf:\d+/)
  })

  it('fails a misspelled argument, a reference to nothing, an attribute a resource does not export', async () => {
    expect(terraformProblems(await parseTerraform(edited('terraform/main.tf', (s) => s.replace('assume_role_policy', 'assume_role_polcy'))))).toEqual(['resource "aws_iam_role" "connector": assume_role_polcy is not an argument of aws_iam_role'])
    expect(terraformProblems(await parseTerraform(edited('terraform/main.tf', (s) => s.replace('var.external_id', 'var.externalid'))))).toEqual(['var.externalid: no such variable'])
    expect(terraformProblems(await parseTerraform(edited('terraform/outputs.tf', (s) => s.replace('connector.arn', 'connector.role_arn'))))).toEqual(['aws_iam_role.connector.role_arn: aws_iam_role exports no role_arn'])
  })

  it('fails a trust policy in the module without the ExternalId condition', async () => {
    const module = await parseTerraform(edited('terraform/main.tf', (s) => s.replace(/ {8}Condition = \{[\s\S]*?\n {8}\}\n/, '')))
    const [locals] = module.locals ?? []
    expect(trustPolicyProblems(withVariables(locals?.['trust_policy'], { principal_arn: FILLED.principalArn, external_id: FILLED.organizationId }), FILLED.principalArn, FILLED.organizationId)).toContain(
      'Condition: StringEquals sts:ExternalId must require the organization id',
    )
  })
})

describe('bash -n', () => {
  it('passes the script as rendered and fails a broken one', () => {
    expect(bashSyntaxErrors(fileOf(kit, 'setup.sh'))).toBe('')
    expect(bashSyntaxErrors(fileOf(kit, 'setup.sh').replace(/\nfi\n/, '\n'))).toMatch(/syntax error/)
  })
})
