import { decodeWith, toJsonSchema } from '@connectors/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { defaultRoleSessionName, EndpointUrl, parseRoleArn, Region, RoleArn, withRegionOfRolePartition } from './codecs.js'

const issuesOf = (codec: t.Mixed) => (input: unknown) => {
  const r = decodeWith(codec, { connector: 'aws', account: '-', operation: 'config' })(input)
  return E.isLeft(r) ? r.left.issues : []
}
const decodeRegion = issuesOf(t.type({ region: Region }))

describe('RoleArn', () => {
  it('accepts the three partitions, paths and name characters', () => {
    for (const arn of ['arn:aws:iam::123456789012:role/r', 'arn:aws-cn:iam::123456789012:role/a/b/r+=,.@-_', 'arn:aws-us-gov:iam::123456789012:role/x']) {
      expect(RoleArn.is(arn)).toBe(true)
    }
    expect(parseRoleArn('arn:aws-cn:iam::123456789012:role/a/b/r' as RoleArn)).toEqual({ partition: 'aws-cn', accountId: '123456789012', name: 'r' })
  })
})

describe('Region', () => {
  it('accepts a real region of each supported partition', () => {
    for (const region of ['us-east-1', 'eu-central-2', 'cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-gov-east-1']) expect(decodeRegion({ region })).toEqual([])
  })

  it('refuses a region the SDK does not know, naming its partition’s regions nearest first', () => {
    const [line] = decodeRegion({ region: 'us-east-9' })
    expect(line).toMatch(/^region: expected a region of the aws partition \(us-east-1, us-east-2, us-west-1, us-west-2, af-south-1, .*eu-west-1, .*\), got "us-east-9"$/)
    expect(decodeRegion({ region: 'cn-north-9' })).toEqual(['region: expected a region of the aws-cn partition (cn-north-1, cn-northwest-1), got "cn-north-9"'])
    expect(decodeRegion({ region: 'us-gov-east-2' })).toEqual(['region: expected a region of the aws-us-gov partition (us-gov-east-1, us-gov-west-1), got "us-gov-east-2"'])
    expect(Region.is('us-east-9')).toBe(false)
  })

  it('refuses regions of partitions the connectors do not support, and codes of no region shape', () => {
    expect(decodeRegion({ region: 'us-iso-east-1' })).toEqual(['region: expected a region of the aws, aws-cn, aws-us-gov partitions, not of aws-iso, got "us-iso-east-1"'])
    expect(decodeRegion({ region: 'moon-1' })).toEqual(['region: expected an AWS region code like us-east-1, got "moon-1"'])
  })

  it('documents its pattern in the JSON Schema', () => {
    expect(toJsonSchema(Region)).toMatchObject({ type: 'string', pattern: expect.stringContaining('us-gov') })
  })
})

describe('withRegionOfRolePartition', () => {
  const Config = withRegionOfRolePartition('Config', t.intersection([t.type({ roleArn: RoleArn }), t.partial({ region: Region })]))
  const decode = issuesOf(Config)

  it('requires the region to belong to the role’s partition', () => {
    expect(decode({ roleArn: 'arn:aws:iam::123456789012:role/r', region: 'cn-north-1' })).toEqual(['region: expected a region of the aws partition (the role\'s), got "cn-north-1"'])
    expect(decode({ roleArn: 'arn:aws-us-gov:iam::123456789012:role/r', region: 'us-gov-east-1' })).toEqual([])
    expect(decode({ roleArn: 'arn:aws-cn:iam::123456789012:role/r' })).toEqual([])
  })

  it('documents the wrapped fields in the JSON Schema', () => {
    expect(toJsonSchema(Config)).toMatchObject({ type: 'object', required: ['roleArn'], properties: { roleArn: { type: 'string' }, region: { type: 'string' } } })
  })
})

describe('defaultRoleSessionName', () => {
  it('names the connector and the account, within 64 characters', () => {
    expect(defaultRoleSessionName('aws-iam', '123456789012')).toBe('connectors-aws-iam-123456789012')
    expect(defaultRoleSessionName('x'.repeat(80), '123456789012')).toHaveLength(64)
  })
})

describe('EndpointUrl', () => {
  it('takes https anywhere, plain http only to this machine: AssumeRole carries the ExternalId and brings credentials back', () => {
    for (const ok of ['https://sts.us-east-1.amazonaws.com', 'https://vpce-1.sts.us-east-1.vpce.amazonaws.com:443/', 'http://127.0.0.1:4566', 'http://localhost:8080', 'http://[::1]:9000']) expect(EndpointUrl.is(ok), ok).toBe(true)
    for (const bad of ['http://sts.us-east-1.amazonaws.com', 'http://10.0.0.5:4566', 'http://localhost.evil.example', 'ftp://x', 'https://x/path']) expect(EndpointUrl.is(bad), bad).toBe(false)
  })
})
