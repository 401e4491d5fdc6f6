/**
 * `@connectors/aws-iam`: the AWS IAM connector. Assumes a customer role with an ExternalId and a
 * least-privilege session policy; lists users, groups and memberships with iam:ListUsers, iam:ListGroups and
 * iam:GetGroup only.
 * @packageDocumentation
 */
import { awsSetupKit, parseRoleArn } from '@connectors/aws'
import { defineConnector } from '@connectors/core'
import { authenticate, CONNECTOR_ID, type AwsIamDeps, type AwsIamSession } from './auth.js'
import { AwsIamConfig, featuresOf } from './config.js'
import { groupsFetcher } from './fetchers/groups.js'
import { membershipsFetcher } from './fetchers/memberships.js'
import { usersFetcher } from './fetchers/users.js'
import { manifest, POLICY } from './manifest.js'

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
    featuresOf,
    fetchers: { groups: groupsFetcher, memberships: membershipsFetcher, users: usersFetcher },
    // The customer's setup kit (docs/connectors/aws-iam/): placeholders without values, the platform's own with them.
    setupDocs: (values) => awsSetupKit({ connectorId: CONNECTOR_ID, displayName: 'AWS IAM', manifest, roleName: 'ConnectorsReadOnly', policyName: POLICY.sid, sid: POLICY.sid }, values),
  })
}

/** The connector with production defaults (base credentials from the AWS default provider chain). */
export const connector = createAwsIamConnector()
export default connector

export { AwsIamConfig } from './config.js'
export { manifest } from './manifest.js'
export type { AwsIamDeps, AwsIamSession } from './auth.js'
