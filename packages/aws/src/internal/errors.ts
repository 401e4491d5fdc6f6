/**
 * The one place AWS SDK errors become `ConnectorError`s, for any service and either wire protocol: the Query
 * protocol (IAM, STS: `Throttling`, `AccessDenied`, `NoSuchEntity`, `ValidationError`) and the JSON protocols
 * (Identity Store, SSO Admin, Organizations: `ThrottlingException`, `AccessDeniedException`,
 * `ResourceNotFoundException`, `ValidationException`). SDK errors are told apart by `name`, status and fault side.
 * Messages name the account, the step and the fix, and never echo the ExternalId.
 */
import { ConnectorError, type ErrorScope } from '@connectors/core'

/**
 * Which credentials were in play when the error happened: the platform's base credentials, the AssumeRole call,
 * or the assumed session calling the connector's service.
 */

/** AWS's validation messages quote the rejected value (`Value 'x' at 'externalId'`); never pass one on. */
const withoutQuotedValues = (message: string) => message.replace(/Value '[^']*' at/g, 'Value (not shown) at')

export type Phase = 'base' | 'assume' | 'service'

interface SdkErrorLike {
  readonly name?: string
  readonly message?: string
  readonly code?: string
  readonly $fault?: 'client' | 'server'
  readonly $metadata?: { readonly httpStatusCode?: number }
  readonly $retryable?: { readonly throttling?: boolean }
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
  'PriorRequestNotComplete',
])
const BAD_CREDENTIALS = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'InvalidSignatureException', 'IncompleteSignature', 'MissingAuthenticationToken', 'UnrecognizedClientException', 'AuthFailure', 'InvalidAccessKeyId'])
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired'])
const DENIED = new Set(['AccessDenied', 'AccessDeniedException'])
const NOT_FOUND = new Set(['NoSuchEntity', 'NoSuchEntityException', 'ResourceNotFoundException'])
const INVALID = new Set(['ValidationError', 'ValidationException'])
const SERVER = new Set(['ServiceFailure', 'ServiceFailureException', 'ServiceUnavailable', 'ServiceUnavailableException', 'InternalFailure', 'InternalError', 'InternalServerException'])
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET'])

/** True when an SDK error says the session's credentials expired (renew the session and resume). */
export function isExpiredToken(thrown: unknown): boolean {
  return EXPIRED.has((thrown as SdkErrorLike | undefined)?.name ?? '')
}

/** The permission an AWS AccessDenied message names, for any service: `iam:GetGroup`, `identitystore:ListUsers`. */
export function missingPermission(message: string): string | undefined {
  return /not authorized to perform: ([\w-]+:[\w*]+)/.exec(message)?.[1]
}

/** The resource an AccessDenied message names (`arn:…`, or `group NAME`). */
export function deniedResource(message: string): string | undefined {
  return /on resource: (.+?)(?:\s+because\b|\s+with an explicit deny\b|$)/.exec(message)?.[1]
}

function networkCode(e: SdkErrorLike): string | undefined {
  if (e.code !== undefined && NETWORK.has(e.code)) return e.code
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return e.name
  if (/socket hang up|ECONNRESET|timed? ?out|other side closed/i.test(e.message ?? '')) return 'connection'
  return undefined
}

const roleName = (roleArn: string) => roleArn.split('/').pop() ?? roleArn

function denied(scope: ErrorScope, phase: Phase, roleArn: string, message: string, principalArn?: string): ConnectorError {
  if (phase === 'assume') {
    // With the platform's principal known, the fix says what to paste, filled in (but for the ExternalId, never shown).
    const principal = principalArn !== undefined ? `the platform's principal ${principalArn}` : "the platform's principal"
    const kit = principalArn !== undefined ? `; \`connectors setup ${scope.connector} --org <organization id> --principal ${principalArn}\` prints the whole trust policy to paste` : ` (the template is docs/connectors/${scope.connector}/trust-policy.json)`
    return ConnectorError.authFailed({
      ...scope,
      detail: `AssumeRole on ${roleArn} was refused: the role's trust policy does not trust the platform's principal, or its sts:ExternalId condition does not match the configured ExternalId, or the role does not exist`,
      fix: `in account ${scope.account}, make sure role ${roleName(roleArn)} exists and its trust policy allows ${principal} with sts:ExternalId equal to this organization's id${kit}`,
    })
  }
  const permission = missingPermission(message)
  const resource = deniedResource(message)
  const explicit = /explicit deny/.test(message)
  return ConnectorError.accessDenied({
    ...scope,
    permission,
    detail: `the role may not call ${permission ?? scope.operation}${resource !== undefined ? ` on ${resource}` : ''}${explicit ? ' (an explicit deny)' : ''}`,
    fix: explicit
      ? `remove the explicit deny of ${permission ?? scope.operation} that applies to role ${roleName(roleArn)}`
      : `add ${permission ?? scope.operation} to the role's permission policy (the whole policy is docs/connectors/${scope.connector}/permission-policy.json)`,
  })
}

