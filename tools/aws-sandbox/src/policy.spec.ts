import { describe, expect, it } from 'vitest'
import { evaluate, refusalOf, wildcardMatch, type PolicyDocument } from './policy.js'
import { allowPolicy, trustPolicy } from './generate.js'

describe('policy evaluation', () => {
  it('matches IAM wildcards; actions case-insensitively', () => {
    expect(wildcardMatch('iam:List*', 'iam:listusers', true)).toBe(true)
    expect(wildcardMatch('iam:Get?roup', 'iam:GetGroup')).toBe(true)
    expect(wildcardMatch('iam:Get*', 'iam:ListUsers')).toBe(false)
    expect(wildcardMatch('arn:aws:iam::1:group/(x)', 'arn:aws:iam::1:group/(x)')).toBe(true)
  })

  it('trusts the named principal only with the right ExternalId', () => {
    const trust = [trustPolicy('arn:aws:iam::999999999999:user/d', 'ext-1')]
    const ask = (principalArn: string, externalId?: string) =>
      evaluate(trust, { action: 'sts:AssumeRole', resource: 'arn:aws:iam::1:role/r', principalArn, context: { 'sts:ExternalId': externalId } })
    expect(ask('arn:aws:iam::999999999999:user/d', 'ext-1')).toBe('Allow')
    expect(ask('arn:aws:iam::999999999999:user/d', 'ext-2')).toBe('ImplicitDeny')
    expect(ask('arn:aws:iam::999999999999:user/d')).toBe('ImplicitDeny')
    expect(ask('arn:aws:iam::999999999999:user/other', 'ext-1')).toBe('ImplicitDeny')
  })

  it('treats an account root principal as the whole account', () => {
    const trust: PolicyDocument = { Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' } }
    expect(evaluate([trust], { action: 'sts:AssumeRole', resource: 'r', principalArn: 'arn:aws:iam::999999999999:user/any' })).toBe('Allow')
    expect(evaluate([trust], { action: 'sts:AssumeRole', resource: 'r', principalArn: 'arn:aws:iam::888888888888:user/any' })).toBe('ImplicitDeny')
  })

  it('lets an explicit deny win and needs both the identity and the session policy to allow', () => {
    const deny: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:GetGroup', Resource: '*' }] }
    const req = { action: 'iam:GetGroup', resource: 'arn:aws:iam::1:group/g' }
    expect(refusalOf([allowPolicy(['iam:*'])], undefined, req)).toBeUndefined()
    expect(refusalOf([allowPolicy(['iam:*']), deny], undefined, req)).toBe('with an explicit deny in an identity-based policy')
    expect(refusalOf([allowPolicy(['iam:*'])], allowPolicy(['iam:ListUsers']), req)).toBe('because no session policy allows the iam:GetGroup action')
    expect(refusalOf([allowPolicy(['iam:ListUsers'])], allowPolicy(['iam:*']), req)).toBe('because no identity-based policy allows the iam:GetGroup action')
  })
})
