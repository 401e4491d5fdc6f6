/**
 * The kit's Terraform module: the same policy and role as the CloudFormation template, the documents written as
 * HCL objects in `locals` (so they read as the JSON files do) and passed through `jsonencode`.
 */
import { hclBlock, hclString, raw, substitute, type Tree } from './setup-kit-formats.js'
import { EXTERNAL_ID_LENGTH, EXTERNAL_ID_PATTERN, EXTERNAL_ID_RULE, PRINCIPAL_PATTERN, type KitInputs } from './setup-kit-inputs.js'
import { trustPolicy } from './policies.js'

/** A variable, with its default where one is known and its validation rule. */
function variable(name: string, description: string, value: string | undefined, condition: string, message: string): string {
  return hclBlock(`variable "${name}"`, { description, type: raw('string'), ...(value !== undefined ? { default: value } : {}) }, [hclBlock('validation', { condition: raw(condition), error_message: message })])
}

/** `main.tf`, `variables.tf` and `outputs.tf`, by file name. */
export function terraformModule(inputs: KitInputs): ReadonlyArray<{ readonly file: string; readonly content: string }> {
  const header = `# ${inputs.notice}\n`
  const trust = substitute(trustPolicy('\0principal', '\0externalId'), { '\0principal': raw('var.principal_arn'), '\0externalId': raw('var.external_id') })
  const main = [
    `${header}# The platform's ${inputs.displayName} connector: a policy of exactly its permissions, and a role only the platform's\n# principal may assume, only with your organization id as sts:ExternalId. Use it as a module (see README.md).`,
    hclBlock('terraform', { required_version: '>= 1.3.0' }, [hclBlock('required_providers', { aws: { source: 'hashicorp/aws', version: '>= 4.0' } })]),
    hclBlock('locals', { permission_policy: substitute(inputs.permissionPolicy, {}), trust_policy: trust }),
    hclBlock('resource "aws_iam_policy" "connector"', {
      name: raw('var.policy_name'),
      description: `What the platform's ${inputs.displayName} connector may do in this account.`,
      policy: raw('jsonencode(local.permission_policy)'),
    }),
    hclBlock('resource "aws_iam_role" "connector"', {
      name: raw('var.role_name'),
      description: `Assumed by the platform's ${inputs.displayName} connector, only with your organization id as ExternalId.`,
      assume_role_policy: raw('jsonencode(local.trust_policy)'),
    }),
    hclBlock('resource "aws_iam_role_policy_attachment" "connector"', { role: raw('aws_iam_role.connector.name'), policy_arn: raw('aws_iam_policy.connector.arn') }),
  ]
  // RE2 (Terraform's regex) caps a repetition at 1000: the ExternalId's length is checked apart.
  const variables = [
    header.trimEnd(),
    variable(
      'principal_arn',
      "The platform's role: the only principal the role trusts.",
      inputs.given.principalArn ? inputs.principalArn : undefined,
      `can(regex(${hclString(PRINCIPAL_PATTERN)}, var.principal_arn))`,
      "principal_arn must be the platform's role ARN, like arn:aws:iam::123456789012:role/name.",
    ),
    variable(
      'external_id',
      'Your organization id in the platform: the role trusts the platform only when it presents it as sts:ExternalId.',
      inputs.given.organizationId ? inputs.organizationId : undefined,
      `length(var.external_id) >= ${EXTERNAL_ID_LENGTH.min} && length(var.external_id) <= ${EXTERNAL_ID_LENGTH.max} && can(regex(${hclString(EXTERNAL_ID_PATTERN)}, var.external_id))`,
      `external_id must be your organization id in the platform: ${EXTERNAL_ID_RULE}.`,
    ),
    variable('role_name', 'The name of the role to create.', inputs.roleName, 'can(regex("^[A-Za-z0-9_+=,.@-]{1,64}$", var.role_name))', 'role_name must be 1-64 characters from A-Z a-z 0-9 _ + = , . @ -.'),
    variable('policy_name', 'The name of the policy to create.', inputs.policyName, 'can(regex("^[A-Za-z0-9_+=,.@-]{1,128}$", var.policy_name))', 'policy_name must be 1-128 characters from A-Z a-z 0-9 _ + = , . @ -.'),
  ]
  const outputs = [header.trimEnd(), hclBlock('output "role_arn"', { description: 'Paste this role ARN into the platform.', value: raw('aws_iam_role.connector.arn') })]
  const file = (blocks: ReadonlyArray<string>) => `${blocks.join('\n\n')}\n`
  return [
    { file: 'terraform/main.tf', content: file(main) },
    { file: 'terraform/variables.tf', content: file(variables) },
    { file: 'terraform/outputs.tf', content: file(outputs) },
  ]
}

/** For the README: how to call the module. */
export function terraformUsage(inputs: KitInputs): string {
  const args: Record<string, Tree> = {
    source: './terraform',
    ...(inputs.given.principalArn ? {} : { principal_arn: inputs.principalArn }),
    ...(inputs.given.organizationId ? {} : { external_id: inputs.organizationId }),
  }
  const name = `connectors_${inputs.connectorId.replaceAll('-', '_')}`
  return `${hclBlock(`module "${name}"`, args)}\n\n${hclBlock('output "role_arn"', { value: raw(`module.${name}.role_arn`) })}`
}
