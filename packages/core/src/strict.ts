/**
 * Strict object codecs: a key the codec does not declare is an error naming its path and the closest known key
 * (`accounts[0].config.regoin: unknown key — did you mean "region"?`), never silently ignored — a typo in a config
 * must not quietly fall back to a default. Their JSON Schema says `additionalProperties: false`.
 * @module
 */
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { didYouMean } from './closest.js'
import { annotate, annotationOf, type Annotation } from './codecs.js'

/** How every unknown-key error message begins (the decoder prints these without "expected … got …"). */
export const UNKNOWN_KEY = 'unknown key'

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u)

function unknownKeyMessage(key: string, known: ReadonlyArray<string>): string {
  // An empty key cannot show in a path (paths skip empty steps): the message names it instead.
  if (key === '') return `${UNKNOWN_KEY} "" (known keys: ${known.join(', ') || 'none'})`
  const best = didYouMean(key, known)
  return best !== undefined ? `${UNKNOWN_KEY} — did you mean "${best}"?` : `${UNKNOWN_KEY} (known keys: ${known.join(', ') || 'none'})`
}

type StrictOf<R extends t.Props, O extends t.Props> = t.TypeOf<t.TypeC<R>> & t.TypeOf<t.PartialC<O>>
type StrictOutput<R extends t.Props, O extends t.Props> = t.OutputOf<t.TypeC<R>> & t.OutputOf<t.PartialC<O>>

/**
 * An object with `required` and `optional` keys and no others. The codec and its type share one name at the call
 * site (`const Cfg = strictObject('Cfg', {…}, {…})`, `type Cfg = t.TypeOf<typeof Cfg>`).
 */
export function strictObject<R extends t.Props, O extends t.Props = Record<never, never>>(name: string, required: R, optional?: O, annotation: Annotation = {}): t.Type<StrictOf<R, O>, StrictOutput<R, O>, unknown> {
  const structure: t.Mixed = optional === undefined || Object.keys(optional).length === 0 ? t.type(required) : Object.keys(required).length === 0 ? t.partial(optional) : t.intersection([t.type(required), t.partial(optional)])
  const known = [...Object.keys(required), ...Object.keys(optional ?? {})]
  const unknownKeys = (u: unknown) => (isRecord(u) ? Object.keys(u).filter((k) => !known.includes(k)) : [])
  const codec = new t.Type<StrictOf<R, O>, StrictOutput<R, O>, unknown>(
    name,
    (u): u is StrictOf<R, O> => structure.is(u) && unknownKeys(u).length === 0,
    (input, context) => {
      const decoded = structure.validate(input, [...context, { key: '', type: structure, actual: input }])
      const extra = unknownKeys(input)
      if (extra.length === 0) return decoded as t.Validation<StrictOf<R, O>>
      const record = input as Record<string, unknown>
      return t.failures([
        ...(E.isLeft(decoded) ? decoded.left : []),
        ...extra.map((key) => ({ value: record[key], context: [...context, { key, type: t.never, actual: record[key] }], message: unknownKeyMessage(key, known) })),
      ])
    },
    (a) => structure.encode(a) as StrictOutput<R, O>,
  )
  return annotate(codec, { structure, ...annotation, schema: { ...annotation.schema, additionalProperties: false } })
}

/** The keys, at any depth, whose codec's annotation satisfies `pick`. */
function annotatedKeys(codec: t.Mixed, pick: (annotation: Annotation) => boolean): ReadonlyArray<string> {
  const found = new Set<string>()
  const seen = new Set<t.Mixed>()
  const walk = (c: t.Mixed) => {
    if (seen.has(c)) return
    seen.add(c)
    const structure = annotationOf(c)?.structure
    if (structure !== undefined) walk(structure)
    if (c instanceof t.InterfaceType || c instanceof t.PartialType) {
      for (const [key, prop] of Object.entries(c.props as t.Props)) {
        const annotation = annotationOf(prop)
        if (annotation !== undefined && pick(annotation)) found.add(key)
        walk(prop)
      }
    } else if (c instanceof t.IntersectionType || c instanceof t.UnionType) for (const member of c.types as ReadonlyArray<t.Mixed>) walk(member)
    else if (c instanceof t.RefinementType || c instanceof t.ExactType || c instanceof t.ArrayType || c instanceof t.ReadonlyArrayType || c instanceof t.ReadonlyType) walk(c.type as t.Mixed)
    else if (c instanceof t.DictionaryType) walk(c.codomain as t.Mixed)
  }
  walk(codec)
  return [...found].sort()
}

/**
 * The keys, at any depth, whose values a codec marks `sensitive` (ExternalIds, tokens): what logs and outputs
 * must redact wherever such a key appears.
 */
export const sensitiveKeys = (codec: t.Mixed): ReadonlyArray<string> => annotatedKeys(codec, (a) => a.sensitive === true)

/** The keys, at any depth, a codec marks `operatorOnly`: set in run configs, refused by forms others fill in. */
export const operatorOnlyKeys = (codec: t.Mixed): ReadonlyArray<string> => annotatedKeys(codec, (a) => a.operatorOnly === true)
