/**
 * JSON Schema (draft 2020-12) derived from an io-ts codec, so config types, validation and the schema UIs read
 * are never written twice.
 * @module
 */
import * as t from 'io-ts'
import { annotationOf } from './codecs.js'

/** A JSON Schema document or fragment. */
export type JsonSchema = { readonly [key: string]: unknown }

function withAnnotation(codec: t.Mixed, schema: JsonSchema): JsonSchema {
  const a = annotationOf(codec)
  if (a === undefined) return schema
  return {
    ...schema,
    ...(a.schema ?? {}),
    ...(a.description !== undefined ? { description: a.description } : {}),
    ...(a.examples !== undefined ? { examples: a.examples } : {}),
    ...(a.sensitive === true ? { writeOnly: true } : {}),
  }
}

function objectSchema(props: t.Props, required: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {}
  for (const [key, codec] of Object.entries(props)) properties[key] = fragment(codec)
  return {
    type: 'object',
    properties,
    ...(required && Object.keys(props).length > 0 ? { required: Object.keys(props) } : {}),
  }
}

function mergeObjects(parts: ReadonlyArray<JsonSchema>): JsonSchema | undefined {
  if (!parts.every((p) => p['type'] === 'object' && p['properties'] !== undefined)) return undefined
  const properties: Record<string, unknown> = {}
  const required: string[] = []
  for (const p of parts) {
    Object.assign(properties, p['properties'])
    required.push(...((p['required'] as string[] | undefined) ?? []))
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) }
}

function fragment(codec: t.Mixed): JsonSchema {
  const structure = annotationOf(codec)?.structure
  // A wrapper documents what it wraps, which may itself be a wrapper (a cross-field rule over a strict object).
  return withAnnotation(codec, structure !== undefined ? fragment(structure) : structural(codec))
}

function structural(codec: t.Mixed): JsonSchema {
  if (codec instanceof t.StringType) return { type: 'string' }
  if (codec instanceof t.NumberType) return { type: 'number' }
  if (codec instanceof t.BooleanType) return { type: 'boolean' }
  if (codec instanceof t.NullType) return { type: 'null' }
  if (codec instanceof t.UnknownType) return {}
  if (codec instanceof t.LiteralType) return { const: codec.value }
  if (codec instanceof t.KeyofType) return { type: 'string', enum: Object.keys(codec.keys) }
  if (codec instanceof t.InterfaceType) return objectSchema(codec.props as t.Props, true)
  if (codec instanceof t.PartialType) return objectSchema(codec.props as t.Props, false)
  if (codec instanceof t.ExactType) return { ...fragment(codec.type as t.Mixed), additionalProperties: false }
  if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType) {
    return { type: 'array', items: fragment(codec.type as t.Mixed) }
  }
  if (codec instanceof t.DictionaryType) {
    const domain = fragment(codec.domain as t.Mixed)
    return {
      type: 'object',
      additionalProperties: fragment(codec.codomain as t.Mixed),
      ...(domain['pattern'] !== undefined ? { propertyNames: { pattern: domain['pattern'] } } : {}),
    }
  }
  if (codec instanceof t.IntersectionType) {
    const parts = (codec.types as ReadonlyArray<t.Mixed>).map(fragment)
    return mergeObjects(parts) ?? { allOf: parts }
  }
  if (codec instanceof t.UnionType) {
    const parts = (codec.types as ReadonlyArray<t.Mixed>).map(fragment)
    if (parts.every((p) => 'const' in p)) return { enum: parts.map((p) => p['const']) }
    return { anyOf: parts }
  }
  if (codec instanceof t.RefinementType) return fragment(codec.type as t.Mixed)
  if (codec instanceof t.ReadonlyType) return fragment(codec.type as t.Mixed)
  throw new Error(`toJsonSchema: no JSON Schema rule for codec "${codec.name}" (${codec.constructor.name})`)
}

/** The JSON Schema of a codec, with `$schema` and an optional title. Throws on a combinator it has no rule for. */
export function toJsonSchema(codec: t.Mixed, title?: string): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...(title !== undefined ? { title } : {}),
    ...fragment(codec),
  }
}
