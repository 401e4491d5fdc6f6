/**
 * The connector's config codec: the AWS session fields from `@connectors/aws`, plus IAM's own — how a user's email
 * is derived, and the IAM endpoint. The TypeScript type and the JSON Schema are derived from it.
 */
import { EndpointUrl, ExternalId, Region, RequestTimeoutMs, RoleArn, RoleSessionName, SessionDurationSeconds, withRegionOfRolePartition } from '@connectors/aws'
import { annotate, patternString, strictObject } from '@connectors/core'
import * as t from 'io-ts'

/** An email address. */
export const EmailAddress = patternString('EmailAddress', {
  pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  expected: 'an email address like jane@example.com',
})

/** How a user's email is derived: IAM users have none, the platform requires one. */
export const EmailRule = strictObject(
  'EmailRule',
  {},
  {
    /** Use the username when it is an email address (default true). */
    usernameIsEmail: t.boolean,
    /** A template such as `{username}@example.com`, used when the username is not an address. */
    template: patternString('EmailTemplate', {
      pattern: /^[^\s@]*\{username\}[^\s@]*@[^\s@]+\.[^\s@]+$/,
      expected: 'a template containing {username}, like {username}@example.com',
    }),
    /** Explicit username → email entries; they win over the other rules. */
    map: t.record(t.string, EmailAddress),
  },
  { description: 'Rules in order: map, then the username when it is an address, then template. Users matching none are reported as unmatched.' },
)
/** How a user's email is derived. */
export type EmailRule = t.TypeOf<typeof EmailRule>

const ConfigFields = strictObject(
  'AwsIamConfigFields',
  { roleArn: RoleArn, externalId: ExternalId },
  {
    region: annotate(Region, { description: "Chooses the regional STS endpoint; must belong to the role's partition. IAM uses its partition's global endpoint." }),
    roleSessionName: annotate(RoleSessionName, { description: 'Shown in the customer’s CloudTrail. Default: connectors-aws-iam-<account id>.' }),
    sessionDurationSeconds: SessionDurationSeconds,
    email: EmailRule,
    endpoints: strictObject('Endpoints', {}, { sts: EndpointUrl, iam: EndpointUrl }),
    requestTimeoutMs: RequestTimeoutMs,
  },
)

/** The connector's config. A region must belong to the role's partition. */
export const AwsIamConfig = withRegionOfRolePartition('AwsIamConfig', ConfigFields, { description: 'One AWS account: the role to assume and how to map its users.' })
/** The connector's config. */
export type AwsIamConfig = t.TypeOf<typeof AwsIamConfig>
