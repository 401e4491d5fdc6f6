/**
 * The connector's config codec: the AWS session fields from `@connectors/aws` (the customer's role, its ExternalId,
 * endpoints), the region its IAM Identity Center instance lives in, and which Identity Store to read. The TypeScript
 * type and the JSON Schema (`connectors spec aws-identity-center`) are derived from it.
 */
import { EndpointUrl, ExternalId, Region, RequestTimeoutMs, RoleArn, RoleSessionName, SessionDurationSeconds, withRegionOfRolePartition } from '@connectors/aws'
import { annotate, patternString, strictObject } from '@connectors/core'
import type * as t from 'io-ts'

/** An Identity Store id: `d-` and ten hex digits, or (newer instances) a UUID. */
export const IdentityStoreId = patternString('IdentityStoreId', {
  pattern: /^(?:d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
  expected: 'an Identity Store id like d-1234567890 (IAM Identity Center → Settings → Identity source)',
  description:
    'The Identity Store to read (IAM Identity Center → Settings → Identity source). Omit it to discover the account’s one instance with sso:ListInstances, which the role must then allow.',
  examples: ['d-1234567890'],
})

const ConfigFields = strictObject(
  'AwsIdentityCenterConfigFields',
  {
    roleArn: annotate(RoleArn, { description: 'The customer-created role to assume, in the account that holds the IAM Identity Center instance (the management account or the delegated administrator).' }),
    region: annotate(Region, { description: 'The region of the IAM Identity Center instance (Identity Center is regional); also chooses the STS endpoint.' }),
  },
  {
    identityStoreId: IdentityStoreId,
    externalId: annotate(ExternalId, { description: "Must equal the sts:ExternalId in the role's trust policy; default: the run config's platform.organizationId. Never logged." }),
    roleSessionName: annotate(RoleSessionName, { description: 'Shown in the customer’s CloudTrail. Default: connectors-aws-identity-center-<account id>.' }),
    sessionDurationSeconds: SessionDurationSeconds,
    // Where the platform's credentials are sent: the operator's to set (tests, VPC endpoints), never a form's.
    endpoints: annotate(strictObject('AwsIdentityCenterEndpoints', {}, { sts: EndpointUrl, identitystore: EndpointUrl, sso: EndpointUrl }), { operatorOnly: true }),
    requestTimeoutMs: RequestTimeoutMs,
  },
)

/** The connector's config. The region must belong to the role's partition. */
export const AwsIdentityCenterConfig = withRegionOfRolePartition('AwsIdentityCenterConfig', ConfigFields, { description: 'One IAM Identity Center instance: the role to assume in its account, its region and its Identity Store.' })
/** The connector's config. */
export type AwsIdentityCenterConfig = t.TypeOf<typeof AwsIdentityCenterConfig>

/** The opt-in features a config turns on: each needs the manifest's optional permissions tied to it. */
export function featuresOf(config: AwsIdentityCenterConfig): ReadonlyArray<string> {
  // Without an Identity Store id, the connector finds the instance itself.
  return config.identityStoreId === undefined ? ['discovery'] : []
}
