/**
 * The kit's CloudFormation templates: one account (a managed policy of exactly the connector's permissions, and a
 * role only the platform's principal may assume, only with the organization id as ExternalId), and the StackSet
 * that rolls that same template out to every account of an AWS Organization.
 */
import { raw, substitute, toYaml, block, type Tree } from './setup-kit-formats.js'
import { EXTERNAL_ID_LENGTH, EXTERNAL_ID_PATTERN, EXTERNAL_ID_RULE, PRINCIPAL_PATTERN, type KitInputs } from './setup-kit-inputs.js'
import { trustPolicy } from './policies.js'

/** Logical ids and parameter names, as the README and the tests name them. */
export const CFN = {
  policy: 'ConnectorPolicy',
  role: 'ConnectorRole',
  stackSet: 'ConnectorRoleStackSet',
  targets: 'TargetOrganizationalUnitIds',
} as const

const ref = (name: string) => raw(`!Ref ${name}`)

/** The parameters both templates share; defaults filled where values were given. */
function parameters(inputs: KitInputs): Record<string, Tree> {
  return {
    OrganizationId: {
      Type: 'String',
      Description: 'Your organization id in the platform. The role trusts the platform only when it presents this value as sts:ExternalId.',
      MinLength: EXTERNAL_ID_LENGTH.min,
      MaxLength: EXTERNAL_ID_LENGTH.max,
      AllowedPattern: EXTERNAL_ID_PATTERN,
      ConstraintDescription: `must be your organization id in the platform: ${EXTERNAL_ID_RULE}`,
      ...(inputs.given.organizationId ? { Default: inputs.organizationId } : {}),
    },
    PrincipalArn: {
      Type: 'String',
      Description: "The platform's role: the only principal the role trusts.",
      AllowedPattern: PRINCIPAL_PATTERN,
      ConstraintDescription: "must be the platform's role ARN, like arn:aws:iam::123456789012:role/name",
      ...(inputs.given.principalArn ? { Default: inputs.principalArn } : {}),
    },
    RoleName: { Type: 'String', Description: 'The name of the role to create.', Default: inputs.roleName, AllowedPattern: '^[A-Za-z0-9_+=,.@-]{1,64}$' },
    PolicyName: { Type: 'String', Description: 'The name of the policy to create.', Default: inputs.policyName, AllowedPattern: '^[A-Za-z0-9_+=,.@-]{1,128}$' },
  }
}

const description = (inputs: KitInputs) =>
  `The platform's ${inputs.displayName} connector: a role allowed exactly ${inputs.permissions.join(', ')}, which only the platform's principal may assume, and only with your organization id as sts:ExternalId.`

/** The one-account template. */
export function accountTemplate(inputs: KitInputs): string {
  // The same trust policy as trust-policy.json, with the parameters in place of the values.
  const trust = substitute(trustPolicy('\0principal', '\0externalId'), { '\0principal': ref('PrincipalArn'), '\0externalId': ref('OrganizationId') })
  return `# ${inputs.notice}\n${toYaml({
    AWSTemplateFormatVersion: '2010-09-09',
    Description: description(inputs),
    Parameters: parameters(inputs),
    Resources: {
      [CFN.policy]: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          ManagedPolicyName: ref('PolicyName'),
          Description: `What the platform's ${inputs.displayName} connector may do in this account.`,
          PolicyDocument: substitute(inputs.permissionPolicy, {}),
        },
      },
      [CFN.role]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: ref('RoleName'),
          Description: `Assumed by the platform's ${inputs.displayName} connector, only with your organization id as ExternalId.`,
          AssumeRolePolicyDocument: trust,
          ManagedPolicyArns: [ref(CFN.policy)],
        },
      },
    },
    Outputs: {
      RoleArn: { Description: 'Paste this role ARN into the platform.', Value: raw(`!GetAtt ${CFN.role}.Arn`) },
    },
  })}`
}

/** The StackSet template: the one-account template in every account of the target organizational units. */
export function stackSetTemplate(inputs: KitInputs): string {
  const shared = parameters(inputs)
  return `# ${inputs.notice}\n${toYaml({
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `Deploy once, in the management account (or a delegated administrator): rolls out to every account of the target organizational units, and to accounts added later. ${description(inputs)}`,
    Parameters: {
      ...shared,
      [CFN.targets]: {
        Type: 'CommaDelimitedList',
        Description: 'The organizational units whose accounts get the role (ou-...), or the root (r-...) for every account.',
      },
    },
    Resources: {
      [CFN.stackSet]: {
        Type: 'AWS::CloudFormation::StackSet',
        Properties: {
          StackSetName: `connectors-${inputs.connectorId}`,
          Description: `The role of the platform's ${inputs.displayName} connector, in every account of the target organizational units.`,
          PermissionModel: 'SERVICE_MANAGED',
          AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
          Capabilities: ['CAPABILITY_NAMED_IAM'],
          ManagedExecution: { Active: true },
          OperationPreferences: { RegionConcurrencyType: 'PARALLEL', MaxConcurrentPercentage: 25, FailureTolerancePercentage: 10 },
          Parameters: Object.keys(shared).map((name) => ({ ParameterKey: name, ParameterValue: ref(name) })),
          // IAM is global: one region per account, this stack's.
          StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ref(CFN.targets) }, Regions: [ref('AWS::Region')] }],
          TemplateBody: block(accountTemplate(inputs)),
        },
      },
    },
    Outputs: {
      StackSetId: { Description: 'The StackSet, under CloudFormation > StackSets.', Value: raw(`!GetAtt ${CFN.stackSet}.StackSetId`) },
      RoleArnInEachAccount: {
        Description: "Paste each account's role ARN into the platform: this, with ACCOUNT_ID replaced by the account id.",
        Value: raw('!Sub "arn:${AWS::Partition}:iam::ACCOUNT_ID:role/${RoleName}"'),
      },
    },
  })}`
}
