/**
 * AWS error responses as data: code, HTTP status, fault side and message, as IAM and STS send them (Query
 * protocol) and as Identity Store and SSO Admin send theirs (JSON 1.1: `JsonErrors`).
 */

/** An error the sandbox answers with, shaped like AWS's `ErrorResponse`. */
export interface AwsError {
  readonly _tag: 'AwsError'
  readonly status: number
  readonly type: 'Sender' | 'Receiver'
  readonly code: string
  readonly message: string
  /** JSON 1.1 only: the Smithy namespace of `__type`, where it is not the service's own (Coral's framework errors). */
  readonly namespace?: string
  /** JSON 1.1 only: further members of the error shape, e.g. ResourceNotFoundException's `ResourceType`. */
  readonly fields?: Readonly<Record<string, string>>
}

const make =
  (status: number, code: string, type: 'Sender' | 'Receiver' = 'Sender') =>
  (message: string): AwsError => ({ _tag: 'AwsError', status, type, code, message })

/** The errors the sandbox produces, with AWS's codes and status codes. */
export const AwsErrors = {
  accessDenied: make(403, 'AccessDenied'),
  invalidClientTokenId: () => make(403, 'InvalidClientTokenId')('The security token included in the request is invalid.'),
  signatureDoesNotMatch: make(403, 'SignatureDoesNotMatch'),
  incompleteSignature: make(400, 'IncompleteSignature'),
  missingAuthenticationToken: () => make(403, 'MissingAuthenticationToken')('Request is missing Authentication Token'),
  expiredToken: () => make(400, 'ExpiredToken')('The security token included in the request is expired'),
  validationError: make(400, 'ValidationError'),
  malformedPolicyDocument: make(400, 'MalformedPolicyDocument'),
  noSuchEntity: make(404, 'NoSuchEntity'),
  throttling: () => make(400, 'Throttling')('Rate exceeded'),
  serviceFailure: () => make(500, 'ServiceFailure', 'Receiver')('Request processing has failed due to some unknown error, exception or failure.'),
  invalidAction: make(400, 'InvalidAction'),
  missingAction: () => make(400, 'MissingAction')('Missing Action'),
  invalidParameterValue: make(400, 'InvalidParameterValue'),
  reportNotPresent: () => make(410, 'ReportNotPresent')('The request was rejected because the credential report does not exist. To generate a credential report, use GenerateCredentialReport.'),
  reportExpired: () => make(410, 'ReportExpired')('The request was rejected because the most recent credential report has expired. To generate a new credential report, use GenerateCredentialReport.'),
  reportInProgress: () => make(404, 'ReportInProgress')('The request was rejected because the credential report is still being generated.'),
} as const

/** The namespace of the errors AWS's service framework (Coral) raises itself, before or around the service. */
export const CORAL_NAMESPACE = 'com.amazon.coral.service'

const jsonError =
  (status: number, code: string) =>
  (message: string, fields?: Readonly<Record<string, string>>): AwsError => ({ ...make(status, code, status >= 500 ? 'Receiver' : 'Sender')(message), ...(fields !== undefined ? { fields } : {}) })

/**
 * The modelled errors of Identity Store (and SSO Admin), as AWS sends them on the wire: HTTP 400 for every client
 * error (AWS's API reference lists AccessDeniedException, ResourceNotFoundException and ThrottlingException as
 * "HTTP Status Code: 400", though the Smithy model's `httpError` traits say 403, 404 and 429), 500 for
 * InternalServerException.
 */
export const JsonErrors = {
  accessDenied: jsonError(400, 'AccessDeniedException'),
  validation: jsonError(400, 'ValidationException'),
  resourceNotFound: (message: string, resourceType: 'IDENTITY_STORE' | 'GROUP' | 'USER', resourceId: string) =>
    jsonError(400, 'ResourceNotFoundException')(message, { ResourceType: resourceType, ResourceId: resourceId }),
  throttling: () => jsonError(400, 'ThrottlingException')('Rate exceeded'),
  internalServer: () => jsonError(500, 'InternalServerException')('The request processing has failed because of an unknown error, exception or failure with an internal server.'),
  /** A body that is not the JSON the operation takes (an error of AWS's framework, not of the service). */
  serialization: (message: string): AwsError => ({ ...jsonError(400, 'SerializationException')(message), namespace: CORAL_NAMESPACE }),
  /** An `X-Amz-Target` naming no operation: no message, as AWS sends it. */
  unknownOperation: (): AwsError => ({ ...jsonError(400, 'UnknownOperationException')(''), namespace: CORAL_NAMESPACE }),
} as const

/** True when a handler's result is an error. */
export function isAwsError(u: unknown): u is AwsError {
  return typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === 'AwsError'
}
