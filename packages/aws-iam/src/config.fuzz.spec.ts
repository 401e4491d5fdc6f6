import { decodeWith } from '@connectors/core'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, it } from 'vitest'
import { AwsIamConfig } from './config.js'

const decode = decodeWith(AwsIamConfig, { connector: 'aws-iam', account: '-', operation: 'config' })
const LINE = /^(\(root\)|[\w$]+|\["(?:[^"\\]|\\.)*"\])([.\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*: (expected|is required|unknown key)[ —(]/
const SECRET = 'fuzz-secret-marker'

/** Values that are almost right: real shapes with random pieces. */
const field = <A>(good: fc.Arbitrary<A>) => fc.oneof(good, fc.string(), fc.integer(), fc.constant(null), fc.anything())
const nearlyRight = fc.record(
  {
    roleArn: field(fc.constantFrom('arn:aws:iam::123456789012:role/r', 'arn:aws-cn:iam::123456789012:role/p/r', 'arn:aws:iam::1234:role/r')),
    externalId: field(fc.constantFrom(`${SECRET}-ok`, `${SECRET} bad`, 'x')),
    region: field(fc.constantFrom('us-east-1', 'cn-north-1', 'us-gov-west-1', 'mars-1')),
    roleSessionName: field(fc.string({ maxLength: 70 })),
    sessionDurationSeconds: field(fc.integer({ min: 0, max: 50_000 })),
    email: field(fc.record({ template: field(fc.constant('{username}@x.example')), map: field(fc.dictionary(fc.string(), fc.string())), mapFile: field(fc.constant("emails.csv")) }, { requiredKeys: [] })),
    endpoints: field(fc.record({ sts: field(fc.webUrl()), iam: field(fc.webUrl()) }, { requiredKeys: [] })),
    requestTimeoutMs: field(fc.integer()),
  },
  { requiredKeys: [] },
)

describe('AwsIamConfig, fuzzed', () => {
  it('answers any value with a config or InvalidConfig lines naming a path — never a throw, never the ExternalId', () => {
    fc.assert(
      fc.property(fc.oneof(nearlyRight, fc.anything()), (input) => {
        const result = decode(input)
        if (E.isRight(result)) return true
        return result.left.reason === 'InvalidConfig' && result.left.issues.length > 0 && result.left.issues.every((l) => LINE.test(l) && !l.includes(SECRET))
      }),
      { numRuns: 5000 },
    )
  })
})
