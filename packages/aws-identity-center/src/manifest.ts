/**
 * What the connector syncs and the exact permissions each fetcher uses; the customer's permission policy, the session
 * policy and the connection check are rendered from them.
 */
import { requiredPermissions, type Manifest } from '@connectors/core'

/** The license every Identity Center user holds. */
export const AWS_IDENTITY_CENTER_LICENSE = 'AWS IAM Identity Center'

/** The connector's manifest. */
export const manifest: Manifest = {
  contractVersion: 1,
  authOperation: 'sts:AssumeRole',
  missingEmailFix: 'give these users a primary email in IAM Identity Center (Users → the user → Edit)',
  userFields: [
    { name: 'Username', description: 'The user name people sign in with', source: 'ListUsers.UserName' },
    { name: 'Status', description: 'active while listed by a complete sync; deleted once absent from one', source: 'derived' },
    { name: 'Email', description: 'The primary email (else the first listed); users without one are reported', source: 'ListUsers.Emails' },
    { name: 'FirstName', description: 'The given name', source: 'ListUsers.Name.GivenName' },
    { name: 'LastName', description: 'The family name', source: 'ListUsers.Name.FamilyName' },
    { name: 'DisplayName', description: 'The name shown in the AWS access portal', source: 'ListUsers.DisplayName' },
    { name: 'UserId', description: 'The stable Identity Store user id', source: 'ListUsers.UserId' },
    { name: 'ExternalStatus', description: '`ENABLED` or `DISABLED` (sign-in disabled), verbatim', source: 'ListUsers.UserStatus' },
    { name: 'CreatedAt', description: 'When the user was created, when Identity Center says', source: 'ListUsers.CreatedAt' },
    { name: 'Roles', description: 'Display names of the groups the user belongs to', source: 'ListGroupMemberships' },
  ],
  licenseTypes: [AWS_IDENTITY_CENTER_LICENSE],
  entities: ['users', 'groups', 'memberships'],
  fetchers: [
    {
      entity: 'users',
      permissions: ['identitystore:ListUsers'],
      description: 'Lists every user of the Identity Store (MaxResults 100).',
      optionalPermissions: [
        { permission: 'sso:ListInstances', feature: 'discovery', description: 'finds the account’s Identity Store when the config names none (config identityStoreId omitted)', prerequisite: true },
      ],
    },
    { entity: 'groups', permissions: ['identitystore:ListGroups'], description: 'Lists every group of the Identity Store (MaxResults 100).' },
    { entity: 'memberships', permissions: ['identitystore:ListGroupMemberships'], description: "Reads each group's members (MaxResults 100), with adaptive concurrency." },
  ],
}

/** The manifest's required actions and the Sid of their statement: the customer's permission policy and the session policy. */
export const POLICY = { permissions: requiredPermissions(manifest), sid: 'ConnectorsReadIdentityCenterUsersAndGroups' } as const
