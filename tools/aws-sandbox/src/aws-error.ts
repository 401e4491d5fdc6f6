/** AWS error responses as data: code, HTTP status, fault side and message, as IAM and STS send them. */

/** An error the sandbox answers with, shaped like AWS's `ErrorResponse`. */
export interface AwsError {
  readonly _tag: 'AwsError'
  readonly status: number
  readonly type: 'Sender' | 'Receiver'
  readonly code: string
  readonly message: string
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

/** True when a handler's result is an error. */
export function isAwsError(u: unknown): u is AwsError {
  return typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === 'AwsError'
}
