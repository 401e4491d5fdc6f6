import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { allowPolicy, generateOrganization, READ_ONLY_ACTIONS } from './generate.js'
import { decodeSeed, type SeedUser } from './seed.js'

const withUser = (user: Record<string, unknown>) => ({ principals: [], accounts: [{ id: '123456789012', roles: [], groups: [], users: [{ name: 'ok', createDate: '2020-01-01T00:00:00Z' }, user] }] })
const errorOf = (user: Record<string, unknown>) => {
  const decoded = decodeSeed(withUser({ name: 'u', createDate: '2020-01-01T00:00:00Z', ...user }))
  return E.isLeft(decoded) ? decoded.left : 'accepted'
}

describe('the seed’s user tags and credentials', () => {
  it('accepts tags and credentials, each optional', () => {
    expect(errorOf({ tags: [{ key: 'email', value: 'u@example.com' }, { key: 'empty', value: '' }] })).toBe('accepted')
    expect(errorOf({ credentials: {} })).toBe('accepted')
    expect(errorOf({ credentials: { passwordEnabled: true, mfaActive: false, accessKeys: [{ active: true, lastUsedDate: '2024-01-01T00:00:00Z', lastUsedService: 's3', lastUsedRegion: 'us-east-1' }, { active: false }] } })).toBe('accepted')
  })

  it('refuses what IAM would, naming the path', () => {
    expect(errorOf({ tags: [{ key: '', value: 'x' }] })).toMatch(/accounts\[0\]\.users\[1\]\.tags\[0\]\.key: expected .*TagKey of 1–128 characters/)
    expect(errorOf({ tags: [{ key: 'k', value: 'v'.repeat(257) }] })).toMatch(/users\[1\]\.tags\[0\]\.value: expected .*TagValue/)
    expect(errorOf({ tags: [{ key: 'Team', value: 'a' }, { key: 'team', value: 'b' }] })).toMatch(/users\[1\]\.tags: expected .*keys unique ignoring case/)
    expect(errorOf({ tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: '' })) })).toMatch(/users\[1\]\.tags: expected .*at most 50/)
    expect(errorOf({ credentials: { accessKeys: [{ active: true }, { active: true }, { active: false }] } })).toMatch(/users\[1\]\.credentials\.accessKeys: expected .*at most 2/)
    expect(errorOf({ credentials: { accessKeys: [{ active: 'yes' }] } })).toMatch(/users\[1\]\.credentials\.accessKeys\[0\]\.active: expected true or false/)
    expect(errorOf({ credentials: { accessKeys: [{ active: true, lastUsedDate: 'yesterday' }] } })).toMatch(/accessKeys\[0\]\.lastUsedDate: expected .*Timestamp/)
  })
})

describe('generateOrganization’s opt-in user tags and credentials', () => {
  const options = { accounts: 2, users: 60, groups: 3, members: 10, seed: 9 }
  const users = (seed: ReturnType<typeof generateOrganization>): ReadonlyArray<SeedUser> => seed.accounts.flatMap((a) => a.users)

  it('changes nothing unless asked, and nothing else when asked', () => {
    const plain = generateOrganization(options)
    expect(users(plain).some((u) => 'tags' in u || 'credentials' in u)).toBe(false)
    const rich = generateOrganization({ ...options, userTags: true, userCredentials: true })
    expect(rich).toEqual(generateOrganization({ ...options, userTags: true, userCredentials: true }))
    expect(users(rich).map(({ tags: _t, credentials: _c, ...rest }) => rest)).toEqual(users(plain))
    expect(rich.accounts[0]?.roles[0]?.permissionPolicies).toEqual([allowPolicy([...READ_ONLY_ACTIONS, 'iam:ListUserTags', 'iam:GenerateCredentialReport', 'iam:GetCredentialReport'])])
    expect(plain.accounts[0]?.roles[0]?.permissionPolicies).toEqual([allowPolicy(READ_ONLY_ACTIONS)])
    expect(E.isRight(decodeSeed(rich))).toBe(true)
  })

  it('tags every other user with an email, and mixes console, API-only and credential-less users', () => {
    const all = users(generateOrganization({ ...options, userTags: true, userCredentials: true }))
    expect(all[0]?.tags).toEqual([{ key: 'email', value: 'user-000000@tags.example' }])
    expect(all.filter((u) => u.tags !== undefined)).toHaveLength(60)
    const consoleUsers = all.filter((u) => u.credentials?.passwordEnabled === true)
    const apiOnly = all.filter((u) => u.credentials?.passwordEnabled === false && u.credentials.accessKeys?.length === 1)
    const nothing = all.filter((u) => u.credentials?.passwordEnabled === false && u.credentials.accessKeys?.length === 0)
    expect([consoleUsers.length, apiOnly.length, nothing.length]).toEqual([80, 20, 20])
    expect(consoleUsers.every((u) => u.passwordLastUsed !== undefined)).toBe(true)
    expect(consoleUsers.filter((u) => u.credentials?.mfaActive === true)).toHaveLength(40)
    expect(apiOnly.every((u) => u.credentials?.accessKeys?.[0]?.active === true && u.credentials.accessKeys[0].lastUsedDate !== undefined)).toBe(true)
    expect(new Set(apiOnly.map((u) => u.credentials?.accessKeys?.[0]?.lastUsedService))).toEqual(new Set(['s3', 'ec2', 'iam']))
    expect(users(generateOrganization({ ...options, userTags: true })).some((u) => u.credentials !== undefined)).toBe(false)
  })
})
