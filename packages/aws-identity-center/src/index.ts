/**
 * `@connectors/aws-identity-center`: the AWS IAM Identity Center connector. Assumes a customer role with an ExternalId
 * and a least-privilege session policy (exactly this config's actions); lists the Identity Store's users (with their
 * email and names), groups and memberships.
 * @packageDocumentation
 */
import { awsSetupKit, parseRoleArn } from '@connectors/aws'
import { defineConnector } from '@connectors/core'
import { authenticate, CONNECTOR_ID, type AwsIdentityCenterDeps, type AwsIdentityCenterSession } from './auth.js'
import { AwsIdentityCenterConfig, featuresOf } from './config.js'
import { groupsFetcher } from './fetchers/groups.js'
import { membershipsFetcher } from './fetchers/memberships.js'
import { usersFetcher } from './fetchers/users.js'
import { manifest, POLICY } from './manifest.js'

/** Builds the connector over explicit dependencies (tests pass base credentials and a fast retry policy). */
export function createAwsIdentityCenterConnector(deps: AwsIdentityCenterDeps = {}) {
  return defineConnector<AwsIdentityCenterConfig, AwsIdentityCenterSession>({
    id: CONNECTOR_ID,
    displayName: 'AWS IAM Identity Center',
    version: '0.1.0',
    config: AwsIdentityCenterConfig,
    manifest,
    featuresOf,
    accountOf: (config) => parseRoleArn(config.roleArn).accountId,
    auth: authenticate(deps),
    fetchers: { groups: groupsFetcher, memberships: membershipsFetcher, users: usersFetcher },
    // The customer's setup kit (docs/connectors/aws-identity-center/): placeholders without values, the platform's own with them.
    setupDocs: (values) =>
      awsSetupKit(
        {
          connectorId: CONNECTOR_ID,
          displayName: 'AWS IAM Identity Center',
          manifest,
          roleName: 'ConnectorsIdentityCenterReadOnly',
          policyName: POLICY.sid,
          sid: POLICY.sid,
          // The instance lives in one account: a StackSet across the organization would add roles that read nothing.
          organizationWide: false,
          account: 'the account that holds your IAM Identity Center instance: the management account of your AWS Organization, or the member account you made its delegated administrator',
          pasteFields:
            "Enter the instance's **Region** (required: Identity Center is regional) and its **Identity Store ID** (IAM Identity Center → **Settings** → **Identity source**, `d-` and ten characters). Leave the Identity Store ID empty only if you also allowed `sso:ListInstances` (step 1's optional permission): the platform then finds it.",
        },
        values,
      ),
  })
}

/** The connector with production defaults (base credentials from the AWS default provider chain). */
export const connector = createAwsIdentityCenterConnector()
export default connector

export { AwsIdentityCenterConfig, IdentityStoreId, featuresOf } from './config.js'
export { manifest } from './manifest.js'
export type { AwsIdentityCenterDeps, AwsIdentityCenterSession } from './auth.js'
export type { AwsIdentityCenterUser } from './mappers/user.js'