/**
 * Translates anything the SDK threw. `roleArn` names the role in trust failures; `phase` says whether the
 * platform's base credentials, the AssumeRole call or the assumed session was in play.
 */
export function translateAwsError(thrown: unknown, scope: ErrorScope, phase: Phase, roleArn: string, principalArn?: string): ConnectorError {
  const e: SdkErrorLike = typeof thrown === 'object' && thrown !== null ? (thrown as SdkErrorLike) : { message: String(thrown) }
  const name = e.name ?? 'Error'
  const message = e.message ?? ''
  const status = e.$metadata?.httpStatusCode

  if (name === 'CredentialsProviderError') {
    return ConnectorError.authFailed({
      ...scope,
      detail: 'no base AWS credentials were found for the platform',
      fix: 'provide credentials through the AWS default chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, SSO or an instance role',
    })
  }
  if (name === 'ResponseTooLarge') return ConnectorError.upstream({ ...scope, detail: `AWS sent ${message}; refusing to buffer it` })
  if (THROTTLING.has(name) || e.$retryable?.throttling === true || status === 429) return ConnectorError.throttled({ ...scope, detail: `AWS throttled the call (${name}: ${message})` })
  if (EXPIRED.has(name)) {
    return ConnectorError.authFailed({ ...scope, detail: 'the session credentials expired', retryable: true, fix: 'the connector refreshes them; if this persists, check the host clock' })
  }
  if (BAD_CREDENTIALS.has(name)) {
    return phase === 'service'
      ? ConnectorError.authFailed({ ...scope, detail: `AWS rejected the assumed session's credentials (${name})`, fix: 'retry the sync; if this persists, check the host clock' })
      : ConnectorError.authFailed({
          ...scope,
          detail: `AWS rejected the platform's base credentials (${name})`,
          fix: 'check the platform credentials in the AWS default chain (access key, profile, SSO or instance role) and the host clock',
        })
  }
  if (DENIED.has(name)) return denied(scope, phase, roleArn, message, principalArn)
  if (NOT_FOUND.has(name)) return ConnectorError.notFound({ ...scope, detail: message || 'the entity does not exist' })
  if (INVALID.has(name)) {
    // AssumeRole's parameters come from the config (session name, duration); a service call's are the connector's own.
    // AWS quotes the offending value ("Value 'x' at 'externalId' failed…"): it may be the ExternalId, so it is cut out.
    return phase === 'assume'
      ? ConnectorError.invalidConfig({ ...scope, detail: 'AWS rejected the AssumeRole parameters', issues: [withoutQuotedValues(message)], fix: 'correct the role session name or duration' })
      : ConnectorError.upstream({ ...scope, detail: `AWS refused the request as invalid (${name}): ${withoutQuotedValues(message).slice(0, 200)}` })
  }
  if (SERVER.has(name) || e.$fault === 'server' || (status !== undefined && status >= 500)) {
    return ConnectorError.transient({ ...scope, detail: `AWS failed to serve the call (${name}${status !== undefined ? `, HTTP ${status}` : ''})` })
  }
  const network = networkCode(e)
  if (network !== undefined) return ConnectorError.transient({ ...scope, detail: `the connection failed (${network})` })
  if (status !== undefined && status < 300) {
    return ConnectorError.upstream({ ...scope, detail: `AWS sent a response that could not be parsed (${message.slice(0, 120)})`, retryable: true })
  }
  if (status !== undefined) return ConnectorError.upstream({ ...scope, detail: `AWS answered ${name} (HTTP ${status}): ${message.slice(0, 200)}` })
  if (/deseriali|parse|xml|Unexpected end|char /i.test(message)) {
    return ConnectorError.upstream({ ...scope, detail: `AWS sent a response that could not be parsed (${message.slice(0, 120)})`, retryable: true })
  }
  return ConnectorError.internal({ ...scope, detail: `${name}: ${message.slice(0, 200)}` })
}
