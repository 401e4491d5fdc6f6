import { decodeWith, toJsonSchema } from '@connectors/core'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { AwsIamConfig } from './config.js'

const decode = (input: unknown) => {
  const r = decodeWith(AwsIamConfig, { connector: 'aws-iam', account: '-', operation: 'config' })(input)
  return E.isLeft(r) ? r.left.issues : []
}
const base = { roleArn: 'arn:aws:iam::123456789012:role/ConnectorsReadOnly', externalId: 'org-42' }

describe('AwsIamConfig', () => {
  it('accepts the three partitions, paths and name characters', () => {
    for (const roleArn of ['arn:aws:iam::123456789012:role/r', 'arn:aws-cn:iam::123456789012:role/a/b/r+=,.@-_', 'arn:aws-us-gov:iam::123456789012:role/x']) {
      expect(decode({ ...base, roleArn })).toEqual([])
    }
    expect(decode(base)).toEqual([])
  })

  it('refuses an unknown key at any level, suggesting the closest known one, and says so in its schema', () => {
    expect(decode({ ...base, regoin: 'us-east-1', endpoints: { iamm: 'http://127.0.0.1:1' }, email: { templat: '{username}@x.example' } })).toEqual([
      'email.templat: unknown key — did you mean "template"?',
      'endpoints.iamm: unknown key — did you mean "iam"?',
      'regoin: unknown key — did you mean "region"?',
    ])
    expect(toJsonSchema(AwsIamConfig)).toMatchObject({ additionalProperties: false, properties: { endpoints: { additionalProperties: false }, email: { additionalProperties: false } } })
  })

  it('names each bad field and the rule', () => {
    expect(decode({ roleArn: 'arn:aws:iam::12345:role/x', externalId: 'x' })).toEqual([
      'roleArn: expected an IAM role ARN like arn:aws:iam::123456789012:role/name, got "arn:aws:iam::12345:role/x"',
      'externalId: expected an ExternalId of 2–1224 characters from [A-Za-z0-9_+=,.@:/-], got a 1-character value (not shown)',
    ])
    expect(decode({ ...base, roleArn: 'arn:aws:iam::123456789012:user/x' })[0]).toMatch(/^roleArn: expected an IAM role ARN/)
    expect(decode({ ...base, roleArn: `arn:aws:iam::123456789012:role/${'n'.repeat(65)}` })[0]).toMatch(/^roleArn:/)
    expect(decode({ ...base, sessionDurationSeconds: 600 })).toEqual(['sessionDurationSeconds: expected an integer from 900 to 43200, got 600'])
    expect(decode({ ...base, roleSessionName: 'bad name' })[0]).toMatch(/^roleSessionName: expected a role session name of 2–64/)
    expect(decode({ ...base, email: { template: 'nobody@example.com' } })).toEqual(['email.template: expected a template containing {username}, like {username}@example.com, got "nobody@example.com"'])
    expect(decode({ ...base, endpoints: { sts: 'not a url' } })[0]).toMatch(/^endpoints\.sts:/)
  })

  it('requires the region to belong to the role’s partition', () => {
    expect(decode({ ...base, region: 'cn-north-1' })).toEqual(['region: expected a region of the aws partition (the role\'s), got "cn-north-1"'])
    expect(decode({ ...base, roleArn: 'arn:aws-us-gov:iam::123456789012:role/r', region: 'us-gov-east-1' })).toEqual([])
    expect(decode({ ...base, region: 'moon-1' })[0]).toMatch(/^region: expected an AWS region code/)
  })

  it('refuses a region the AWS SDK does not know, naming the real ones, before anything runs', () => {
    expect(decode({ ...base, region: 'us-east-9' })[0]).toMatch(/^region: expected a region of the aws partition \(us-east-1, us-east-2, .*\), got "us-east-9"$/)
    expect(decode({ ...base, region: 'eu-west-3' })).toEqual([])
    expect(decode({ ...base, roleArn: 'arn:aws-cn:iam::123456789012:role/r', region: 'cn-northwest-1' })).toEqual([])
  })

  it('never echoes the ExternalId, and marks it write-only in the schema', () => {
    expect(decode({ ...base, externalId: 'has spaces secret' }).join()).not.toContain('secret')
    const schema = toJsonSchema(AwsIamConfig) as { properties: Record<string, Record<string, unknown>>; required: string[] }
    // Optional: it defaults to the run config's platform.organizationId.
    expect(schema.required).toEqual(['roleArn'])
    expect(schema.properties['externalId']).toMatchObject({ type: 'string', writeOnly: true, minLength: 2, maxLength: 1224 })
    expect(schema.properties['sessionDurationSeconds']).toMatchObject({ type: 'integer', minimum: 900, maximum: 43200 })
    expect(Object.keys(schema.properties)).toEqual(['roleArn', 'externalId', 'region', 'roleSessionName', 'sessionDurationSeconds', 'email', 'credentialReport', 'endpoints', 'requestTimeoutMs'])
  })
})
