import { describe, expect, it } from 'vitest'
import { permissionPolicy, renderPolicy, trustPolicy } from './policies.js'

describe('policy documents', () => {
  it('renders a permission policy of exactly the permissions passed in', () => {
    expect(permissionPolicy(['identitystore:ListUsers', 'identitystore:ListGroups'])).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'ConnectorsReadOnly', Effect: 'Allow', Action: ['identitystore:ListUsers', 'identitystore:ListGroups'], Resource: '*' }],
    })
    expect(permissionPolicy(['iam:ListUsers'], 'ConnectorsReadIamUsersAndGroups').Statement[0]).toMatchObject({ Sid: 'ConnectorsReadIamUsersAndGroups' })
  })

  it('renders the trust policy for a delegator and an ExternalId, byte for byte', () => {
    expect(renderPolicy(trustPolicy('arn:aws:iam::999999999999:user/connectors-delegator', 'org-42'))).toBe(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ConnectorsAssumeWithExternalId",
      "Effect": "Allow",
      "Principal": {
        "AWS": "arn:aws:iam::999999999999:user/connectors-delegator"
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "StringEquals": {
          "sts:ExternalId": "org-42"
        }
      }
    }
  ]
}
`)
  })

  it('refuses a principal of another partition than the role’s', () => {
    expect(trustPolicy('arn:aws-cn:iam::999999999999:user/d', 'org-42', 'aws-cn').Statement[0]).toMatchObject({ Principal: { AWS: 'arn:aws-cn:iam::999999999999:user/d' } })
    expect(() => trustPolicy('arn:aws:iam::999999999999:user/d', 'org-42', 'aws-cn')).toThrow('a role in the aws-cn partition cannot trust arn:aws:iam::999999999999:user/d, a principal of aws')
  })
})
