/**
 * Decoding with readable errors: io-ts failures become one line per bad path,
 * `accounts[2].config.roleArn: expected an IAM role ARN like …, got "…"`.
 * @module
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import { annotationOf } from './codecs.js'
import { ConnectorError, type ErrorScope, type InvalidConfig } from './errors.js'
import { UNKNOWN_KEY } from './strict.js'

const MAX_SHOWN = 60

function isTransparent(type: t.Decoder<unknown, unknown>): boolean {
  // Members of intersections and unions appear in the context with an index key that is not a path step;
  // entries keyed '' are a wrapping codec delegating to the structure it wraps.
  return type instanceof t.IntersectionType || type instanceof t.UnionType
}

function isSensitive(context: t.Context): boolean {
  return context.some((entry) => annotationOf(entry.type as t.Mixed)?.sensitive === true)
}

/** Renders the path of an io-ts context: `accounts[2].config.roleArn` (the root is `(root)`). */
export function pathOf(context: t.Context): string {
  let path = ''
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1]?.type
    const entry = context[i]
    if (entry === undefined || parent === undefined || entry.key === '' || isTransparent(parent)) continue
    if (parent instanceof t.ArrayType || parent instanceof t.ReadonlyArrayType || parent instanceof t.TupleType) {
      path += `[${entry.key}]`
    } else {
      path += /^[A-Za-z_$][\w$]*$/.test(entry.key) ? `${path === '' ? '' : '.'}${entry.key}` : `[${JSON.stringify(entry.key)}]`
    }
  }
  return path === '' ? '(root)' : path
}

/** What a codec expects, in words: its annotation, or a rendering of its structure. */
export function expectedOf(type: t.Decoder<unknown, unknown>): string {
  const annotated = annotationOf(type as t.Mixed)?.expected
  if (annotated !== undefined) return annotated
  if (type instanceof t.LiteralType) return JSON.stringify(type.value)
  if (type instanceof t.KeyofType) return Object.keys(type.keys).map((k) => JSON.stringify(k)).join(' or ')
  if (type instanceof t.UnionType) return (type.types as ReadonlyArray<t.Mixed>).map(expectedOf).join(' or ')
  if (type instanceof t.StringType) return 'a string'
  if (type instanceof t.NumberType) return 'a number'
  if (type instanceof t.BooleanType) return 'true or false'
  if (type instanceof t.ArrayType || type instanceof t.ReadonlyArrayType) return 'an array'
  if (type instanceof t.InterfaceType || type instanceof t.PartialType || type instanceof t.ExactType) return 'an object'
  if (type instanceof t.DictionaryType) return 'an object'
  if (type instanceof t.RefinementType) return `${expectedOf(type.type as t.Mixed)} (${type.name})`
  return type.name
}

function show(value: unknown, sensitive: boolean): string {
  if (value === undefined) return 'nothing'
  if (sensitive) return typeof value === 'string' ? `a ${value.length}-character value (not shown)` : 'a value (not shown)'
  let s: string
  try {
    s = JSON.stringify(value) ?? String(value)
  } catch {
    s = String(value)
  }
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s
}

/**
 * Turns io-ts errors into readable lines, one per bad path (unions report what each alternative expected once).
 * Values of codecs annotated `sensitive` are never echoed.
 */
export function formatValidationErrors(errors: t.Errors): ReadonlyArray<string> {
  const byPath = new Map<string, { expected: Set<string>; got: string; missing: boolean }>()
  for (const error of errors) {
    const last = error.context[error.context.length - 1]
    if (last === undefined) continue
    const path = pathOf(error.context)
    const expected = error.message ?? expectedOf(last.type)
    const entry = byPath.get(path) ?? { expected: new Set<string>(), got: show(error.value, isSensitive(error.context)), missing: error.value === undefined }
    entry.expected.add(expected)
    byPath.set(path, entry)
  }
  return [...byPath].map(([path, { expected, got, missing }]) => {
    const [first] = expected
    if (first !== undefined && first.startsWith(UNKNOWN_KEY)) return `${path}: ${first}`
    return missing ? `${path}: is required (expected ${[...expected].join(' or ')})` : `${path}: expected ${[...expected].join(' or ')}, got ${got}`
  })
}

/** Decodes `input` with `codec`; failures become an `InvalidConfig` error with one issue per bad path. */
export function decodeWith<A, O>(
  codec: t.Type<A, O, unknown>,
  scope: ErrorScope,
): (input: unknown) => E.Either<InvalidConfig, A> {
  return (input) =>
    pipe(
      codec.decode(input),
      E.mapLeft((errors) => {
        const issues = formatValidationErrors(errors)
        return ConnectorError.invalidConfig({
          ...scope,
          detail: `${issues.length} invalid field${issues.length === 1 ? '' : 's'}`,
          issues,
          fix: 'correct the fields listed',
        })
      }),
    )
}
