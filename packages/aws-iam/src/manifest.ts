/**
 * What the connector syncs and the exact permissions each fetcher uses; the permission policy and the trust
 * policy a customer pastes into the console are rendered from it (pure functions, no I/O).
 */
import { requiredPermissions, type Manifest } from '@connectors/core'

/** The license every IAM user holds. */
export const AWS_IAM_LICENSE = 'AWS IAM'

/** The connector's manifest. */
export const manifest: Manifest = {
  contractVersion: 1,
  userFields: [
    { name: 'Username', description: 'The IAM user name', source: 'ListUsers.UserName' },
    { name: 'Status', description: 'active while listed by a complete sync; deleted once absent from one', source: 'derived' },
    { name: 'Email', description: 'From the configured email rule (IAM users have none); unmatched users are reported', source: 'config.email' },
    { name: 'UserId', description: 'The stable IAM user id (AIDA…)', source: 'ListUsers.UserId' },
    { name: 'Arn', description: 'The user ARN', source: 'ListUsers.Arn' },
    { name: 'Path', description: 'The IAM path', source: 'ListUsers.Path' },
    { name: 'CreatedAt', description: 'When the user was created', source: 'ListUsers.CreateDate' },
    { name: 'LastUsedAt', description: 'Last console sign-in, when IAM reports one', source: 'ListUsers.PasswordLastUsed' },
    { name: 'ExternalStatus', description: '`signed-in` when IAM reports a console sign-in, else `no-sign-in-recorded`', source: 'ListUsers.PasswordLastUsed' },
    { name: 'Roles', description: 'Names of the IAM groups the user belongs to', source: 'GetGroup.Users' },
  ],
  licenseTypes: [AWS_IAM_LICENSE],
  entities: ['users', 'groups', 'memberships'],
  fetchers: [
    { entity: 'users', permissions: ['iam:ListUsers'], description: 'Lists every IAM user (MaxItems 1000).' },
    { entity: 'groups', permissions: ['iam:ListGroups'], description: 'Lists every IAM group (MaxItems 1000).' },
    { entity: 'memberships', permissions: ['iam:GetGroup'], description: "Reads each group's members (MaxItems 1000), with adaptive concurrency." },
  ],
}

/** A policy document, as IAM accepts it. */
export interface PolicyDocument {
  readonly Version: '2012-10-17'
  readonly Statement: ReadonlyArray<Readonly<Record<string, unknown>>>
}

/** The permission policy the customer attaches to the role: exactly the manifest's actions. */
export function permissionPolicy(m: Manifest = manifest): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'ConnectorsReadIamUsersAndGroups', Effect: 'Allow', Action: [...requiredPermissions(m)], Resource: '*' }],
  }
}

/** The trust policy: only the platform's delegator principal, and only with the customer's ExternalId. */
export function trustPolicy(delegatorArn: string, externalId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ConnectorsAssumeWithExternalId',
        Effect: 'Allow',
        Principal: { AWS: delegatorArn },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  }
}

/** A policy as a customer pastes it into the console: two-space indented JSON with a final newline. */
export function renderPolicy(policy: PolicyDocument): string {
  return `${JSON.stringify(policy, null, 2)}\n`
}
