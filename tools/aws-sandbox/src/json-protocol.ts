/**
 * The AWS JSON 1.1 protocol (Identity Store, SSO Admin): `POST /` with `X-Amz-Target: <Prefix>.<Operation>` and a
 * JSON body; answers `application/x-amz-json-1.1`. Errors as AWS sends them:
 *
 *     HTTP 400 (500 for InternalServerException)
 *     x-amzn-ErrorType: <Code>:http://internal.amazon.com/coral/<namespace>/
 *     {"__type":"<namespace>#<Code>","Message":"…", …further members of the error shape}
 *
 * where the namespace is the service's (`com.amazonaws.identitystore`) for its modelled errors, which carry their
 * message as the model's `Message` member, and `com.amazon.coral.service` for the framework's own errors
 * (UnrecognizedClientException, InvalidSignatureException, ExpiredTokenException, UnknownOperationException, …),
 * which carry it as `message`. The AWS SDK v3 reads the code from `__type` (namespace stripped) and the message from
 * `message` or `Message`; botocore (the AWS CLI) alike.
 */
import { AwsErrors, CORAL_NAMESPACE, isAwsError, JsonErrors, type AwsError } from './aws-error.js'
import { findJsonOperation, jsonTargets, type JsonObject } from './operations/index.js'
import { prepare, type Protocol, type Rendered } from './pipeline.js'

/** The codes the shared steps (authentication, the pipeline) raise in Query terms, as JSON 1.1 services name them. */
const JSON_CODES: Readonly<Record<string, string>> = {
  InvalidClientTokenId: 'UnrecognizedClientException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  IncompleteSignature: 'IncompleteSignatureException',
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  ExpiredToken: 'ExpiredTokenException',
}

/** A Query-protocol error of the shared steps in JSON 1.1's terms (an error already in them is kept). */
function inJsonTerms(error: AwsError): AwsError {
  const framework = JSON_CODES[error.code]
  if (framework !== undefined) return { ...error, code: framework, status: 400, namespace: CORAL_NAMESPACE }
  if (error.code === 'AccessDenied') return JsonErrors.accessDenied(error.message)
  if (error.code === 'Throttling') return JsonErrors.throttling()
  if (error.code === 'ServiceFailure') return JsonErrors.internalServer()
  if (error.code === 'ValidationError') return JsonErrors.validation(error.message)
  return error
}

/** Writes an error of a service whose namespace is `namespace`. */
export function jsonFailure(error: AwsError, namespace: string): Rendered {
  const e = inJsonTerms(error)
  const ns = e.namespace ?? namespace
  const message = e.message === '' ? {} : { [ns === CORAL_NAMESPACE ? 'message' : 'Message']: e.message }
  return {
    status: e.status,
    body: JSON.stringify({ __type: `${ns}#${e.code}`, ...message, ...e.fields }),
    outcome: e.code,
    headers: { 'x-amzn-ErrorType': `${e.code}:http://internal.amazon.com/coral/${ns}/` },
  }
}

/** The request body as a JSON object (an empty body is `{}`), or SerializationException. */
function parseBody(body: string): JsonObject | AwsError {
  if (body.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return JsonErrors.serialization('Unable to parse the request body as JSON.')
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as JsonObject) : JsonErrors.serialization('Start of structure or map found where not expected.')
}

/** The JSON 1.1 protocol for a request whose `X-Amz-Target` is `target`. */
export function jsonProtocol(target: string): Protocol {
  const dot = target.lastIndexOf('.')
  const action = target.slice(dot + 1)
  const service = jsonTargets.get(target.slice(0, Math.max(0, dot)))
  const namespace = service?.namespace ?? CORAL_NAMESPACE
  return {
    contentType: 'application/x-amz-json-1.1',
    failure: (error) => jsonFailure(error, namespace),
    route: (scopeService, body, _url, base) => {
      const op = service === undefined ? undefined : findJsonOperation(service.service, action)
      if (service === undefined || op === undefined) return { error: JsonErrors.unknownOperation() }
      const name = `${service.service}:${action}`
      // AWS's wording, trailing space included.
      if (scopeService !== service.service) return { error: AwsErrors.signatureDoesNotMatch(`Credential should be scoped to correct service: '${service.service}'. `), name }
      const params = parseBody(body)
      if (isAwsError(params)) return { error: params, name }
      return prepare(op, { ...base, params }, { name, success: (result) => JSON.stringify(result) })
    },
  }
}
