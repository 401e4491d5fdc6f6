import { decodeWith, toJsonSchema } from '@connectors/core'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { AwsIdentityCenterConfig, featuresOf } from './config.js'

const decode = (input: unknown) => {
  const r = decodeWith(AwsIdentityCenterConfig, { connector: 'aws-identity-center', account: '-', operation: 'config' })(input)
  return E.isLeft(r) ? r.left.issues : []
}
const base = { roleArn: 'arn:aws:iam::123456789012:role/ConnectorsIdentityCenterReadOnly', region: 'eu-west-1' }

describe('AwsIdentityCenterConfig', () => {
  it('requires the region (Identity Center is regional) and takes both forms of Identity Store id', () => {
    expect(decode(base)).toEqual([])
    for (const identityStoreId of ['d-1234567890', '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d']) expect(decode({ ...base, identityStoreId })).toEqual([])
    expect(decode({ roleArn: base.roleArn })).toEqual(['region: is required (expected an AWS region code like us-east-1)'])
    expect(toJsonSchema(AwsIdentityCenterConfig)).toMatchObject({ required: ['roleArn', 'region'], additionalProperties: false })
  })

  it('names each bad field and the rule', () => {
    expect(decode({ ...base, identityStoreId: 'd-12345', region: 'cn-north-1' })).toEqual([
      'identityStoreId: expected an Identity Store id like d-1234567890 (IAM Identity Center → Settings → Identity source), got "d-12345"',
    ])
    expect(decode({ ...base, region: 'cn-north-1' })).toEqual(['region: expected a region of the aws partition (the role\'s), got "cn-north-1"'])
    expect(decode({ ...base, endpoints: { identitystor: 'http://127.0.0.1:1' } })).toEqual(['endpoints.identitystor: unknown key — did you mean "identitystore"?'])
  })

  it('turns discovery on only when no Identity Store is named: the session policy then adds sso:ListInstances', () => {
    const decoded = (input: unknown) => (AwsIdentityCenterConfig.decode(input) as E.Right<AwsIdentityCenterConfig>).right
    expect(featuresOf(decoded(base))).toEqual(['discovery'])
    expect(featuresOf(decoded({ ...base, identityStoreId: 'd-1234567890' }))).toEqual([])
  })
})
