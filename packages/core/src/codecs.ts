/**
 * Codec building blocks with documentation attached: branded strings with a declared pattern, and
 * annotations (description, example, sensitivity) that the config decoder and the JSON Schema renderer read.
 * @module
 */
import * as t from 'io-ts'

/** What a codec says about itself beyond its shape. */
export interface Annotation {
  /** Completes "expected …" in error messages, e.g. `an IAM role ARN like arn:aws:iam::123456789012:role/name`. */
  readonly expected?: string
  /** Shown in the JSON Schema and the docs. */
  readonly description?: string
  /** An example value for the JSON Schema. */
  readonly examples?: ReadonlyArray<unknown>
  /** A JSON Schema fragment merged over the derived one (pattern, bounds, format…). */
  readonly schema?: Readonly<Record<string, unknown>>
  /** Never echo the value in errors, logs or outputs (secrets, ExternalIds). */
  readonly sensitive?: boolean
  /**
   * Only the platform's operator sets it, in a run config: it points the platform's credentials or file reads
   * somewhere (endpoint overrides, files on the platform's host). Forms that customers or admins fill in refuse it.
   */
  readonly operatorOnly?: boolean
  /**
   * For a custom codec (e.g. one adding a cross-field rule): the structural codec it wraps, which the JSON Schema
   * renderer documents in its place.
   */
  readonly structure?: t.Mixed
}

const annotations = new WeakMap<t.Mixed, Annotation>()

/**
 * Attaches documentation to a copy of a codec (shared codecs such as `t.string` are never changed); the copy
 * keeps its class, so structural readers such as the JSON Schema renderer still recognize it.
 */
export function annotate<C extends t.Mixed>(codec: C, annotation: Annotation): C {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(codec) as object) as C, codec)
  annotations.set(copy, { ...annotations.get(codec), ...annotation })
  return copy
}

/** The documentation attached to a codec, if any. */
export function annotationOf(codec: t.Mixed): Annotation | undefined {
  return annotations.get(codec)
}

/** Options for {@link patternString}. */
export interface PatternStringOptions {
  readonly pattern: RegExp
  readonly expected: string
  readonly minLength?: number
  readonly maxLength?: number
  readonly description?: string
  readonly examples?: ReadonlyArray<string>
  readonly sensitive?: boolean
}

/**
 * A branded string codec validated by a regular expression and optional length bounds, whose pattern is declared
 * so the JSON Schema carries it. The brand keeps unvalidated strings out of typed code.
 */
export function patternString<B extends string>(name: B, options: PatternStringOptions) {
  interface Brand {
    readonly [K: symbol]: B
  }
  const { pattern, minLength, maxLength } = options
  const codec = t.brand(
    t.string,
    (s): s is t.Branded<string, Brand> =>
      (minLength === undefined || s.length >= minLength) &&
      (maxLength === undefined || s.length <= maxLength) &&
      pattern.test(s),
    name as never,
  )
  return annotate(codec, {
    expected: options.expected,
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.examples !== undefined ? { examples: options.examples } : {}),
    ...(options.sensitive !== undefined ? { sensitive: options.sensitive } : {}),
    schema: {
      type: 'string',
      pattern: pattern.source,
      ...(minLength !== undefined ? { minLength } : {}),
      ...(maxLength !== undefined ? { maxLength } : {}),
    },
  })
}

/** An integer codec within inclusive bounds, with the bounds declared for the JSON Schema. */
export function boundedInt(name: string, min: number, max: number, description?: string) {
  interface Brand {
    readonly [K: symbol]: 'BoundedInt'
  }
  const codec = t.brand(
    t.number,
    (n): n is t.Branded<number, Brand> => Number.isInteger(n) && n >= min && n <= max,
    name as never,
  )
  return annotate(codec, {
    expected: `an integer from ${min} to ${max}`,
    ...(description !== undefined ? { description } : {}),
    schema: { type: 'integer', minimum: min, maximum: max },
  })
}

/** A non-empty string. */
export const NonEmptyString = patternString('NonEmptyString', { pattern: /\S/, expected: 'a non-empty string' })
/** A non-empty string. */
export type NonEmptyString = t.TypeOf<typeof NonEmptyString>

/** An ISO-8601 timestamp string, e.g. `2024-05-01T12:00:00.000Z`. */
export const IsoDateTime = annotate(
  t.refinement(t.string, (s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'IsoDateTime'),
  { expected: 'an ISO-8601 date-time like 2024-05-01T12:00:00Z', schema: { type: 'string', format: 'date-time' } },
)
