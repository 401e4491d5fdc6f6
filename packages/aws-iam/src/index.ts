/**
 * `@connectors/aws-iam`: the AWS IAM connector. Assumes a customer role with an ExternalId and a
 * least-privilege session policy; lists users, groups and memberships with iam:ListUsers, iam:ListGroups and
 * iam:GetGroup only.
 * @packageDocumentation
 */
import { parseRoleArn, permissionPolicy, renderPolicy, trustPolicy } from '@connectors/aws'
import { defineConnector } from '@connectors/core'
import { authenticate, CONNECTOR_ID, type AwsIamDeps, type AwsIamSession } from './auth.js'
import { AwsIamConfig } from './config.js'
import { groupsFetcher } from './fetchers/groups.js'
import { membershipsFetcher } from './fetchers/memberships.js'
import { usersFetcher } from './fetchers/users.js'
import { manifest, POLICY } from './manifest.js'

/** Placeholders in the published trust policy: the platform fills them in for each customer. */
const DELEGATOR_PLACEHOLDER = 'arn:aws:iam::PLATFORM_ACCOUNT_ID:role/connectors-delegator'
const EXTERNAL_ID_PLACEHOLDER = 'YOUR_ORGANIZATION_ID'

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
    setupDocs: () => [
      { file: 'permission-policy.json', content: renderPolicy(permissionPolicy(POLICY.permissions, POLICY.sid)) },
      { file: 'trust-policy.json', content: renderPolicy(trustPolicy(DELEGATOR_PLACEHOLDER, EXTERNAL_ID_PLACEHOLDER)) },
    ],
  })
}

/** The connector with production defaults (base credentials from the AWS default provider chain). */
export const connector = createAwsIamConnector()
export default connector

export { AwsIamConfig } from './config.js'
export { manifest } from './manifest.js'
export type { AwsIamDeps, AwsIamSession } from './auth.js'
