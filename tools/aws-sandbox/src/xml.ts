/**
 * Query-protocol XML: `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata>…` and `<ErrorResponse>`.
 *
 * The documents have one fixed shape (elements named by the sandbox, text from the data, lists as `<member>`
 * children, no attributes but the namespace), so they are written by one small serializer that escapes every
 * text node, rather than by a general XML builder: a general builder cost the sandbox about 0.15 ms of CPU per
 * GetGroup, which the benchmark, sharing the machine, charged to the client. `xml.spec.ts` parses what is
 * written here with fast-xml-parser and checks that arbitrary text survives the round trip.
 */
import type { AwsError } from './aws-error.js'

/** The XML namespaces of the two services. */
export const namespaces = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
} as const

/** A service the sandbox speaks. */
export type Service = keyof typeof namespaces

/** An XML value: text, a nested element, or a list rendered as `<member>` children. */
export type XmlValue = string | number | boolean | Date | undefined | XmlObject | ReadonlyArray<XmlObject>
/** An element's children, by name, in order. */
export interface XmlObject {
  readonly [name: string]: XmlValue
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }
const SPECIAL = /[&<>"']/g

/** Text made safe for element content (and attribute values). */
export function escapeXml(text: string): string {
  return text.replace(SPECIAL, (c) => ENTITIES[c] as string)
}

const isoCache = new WeakMap<Date, string>()

/** AWS's timestamp form: `2024-05-01T12:00:00Z` (memoized per Date: entities keep theirs for life). */
export function isoSeconds(date: Date): string {
  const cached = isoCache.get(date)
  if (cached !== undefined) return cached
  const iso = date.toISOString().replace(/\.\d{3}Z$/, 'Z')
  isoCache.set(date, iso)
  return iso
}

/** Appends `<name>…</name>` for one value (nothing for `undefined`; `<name/>` when it is empty). */
function render(name: string, value: XmlValue, out: string[]): void {
  if (value === undefined) return
  if (value instanceof Date) {
    out.push(`<${name}>${isoSeconds(value)}</${name}>`)
    return
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(`<${name}/>`)
      return
    }
    out.push(`<${name}>`)
    for (const item of value as ReadonlyArray<XmlObject>) render('member', item, out)
    out.push(`</${name}>`)
    return
  }
  if (typeof value === 'object') {
    const start = out.push(`<${name}>`)
    for (const key of Object.keys(value)) render(key, (value as XmlObject)[key], out)
    if (out.length === start) out[start - 1] = `<${name}/>`
    else out.push(`</${name}>`)
    return
  }
  const text = String(value)
  out.push(text === '' ? `<${name}/>` : `<${name}>${escapeXml(text)}</${name}>`)
}

/** A document whose root element carries the service's namespace. */
function document(service: Service, root: string, children: XmlObject): string {
  const out: string[] = [`<${root} xmlns="${namespaces[service]}">`]
  for (const key of Object.keys(children)) render(key, children[key], out)
  out.push(`</${root}>`)
  return out.join('')
}

/** A successful response document. */
export function successXml(service: Service, action: string, result: XmlObject | undefined, requestId: string): string {
  return document(service, `${action}Response`, { [`${action}Result`]: result, ResponseMetadata: { RequestId: requestId } })
}

/** An error response document. */
export function errorXml(service: Service, error: AwsError, requestId: string): string {
  return document(service, 'ErrorResponse', { Error: { Type: error.type, Code: error.code, Message: error.message }, RequestId: requestId })
}
