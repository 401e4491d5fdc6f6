/**
 * Config codecs every AWS connector shares: the role to assume, the ExternalId its trust policy requires, the
 * region (checked against the SDK's partition data), the session's name, duration and timeout, endpoint overrides.
 * A connector composes them into its own config codec.
 */
import { annotate, annotationOf, boundedInt, patternString, type Annotation } from '@connectors/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { partitionOfRegion, regionProblem, type Partition } from './regions.js'

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

const RegionCode = patternString('Region', {
  pattern: /^(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-(?:[a-z]+-)*[a-z]+-\d{1,2}$/,
  expected: 'an AWS region code like us-east-1',
  description: "Chooses the regional STS endpoint; must belong to the role's partition.",
})
/** An AWS region code that the SDK knows. */
export type Region = t.TypeOf<typeof RegionCode>

/**
 * An AWS region such as `us-east-1`, `us-gov-west-1` or `cn-north-1`: region-shaped, and listed in the SDK's
 * partition data for a supported partition. An unknown one (`us-east-9`) fails naming its partition's regions.
 */
export const Region: t.Type<Region, string, unknown> = annotate(
  new t.Type<Region, string, unknown>(
    'Region',
    (u): u is Region => RegionCode.is(u) && regionProblem(u) === undefined,
    (input, context) => {
      const shaped = RegionCode.validate(input, context)
      if (E.isLeft(shaped)) return shaped
      const problem = regionProblem(shaped.right)
      return problem === undefined ? shaped : t.failure(input, context, problem)
    },
    (region) => region,
  ),
  // The pattern, bounds and words of the shape check, so the JSON Schema and "expected …" read as before.
  { ...annotationOf(RegionCode), structure: t.string },
)

/** A role session name: 2–64 characters of `[\w+=,.@-]`. */
export const RoleSessionName = patternString('RoleSessionName', {
  pattern: /^[\w+=,.@-]+$/,
  minLength: 2,
  maxLength: 64,
  expected: 'a role session name of 2–64 characters from [A-Za-z0-9_+=,.@-]',
  description: 'Shown in the customer’s CloudTrail. Default: connectors-<connector id>-<account id>.',
})
/** A role session name. */
export type RoleSessionName = t.TypeOf<typeof RoleSessionName>

/** An endpoint override: https anywhere, plain http only to the loopback address (a local test endpoint). */
export const ENDPOINT_URL = /^(?:https:\/\/[^\s/?#]+|http:\/\/(?:127(?:\.\d{1,3}){3}|localhost|\[::1\]))(?::\d+)?\/?$/

/** An http(s) URL, to override a service's endpoint. */
export const EndpointUrl = patternString('EndpointUrl', {
  // AssumeRole carries the ExternalId out and the session's credentials back: only TLS, or this machine itself.
  pattern: ENDPOINT_URL,
  expected: 'an https endpoint URL like https://sts.us-east-1.amazonaws.com (plain http only to this machine: 127.0.0.1, localhost, [::1])',
})
/** An https URL, or an http one to the loopback address. */
export type EndpointUrl = t.TypeOf<typeof EndpointUrl>

/** AssumeRole's DurationSeconds: AWS accepts 900–43200 (a role's own maximum may be lower). */
export const SessionDurationSeconds = boundedInt('SessionDurationSeconds', 900, 43200, 'AssumeRole DurationSeconds (default 3600).')

/** The per-request timeout, in ms: a stalled response is cut and retried. */
export const RequestTimeoutMs = boundedInt('RequestTimeoutMs', 1_000, 120_000, 'Per-request timeout (default 20000); a stalled response is retried.')

/** The partition and account id of a role ARN, and the role's name without its path. */
export function parseRoleArn(arn: RoleArn): { partition: Partition; accountId: string; name: string } {
  const m = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn) as RegExpExecArray
  return { partition: m[1] as Partition, accountId: m[2] as string, name: m[3] as string }
}

/** The default region of each partition: its STS endpoint's, and where its global services (IAM) sign. */
export const defaultRegion: Readonly<Record<Partition, string>> = { aws: 'us-east-1', 'aws-us-gov': 'us-gov-west-1', 'aws-cn': 'cn-north-1' }

/** The default role session name: names the platform, the connector and the account, within AWS's 2–64 rule. */
export function defaultRoleSessionName(connector: string, accountId: string): string {
  return `connectors-${connector}-${accountId}`.slice(0, 64)
}

/**
 * Wraps a connector's config codec (one with `roleArn` and an optional `region`) with the rule no field can check
 * alone: the region must belong to the role's partition, since STS only serves a role in its own partition.
 */
export function withRegionOfRolePartition<A extends { readonly roleArn: RoleArn; readonly region?: Region | undefined }, O>(
  name: string,
  fields: t.Type<A, O, unknown>,
  annotation: Annotation = {},
): t.Type<A, O, unknown> {
  const codec = new t.Type<A, O, unknown>(
    name,
    fields.is,
    (input, context) => {
      // Keyed '' so error paths read through this wrapper to the fields.
      const decoded = fields.validate(input, [...context, { key: '', type: fields, actual: input }])
      if (E.isLeft(decoded)) return decoded
      const { roleArn, region } = decoded.right
      const partition = parseRoleArn(roleArn).partition
      if (region !== undefined && partitionOfRegion(region) !== partition) {
        return t.failure(region, [...context, { key: 'region', type: Region, actual: region }], `a region of the ${partition} partition (the role's)`)
      }
      return decoded
    },
    fields.encode,
  )
  return annotate(codec, { structure: fields, ...annotation })
}
