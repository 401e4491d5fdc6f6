/**
 * `@connectors/aws-iam`: the AWS IAM connector. Assumes a customer role with an ExternalId and a
 * least-privilege session policy; lists users, groups and memberships with iam:ListUsers, iam:ListGroups and
 * iam:GetGroup only.
 * @packageDocumentation
 */
import { defineConnector } from '@connectors/core'
import { authenticate, CONNECTOR_ID, type AwsIamDeps, type AwsIamSession } from './auth.js'
import { checkConnection } from './check.js'
import { AwsIamConfig, parseRoleArn } from './config.js'
import { groupsFetcher } from './fetchers/groups.js'
import { membershipsFetcher } from './fetchers/memberships.js'
import { usersFetcher } from './fetchers/users.js'
import { manifest, permissionPolicy, renderPolicy, trustPolicy } from './manifest.js'

/** Placeholders in the published trust policy: the platform fills them in for each customer. */
export const DELEGATOR_PLACEHOLDER = 'arn:aws:iam::PLATFORM_ACCOUNT_ID:user/connectors-delegator'
export const EXTERNAL_ID_PLACEHOLDER = 'YOUR_ORGANIZATION_ID'

/** Builds the connector over explicit dependencies (tests pass base credentials, timeouts, retry policy). */
export function createAwsIamConnector(deps: AwsIamDeps = {}) {
  return defineConnector<AwsIamConfig, AwsIamSession>({
    id: CONNECTOR_ID,
    displayName: 'AWS IAM',
    version: '0.1.0',
    config: AwsIamConfig,
    manifest,
    accountOf: (config) => parseRoleArn(config.roleArn).accountId,
    auth: authenticate(deps),
    fetchers: { groups: groupsFetcher, memberships: membershipsFetcher, users: usersFetcher },
    check: checkConnection(deps),
    setupDocs: () => [
      { file: 'permission-policy.json', content: renderPolicy(permissionPolicy(manifest)) },
      { file: 'trust-policy.json', content: renderPolicy(trustPolicy(DELEGATOR_PLACEHOLDER, EXTERNAL_ID_PLACEHOLDER)) },
    ],
  })
}

/** The connector with production defaults (base credentials from the AWS default provider chain). */
export const connector = createAwsIamConnector()
export default connector

export { AwsIamConfig, RoleArn, ExternalId, Region, EmailRule, parseRoleArn, defaultRoleSessionName, type Partition } from './config.js'
export { manifest, permissionPolicy, trustPolicy, renderPolicy, AWS_IAM_LICENSE, type PolicyDocument } from './manifest.js'
export { translateAwsError, missingPermission, deniedResource } from './errors.js'
export { emailFor } from './mappers/email.js'
export type { AwsIamUser } from './mappers/user.js'
export type { AwsIamGroup } from './mappers/group.js'
export { REFRESH_MARGIN_MS, type AwsIamDeps, type AwsIamSession } from './auth.js'
