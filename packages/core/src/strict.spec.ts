import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { annotate, patternString } from './codecs.js'
import { decodeWith } from './decode.js'
import { toJsonSchema } from './json-schema.js'
import { operatorOnlyKeys, sensitiveKeys, strictObject } from './strict.js'

const Secret = patternString('Secret', { pattern: /^s_/, expected: 'a secret like s_…', sensitive: true })
const Endpoints = strictObject('Endpoints', {}, { sts: t.string, iam: t.string })
const Config = strictObject('Config', { roleArn: t.string, externalId: Secret }, { region: t.string, endpoints: Endpoints, tags: t.array(strictObject('Tag', { key: t.string })) })
const issues = (input: unknown) => {
  const decoded = decodeWith(Config, { connector: 'c', account: '-', operation: 'config' })(input)
  return E.isLeft(decoded) && decoded.left.reason === 'InvalidConfig' ? decoded.left.issues : []
}

describe('strict objects', () => {
  it('names every unknown key at any depth with the closest known key, beside the other problems', () => {
    expect(issues({ roleArn: 'r', externalId: 's_1', regoin: 'us-east-1', endpoints: { stss: 'x' }, tags: [{ key: 'a', value: 'b' }] })).toEqual([
      'endpoints.stss: unknown key — did you mean "sts"?',
      'tags[0].value: unknown key (known keys: key)',
      'regoin: unknown key — did you mean "region"?',
    ])
    expect(issues({ externalId: 'nope', zzzzzzzz: 1 })).toEqual(['roleArn: is required (expected a string)', 'externalId: expected a secret like s_…, got a 4-character value (not shown)', 'zzzzzzzz: unknown key (known keys: roleArn, externalId, region, endpoints, tags)'])
  })

  it('never echoes the value of an unknown key (it may be a secret under a mistyped name)', () => {
    expect(issues({ roleArn: 'r', externalId: 's_1', externalID: 's_very-secret' }).join('\n')).not.toContain('very-secret')
  })

  it('decodes a clean object to itself', () => {
    expect(Config.decode({ roleArn: 'r', externalId: 's_1', endpoints: { sts: 'x' } })).toEqual(E.right({ roleArn: 'r', externalId: 's_1', endpoints: { sts: 'x' } }))
    expect(Config.is({ roleArn: 'r', externalId: 's_1', extra: 1 })).toBe(false)
  })

  it('says additionalProperties: false in its JSON Schema, at every level', () => {
    const schema = toJsonSchema(Config) as { additionalProperties: boolean; required: string[]; properties: { endpoints: { additionalProperties: boolean } } }
    expect(schema.additionalProperties).toBe(false)
    expect(schema.required).toEqual(['roleArn', 'externalId'])
    expect(schema.properties.endpoints.additionalProperties).toBe(false)
  })

  it('finds the keys a codec marks sensitive, at any depth', () => {
    expect(sensitiveKeys(Config)).toEqual(['externalId'])
    expect(sensitiveKeys(strictObject('Outer', { inner: strictObject('Inner', { token: patternString('Token', { pattern: /./, expected: 'x', sensitive: true }) }) }))).toEqual(['token'])
  })

  it('finds the keys only an operator sets, at any depth, keeping the annotated object strict', () => {
    const Outer = strictObject('Outer', { roleArn: t.string }, { endpoints: annotate(strictObject('Endpoints', {}, { sts: t.string }), { operatorOnly: true }), email: strictObject('Email', {}, { mapFile: annotate(t.string, { operatorOnly: true }) }) })
    expect(operatorOnlyKeys(Outer)).toEqual(['endpoints', 'mapFile'])
    expect(sensitiveKeys(Outer)).toEqual([])
    expect(E.isLeft(Outer.decode({ roleArn: 'r', endpoints: { stss: 'x' } }))).toBe(true)
  })
})
