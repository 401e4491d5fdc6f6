/**
 * The connector's config codec. The TypeScript type and the JSON Schema are derived from it.
 */
import { annotate, boundedInt, patternString } from '@connectors/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

/** AWS partitions the connector supports. */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov'

/** An IAM role ARN: `arn:{aws|aws-cn|aws-us-gov}:iam::<12 digits>:role/<path/>name`, name 1–64 `[\w+=,.@-]`. */
export const RoleArn = patternString('RoleArn', {
  pattern: /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/(?:[\x21-\x2e\x30-\x7e]+\/)*[\w+=,.@-]{1,64}$/,
  maxLength: 2048,
  expected: 'an IAM role ARN like arn:aws:iam::123456789012:role/name',
  description: 'The customer-created role to assume; the account id comes from it.',
  examples: ['arn:aws:iam::123456789012:role/ConnectorsReadOnly'],
})
/** An IAM role ARN. */
export type RoleArn = t.TypeOf<typeof RoleArn>

/** The customer's organization id in the platform, required by the role's trust policy (confused-deputy protection). */
export const ExternalId = patternString('ExternalId', {
  pattern: /^[\w+=,.@:/-]+$/,
  minLength: 2,
  maxLength: 1224,
  expected: 'an ExternalId of 2–1224 characters from [A-Za-z0-9_+=,.@:/-]',
  description: "Must equal the sts:ExternalId in the role's trust policy. Never logged.",
  sensitive: true,
})
/** An ExternalId. */
export type ExternalId = t.TypeOf<typeof ExternalId>

/** An AWS region code such as `us-east-1`, `us-gov-west-1` or `cn-north-1`. */
export const Region = patternString('Region', {
  pattern: /^(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-(?:[a-z]+-)*[a-z]+-\d{1,2}$/,
  expected: 'an AWS region code like us-east-1',
  description: "Chooses the regional STS endpoint; must belong to the role's partition. IAM uses its partition's global endpoint.",
})
/** An AWS region code. */
export type Region = t.TypeOf<typeof Region>

/** A role session name: 2–64 characters of `[\w+=,.@-]`. */
export const RoleSessionName = patternString('RoleSessionName', {
  pattern: /^[\w+=,.@-]+$/,
  minLength: 2,
  maxLength: 64,
  expected: 'a role session name of 2–64 characters from [A-Za-z0-9_+=,.@-]',
  description: 'Shown in the customer’s CloudTrail. Default: connectors-aws-iam-<account id>.',
})

/** An http(s) URL. */
export const EndpointUrl = patternString('EndpointUrl', {
  pattern: /^https?:\/\/[^\s/?#]+(?::\d+)?\/?$/,
  expected: 'an endpoint URL like https://sts.us-east-1.amazonaws.com',
})

/** An email address. */
export const EmailAddress = patternString('EmailAddress', {
  pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  expected: 'an email address like jane@example.com',
})

/** How a user's email is derived: IAM users have none, the platform requires one. */
export const EmailRule = annotate(
  t.partial({
    /** Use the username when it is an email address (default true). */
    usernameIsEmail: t.boolean,
    /** A template such as `{username}@example.com`, used when the username is not an address. */
    template: patternString('EmailTemplate', {
      pattern: /^[^\s@]*\{username\}[^\s@]*@[^\s@]+\.[^\s@]+$/,
      expected: 'a template containing {username}, like {username}@example.com',
    }),
    /** Explicit username → email entries; they win over the other rules. */
    map: t.record(t.string, EmailAddress),
  }),
  { description: 'Rules in order: map, then the username when it is an address, then template. Users matching none are reported as unmatched.' },
)
/** How a user's email is derived. */
export type EmailRule = t.TypeOf<typeof EmailRule>

const ConfigFields = t.intersection([
  t.type({ roleArn: RoleArn, externalId: ExternalId }),
  t.partial({
    region: Region,
    roleSessionName: RoleSessionName,
    sessionDurationSeconds: boundedInt('SessionDurationSeconds', 900, 43200, 'AssumeRole DurationSeconds (default 3600).'),
    email: EmailRule,
    endpoints: t.partial({ sts: EndpointUrl, iam: EndpointUrl }),
    requestTimeoutMs: boundedInt('RequestTimeoutMs', 1_000, 120_000, 'Per-request timeout (default 20000); a stalled response is retried.'),
  }),
])

/** The partition, account id, path and name of a role ARN. */
export function parseRoleArn(arn: RoleArn): { partition: Partition; accountId: string; name: string } {
  const m = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn) as RegExpExecArray
  return { partition: m[1] as Partition, accountId: m[2] as string, name: m[3] as string }
}

const REGION_PARTITION = (region: string): Partition => (region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws')

/** The connector's config. A region must belong to the role's partition. */
export const AwsIamConfig = annotate(new t.Type<t.TypeOf<typeof ConfigFields>, t.OutputOf<typeof ConfigFields>, unknown>(
  'AwsIamConfig',
  ConfigFields.is,
  (input, context) => {
    const decoded = ConfigFields.validate(input, [...context, { key: '', type: ConfigFields, actual: input }])
    if (E.isLeft(decoded)) return decoded
    const { roleArn, region } = decoded.right
    const partition = parseRoleArn(roleArn).partition
    if (region !== undefined && REGION_PARTITION(region) !== partition) {
      return t.failure(region, [...context, { key: 'region', type: Region, actual: region }], `a region of the ${partition} partition (the role's)`)
    }
    return decoded
  },
  ConfigFields.encode,
), { structure: ConfigFields, description: 'One AWS account: the role to assume and how to map its users.' })
/** The connector's config. */
export type AwsIamConfig = t.TypeOf<typeof AwsIamConfig>

/** The default region of each partition (its STS endpoint; IAM signs there too). */
export const defaultRegion: Readonly<Record<Partition, string>> = { aws: 'us-east-1', 'aws-us-gov': 'us-gov-west-1', 'aws-cn': 'cn-north-1' }

/** The default role session name: identifies the platform and the account, within AWS's 2–64 rule. */
export function defaultRoleSessionName(accountId: string): string {
  return `connectors-aws-iam-${accountId}`
}
