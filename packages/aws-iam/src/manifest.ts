/** What the connector syncs and the exact permissions each fetcher uses; its policies are rendered from them. */
import { requiredPermissions, type Manifest } from '@connectors/core'

/** The license every IAM user holds. */
export const AWS_IAM_LICENSE = 'AWS IAM'

/** The connector's manifest. */
export const manifest: Manifest = {
  contractVersion: 1,
  authOperation: 'sts:AssumeRole',
  missingEmailFix: "add an email rule to the account's config (a template such as {username}@example.com, a map file, or the email tag)",
  userFields: [
    { name: 'Username', description: 'The IAM user name', source: 'ListUsers.UserName' },
    { name: 'Status', description: 'active while listed by a complete sync; deleted once absent from one', source: 'derived' },
    { name: 'Email', description: 'From the configured email rule (IAM users have none); unmatched users are reported', source: 'config.email' },
    { name: 'UserId', description: 'The stable IAM user id (AIDA…)', source: 'ListUsers.UserId' },
    { name: 'Arn', description: 'The user ARN', source: 'ListUsers.Arn' },
    { name: 'Path', description: 'The IAM path', source: 'ListUsers.Path' },
    { name: 'CreatedAt', description: 'When the user was created', source: 'ListUsers.CreateDate' },
    { name: 'LastUsedAt', description: 'Last console sign-in; with the credential report, the latest of sign-in and access-key use', source: 'ListUsers.PasswordLastUsed, credential report' },
    { name: 'ExternalStatus', description: '`signed-in` or `no-sign-in-recorded`; with the credential report, `console+keys`, `console-only`, `keys-only` or `console-disabled` (`+mfa` when MFA is on)', source: 'ListUsers.PasswordLastUsed, credential report' },
    { name: 'Roles', description: 'Names of the IAM groups the user belongs to', source: 'GetGroup.Users' },
  ],
  licenseTypes: [AWS_IAM_LICENSE],
  entities: ['users', 'groups', 'memberships'],
  fetchers: [
    {
      entity: 'users',
      permissions: ['iam:ListUsers'],
      description: 'Lists every IAM user (MaxItems 1000).',
      optionalPermissions: [
        { permission: 'iam:ListUserTags', feature: 'userTags', description: "reads the email tag of users no other rule places (config email.tag)" },
        { permission: 'iam:GenerateCredentialReport', feature: 'credentialReport', description: 'asks IAM for the credential report (config credentialReport)' },
        { permission: 'iam:GetCredentialReport', feature: 'credentialReport', description: 'reads console, MFA and access-key use from it' },
      ],
    },
    { entity: 'groups', permissions: ['iam:ListGroups'], description: 'Lists every IAM group (MaxItems 1000).' },
    { entity: 'memberships', permissions: ['iam:GetGroup'], description: "Reads each group's members (MaxItems 1000), with adaptive concurrency." },
  ],
}

/** The manifest's required actions and the Sid of their statement: the customer's permission policy and the session policy. */
export const POLICY = { permissions: requiredPermissions(manifest), sid: 'ConnectorsReadIamUsersAndGroups' } as const
