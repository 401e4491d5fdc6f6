/**
 * SigV4 verification: parse the Authorization header, look up the key's secret, recompute the signature
 * with the maintained signer (@smithy/signature-v4) over the headers the client signed, compare.
 */
import { Hash } from '@smithy/hash-node'
import { SignatureV4 } from '@smithy/signature-v4'
import { timingSafeEqual } from 'node:crypto'
import { AwsErrors, type AwsError } from './aws-error.js'

/** The parts of an `Authorization: AWS4-HMAC-SHA256 …` header. */
export interface ParsedAuthorization {
  readonly accessKeyId: string
  readonly date: string
  readonly region: string
  readonly service: string
  readonly signedHeaders: ReadonlyArray<string>
  readonly signature: string
}

const AUTH = /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/

/** Parses the Authorization header; a missing or malformed one is AWS's error. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | AwsError {
  if (header === undefined || header === '') return AwsErrors.missingAuthenticationToken()
  const m = AUTH.exec(header.trim())
  if (m === null) return AwsErrors.incompleteSignature(`Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${header.split(' ')[0]}`)
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m as unknown as string[]
  return { accessKeyId: accessKeyId as string, date: date as string, region: region as string, service: service as string, signedHeaders: (signedHeaders as string).split(';'), signature: signature as string }
}

/** What was received, as the signer needs it. */
export interface ReceivedRequest {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: string
}

const MAX_SKEW_MS = 15 * 60 * 1000

function parseAmzDate(s: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? '')
  return m === null ? undefined : new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!))
}

const SIGNER_CACHE_SIZE = 4096
const signers = new Map<string, SignatureV4>()

/**
 * One signer per (credentials, region, service), reused: the signer keeps the day's derived signing key, which
 * would otherwise be derived again (four HMACs) for every request. Bounded; dropped whole when full.
 */
function signerFor(credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }, region: string, service: string): SignatureV4 {
  const key = `${credentials.accessKeyId}\0${credentials.secretAccessKey}\0${credentials.sessionToken ?? ''}\0${region}\0${service}`
  const cached = signers.get(key)
  if (cached !== undefined) return cached
  if (signers.size >= SIGNER_CACHE_SIZE) signers.clear()
  const signer = new SignatureV4({
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, ...(credentials.sessionToken !== undefined ? { sessionToken: credentials.sessionToken } : {}) },
    region,
    service,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
    applyChecksum: false,
  })
  signers.set(key, signer)
  return signer
}

/** Verifies the request's signature with `secretAccessKey` (and the session token, for temporary keys). */
export async function verifySignature(
  request: ReceivedRequest,
  auth: ParsedAuthorization,
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string },
  now: Date,
): Promise<AwsError | undefined> {
  const amzDate = request.headers['x-amz-date']
  const signingDate = parseAmzDate(typeof amzDate === 'string' ? amzDate : undefined)
  if (signingDate === undefined) return AwsErrors.incompleteSignature('Request must contain a valid X-Amz-Date header.')
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) {
    return AwsErrors.signatureDoesNotMatch(`Signature expired: ${amzDate as string} is now earlier than ${new Date(now.getTime() - MAX_SKEW_MS).toISOString()}.`)
  }
  const headers: Record<string, string> = {}
  for (const name of auth.signedHeaders) {
    const value = request.headers[name]
    if (value === undefined) return AwsErrors.signatureDoesNotMatch(`The request signature we calculated does not match the signature you provided: signed header ${name} is missing.`)
    headers[name] = Array.isArray(value) ? value.join(',') : value
  }
  const signer = signerFor(credentials, auth.region, auth.service)
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: headers['host'] ?? 'localhost', path: request.path, query: { ...request.query }, headers, body: request.body },
    { signingDate, signingRegion: auth.region, signingService: auth.service, unsignableHeaders: new Set(), signableHeaders: new Set(auth.signedHeaders) },
  )
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))?.[1] ?? ''
  const ok = expected.length === auth.signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature))
  return ok
    ? undefined
    : AwsErrors.signatureDoesNotMatch(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      )
}
