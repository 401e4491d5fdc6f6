/**
 * `@connectors/aws`: what every AWS connector shares, and nothing about any one service's nouns. The AssumeRole
 * session (ExternalId always, a session policy of exactly the connector's permissions, refresh and renewal),
 * per-account pacing and adaptive concurrency, the SDK retry adapter and bounded transport, error translation for
 * the Query and JSON protocols, SDK paginators as streams, the config codecs (role ARN, ExternalId, Region checked
 * against the SDK's partition data…) and the policy documents a customer pastes.
 * @packageDocumentation
 */
export {
  RoleArn,
  ExternalId,
  Region,
  RoleSessionName,
  EndpointUrl,
  SessionDurationSeconds,
  RequestTimeoutMs,
  parseRoleArn,
  defaultRegion,
  defaultRoleSessionName,
  withRegionOfRolePartition,
} from './internal/codecs.js'
export { PARTITIONS, partitionOfRegion, regionsOf, type Partition } from './internal/regions.js'
export { permissionPolicy, trustPolicy, renderPolicy, type PolicyDocument } from './internal/policies.js'
export { translateAwsError, isExpiredToken, missingPermission, deniedResource, type Phase } from './internal/errors.js'
export { ConnectorRetryStrategy, THROTTLE_MAX_DELAY_MS, type RetryHooks } from './internal/retry-strategy.js'
export { BoundedHttpHandler, MAX_RESPONSE_BYTES } from './internal/http-handler.js'
export {
  assumeRole,
  REFRESH_MARGIN_MS,
  type AssumeRole,
  type AssumeRoleConfig,
  type AwsClientConfig,
  type AwsConnectorSpec,
  type AwsDeps,
  type AwsSession,
  type SdkClient,
} from './internal/session.js'
export { sdkCall, allowedIfNotFound } from './internal/calls.js'
export { sdkPages, checkedListing, type Pagination, type TokenPage, type ListingCheck } from './internal/pages.js'
export { awsSetupKit, type SetupDoc } from './internal/setup-kit.js'
export { SETUP_PLACEHOLDERS, type AwsSetupKitSpec } from './internal/setup-kit-inputs.js'
