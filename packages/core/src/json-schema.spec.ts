import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { annotate, boundedInt, patternString } from './codecs.js'
import { toJsonSchema } from './json-schema.js'

describe('toJsonSchema', () => {
  it('derives the schema of the combinators connectors use', () => {
    const Arn = patternString('Arn', { pattern: /^arn:\S+$/, expected: 'an ARN', maxLength: 2048, examples: ['arn:aws:iam::123456789012:role/x'] })
    const Config = t.intersection([
      t.type({ roleArn: Arn, mode: t.union([t.literal('a'), t.literal('b')]), tags: t.array(t.string) }),
      t.partial({
        duration: boundedInt('Duration', 900, 43200),
        emails: t.record(t.string, t.string),
        either: t.union([t.string, t.type({ template: t.string })]),
        secret: annotate(t.string, { sensitive: true, description: 'a secret' }),
      }),
    ])
    expect(toJsonSchema(Config, 'Config')).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Config',
      type: 'object',
      properties: {
        roleArn: { type: 'string', pattern: '^arn:\\S+$', maxLength: 2048, examples: ['arn:aws:iam::123456789012:role/x'] },
        mode: { enum: ['a', 'b'] },
        tags: { type: 'array', items: { type: 'string' } },
        duration: { type: 'integer', minimum: 900, maximum: 43200 },
        emails: { type: 'object', additionalProperties: { type: 'string' } },
        either: { anyOf: [{ type: 'string' }, { type: 'object', properties: { template: { type: 'string' } }, required: ['template'] }] },
        secret: { type: 'string', description: 'a secret', writeOnly: true },
      },
      required: ['roleArn', 'mode', 'tags'],
    })
  })

  it('refuses a codec it has no rule for rather than guessing', () => {
    expect(() => toJsonSchema(t.type({ f: t.Function }))).toThrow(/no JSON Schema rule for codec "Function"/)
  })
})
