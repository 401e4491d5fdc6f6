/**
 * The setup kit of an AWS connector: everything a customer needs to let the platform assume a role in their
 * account, rendered from the connector's manifest and the trust inputs, by file name. The console steps
 * (README.md) and the documents they paste; the same policy and role as a script, CloudFormation templates (one
 * account, or every account of an organization) and a Terraform module.
 */
import type { SetupValues } from '@connectors/core'
import { renderPolicy } from './policies.js'
import { accountTemplate, stackSetTemplate } from './setup-kit-cloudformation.js'
import { kitInputs, type AwsSetupKitSpec } from './setup-kit-inputs.js'
import { readme } from './setup-kit-readme.js'
import { setupScript } from './setup-kit-shell.js'
import { terraformModule } from './setup-kit-terraform.js'

/** One file of a kit: its path under the kit's folder, and its content. */
export interface SetupDoc {
  readonly file: string
  readonly content: string
}

/**
 * The kit's files, filled in with `values` (placeholders where a value is missing). Throws a `RangeError` naming
 * the rule when a value breaks it: a principal that is not a role ARN, an organization id that is no ExternalId.
 */
export function awsSetupKit(spec: AwsSetupKitSpec, values?: SetupValues): ReadonlyArray<SetupDoc> {
  const inputs = kitInputs(spec, values)
  return [
    { file: 'README.md', content: readme(inputs) },
    { file: 'permission-policy.json', content: renderPolicy(inputs.permissionPolicy) },
    { file: 'trust-policy.json', content: renderPolicy(inputs.trustPolicy) },
    { file: 'setup.sh', content: setupScript(inputs) },
    { file: 'cloudformation.yaml', content: accountTemplate(inputs) },
    ...(inputs.organizationWide === false ? [] : [{ file: 'cloudformation-stackset.yaml', content: stackSetTemplate(inputs) }]),
    ...terraformModule(inputs),
  ]
}
