/**
 * Query-protocol XML: `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata>…` and
 * `<ErrorResponse>`, built with fast-xml-parser (which escapes text) — no string concatenation of user data.
 */
import { XMLBuilder } from 'fast-xml-parser'
import type { AwsError } from './aws-error.js'

/** The XML namespaces of the two services. */
export const namespaces = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
} as const

/** A service the sandbox speaks. */
export type Service = keyof typeof namespaces

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  processEntities: true,
  format: false,
})

/** An XML value: text, a nested element, or a list rendered as `<member>` children. */
export type XmlValue = string | number | boolean | Date | undefined | XmlObject | ReadonlyArray<XmlObject>
/** An element's children, by name, in order. */
export interface XmlObject {
  readonly [name: string]: XmlValue
}

function toNode(value: XmlValue): unknown {
  if (value === undefined) return undefined
  if (value instanceof Date) return isoSeconds(value)
  if (Array.isArray(value)) return value.length === 0 ? '' : { member: value.map(toNode) }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value as XmlObject)) if (v !== undefined) out[k] = toNode(v)
    return out
  }
  return String(value)
}

/** AWS's timestamp form: `2024-05-01T12:00:00Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** A successful response document. */
export function successXml(service: Service, action: string, result: XmlObject | undefined, requestId: string): string {
  const body: Record<string, unknown> = { '@_xmlns': namespaces[service] }
  if (result !== undefined) body[`${action}Result`] = toNode(result)
  body['ResponseMetadata'] = { RequestId: requestId }
  return builder.build({ [`${action}Response`]: body }) as string
}

/** An error response document. */
export function errorXml(service: Service, error: AwsError, requestId: string): string {
  return builder.build({
    ErrorResponse: {
      '@_xmlns': namespaces[service],
      Error: { Type: error.type, Code: error.code, Message: error.message },
      RequestId: requestId,
    },
  }) as string
}
