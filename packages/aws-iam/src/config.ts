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

/**
 * How a user's email is derived: IAM users have none, the platform requires one. Tried in order: the username when
 * it is an address (always), the explicit `map` and `mapFile` entries (an explicit entry wins over any pattern), then
 * the user's email `tag` (opt-in), then the `template`. Users no rule places are reported by name, never dropped silently.
 */
export const EmailRule = strictObject(
  'EmailRule',
  {},
  {
    /** Explicit username → email entries. */
    map: t.record(t.string, EmailAddress),
    /** A CSV (`username,email` lines) or JSON (`{ "username": "email" }`) file of entries, relative to the run config. */
    // A file on the platform's host: the operator's to name, in a run config.
    mapFile: annotate(t.string, { description: 'A CSV (username,email per line; a header line is allowed) or JSON ({"username": "email"}) file of explicit entries, relative to the run config.', operatorOnly: true }),
    /** The key of a user tag holding the email (e.g. `email`): read with iam:ListUserTags, one call per user not placed otherwise. */
    tag: annotate(patternString('TagKey', { pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, expected: 'a tag key like email' }), {
      description: 'Opt-in: the key of a user tag holding the email (e.g. email), read with iam:ListUserTags for users the username and explicit entries do not place.',
    }),
    /** A template such as `{username}@example.com`, for every user the other rules do not place. */
    template: patternString('EmailTemplate', {
      pattern: /^[^\s@]*\{username\}[^\s@]*@[^\s@]+\.[^\s@]+$/,
      expected: 'a template containing {username}, like {username}@example.com',
    }),
  },
  { description: 'Rules in order: the username when it is an address, then map and mapFile entries, then the tag, then the template. Users matching none are reported as unmatched.' },
)
/** How a user's email is derived. */
export type EmailRule = t.TypeOf<typeof EmailRule>

const ConfigFields = strictObject(
  'AwsIamConfigFields',
  { roleArn: RoleArn },
  {
    externalId: annotate(ExternalId, { description: "Must equal the sts:ExternalId in the role's trust policy; default: the run config's platform.organizationId. Never logged." }),
    region: annotate(Region, { description: "Chooses the regional STS endpoint; must belong to the role's partition. IAM uses its partition's global endpoint." }),
    roleSessionName: annotate(RoleSessionName, { description: 'Shown in the customer’s CloudTrail. Default: connectors-aws-iam-<account id>.' }),
    sessionDurationSeconds: SessionDurationSeconds,
    email: EmailRule,
    credentialReport: annotate(t.boolean, {
      description: 'Opt-in: read the IAM credential report (iam:GenerateCredentialReport, iam:GetCredentialReport) for console access, MFA and access-key use: the last-used date and status of API-only users.',
    }),
    // Where the platform's credentials are sent: the operator's to set (tests, VPC endpoints), never a form's.
    endpoints: annotate(strictObject('Endpoints', {}, { sts: EndpointUrl, iam: EndpointUrl }), { operatorOnly: true }),
    requestTimeoutMs: RequestTimeoutMs,
  },
)

/** The connector's config. A region must belong to the role's partition. */
export const AwsIamConfig = withRegionOfRolePartition('AwsIamConfig', ConfigFields, { description: 'One AWS account: the role to assume and how to map its users.' })
/** The connector's config. */
export type AwsIamConfig = t.TypeOf<typeof AwsIamConfig>

/** The opt-in features a config turns on: each needs the manifest's optional permissions tied to it. */
export function featuresOf(config: AwsIamConfig): ReadonlyArray<string> {
  return [...(config.email?.tag !== undefined ? ['userTags'] : []), ...(config.credentialReport === true ? ['credentialReport'] : [])]
}
