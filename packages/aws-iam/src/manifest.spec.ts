import { permissionPolicy, renderPolicy } from '@connectors/aws'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { EmailRule } from './config.js'
import { POLICY } from './manifest.js'
import { emailFor } from './mappers/email.js'

describe('policy documents', () => {
  it('renders the permission policy from the manifest, byte for byte', () => {
    expect(renderPolicy(permissionPolicy(POLICY.permissions, POLICY.sid))).toBe(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ConnectorsReadIamUsersAndGroups",
      "Effect": "Allow",
      "Action": [
        "iam:ListUsers",
        "iam:ListGroups",
        "iam:GetGroup"
      ],
      "Resource": "*"
    }
  ]
}
`)
  })
})

const ruleOf = (input: unknown): EmailRule => {
  const decoded = EmailRule.decode(input)
  if (E.isLeft(decoded)) throw new Error('bad rule in test')
  return decoded.right
}

describe('emailFor', () => {
  it('keeps an address-shaped username, then takes explicit entries, then the template', () => {
    const rule = ruleOf({ template: '{username}@acme.example', map: { ops: 'ops-team@acme.example', 'ann@acme.com': 'other@acme.example' } })
    expect(emailFor('ann@acme.com', rule)).toBe('ann@acme.com')
    expect(emailFor('ops', rule)).toBe('ops-team@acme.example')
    expect(emailFor('bob', rule)).toBe('bob@acme.example')
    expect(emailFor('bob', rule, new Map([['bob', 'robert@acme.example']]))).toBe('robert@acme.example')
    expect(emailFor('bob', undefined)).toBeUndefined()
    expect(emailFor('a b', ruleOf({ template: '{username}@acme.example' }))).toBeUndefined()
  })
})
