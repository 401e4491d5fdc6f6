import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { boundedInt, patternString } from './codecs.js'
import { decodeWith, formatValidationErrors } from './decode.js'

const RoleArn = patternString('RoleArn', {
  pattern: /^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/,
  expected: 'an IAM role ARN like arn:aws:iam::123456789012:role/name',
})
const Secret = patternString('Secret', { pattern: /^[\w]{2,}$/, expected: '2 or more word characters', sensitive: true })
const RunConfig = t.type({
  accounts: t.array(
    t.type({
      name: t.string,
      config: t.intersection([t.type({ roleArn: RoleArn, externalId: Secret }), t.partial({ durationSeconds: boundedInt('Duration', 900, 43200) })]),
    }),
  ),
  mode: t.union([t.literal('fast'), t.literal('safe')]),
})

const errorsOf = (input: unknown) => {
  const result = RunConfig.decode(input)
  return E.isLeft(result) ? formatValidationErrors(result.left) : []
}

describe('formatValidationErrors', () => {
  const good = { name: 'a', config: { roleArn: 'arn:aws:iam::123456789012:role/r', externalId: 'org_1' } }

  it('names each bad path with what was expected and what came', () => {
    const lines = errorsOf({
      accounts: [good, good, { name: 'c', config: { roleArn: 'arn:aws:iam::12:role/x', externalId: 'ok_id', durationSeconds: 60 } }],
      mode: 'fast',
    })
    expect(lines).toEqual([
      'accounts[2].config.roleArn: expected an IAM role ARN like arn:aws:iam::123456789012:role/name, got "arn:aws:iam::12:role/x"',
      'accounts[2].config.durationSeconds: expected an integer from 900 to 43200, got 60',
    ])
  })

  it('says a missing field is required', () => {
    expect(errorsOf({ accounts: [{ name: 'a', config: { roleArn: good.config.roleArn } }], mode: 'safe' })).toEqual([
      'accounts[0].config.externalId: is required (expected 2 or more word characters)',
    ])
  })

  it('reports a union once, with every alternative', () => {
    expect(errorsOf({ accounts: [], mode: 'turbo' })).toEqual(['mode: expected "fast" or "safe", got "turbo"'])
  })

  it('never echoes a sensitive value', () => {
    const lines = errorsOf({ accounts: [{ name: 'a', config: { roleArn: good.config.roleArn, externalId: 'top secret!' } }], mode: 'fast' })
    expect(lines).toEqual(['accounts[0].config.externalId: expected 2 or more word characters, got a 11-character value (not shown)'])
    expect(lines.join()).not.toContain('top secret')
  })

  it('reports the root when the input is not an object', () => {
    expect(errorsOf('nope')).toEqual(['(root): expected an object, got "nope"'])
  })
})

describe('decodeWith', () => {
  it('returns InvalidConfig with the issues and the scope', () => {
    const result = decodeWith(RunConfig, { connector: 'runner', account: '-', operation: 'config' })({ accounts: 1, mode: 'fast' })
    expect(result).toEqual(E.left(expect.objectContaining({ reason: 'InvalidConfig', connector: 'runner', issues: ['accounts: expected an array, got 1'] })))
  })

  it('returns the decoded value when it is valid', () => {
    const input = { accounts: [], mode: 'safe' }
    expect(decodeWith(RunConfig, { connector: 'runner', account: '-', operation: 'config' })(input)).toEqual(E.right(input))
  })
})
