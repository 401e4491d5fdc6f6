import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { allowPolicy, generateOrganization, IDENTITY_STORE_ACTIONS, READ_ONLY_ACTIONS } from './generate.js'
import { decodeSeed, type SeedUser } from './seed.js'
import { SandboxState } from './state.js'

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

describe('the seed’s identity store', () => {
  const withStore = (identityStore: unknown) => decodeSeed({ principals: [], accounts: [{ id: '123456789012', roles: [], users: [], groups: [], identityStore }] })
  const errorOfStore = (identityStore: unknown) => {
    const decoded = withStore(identityStore)
    return E.isLeft(decoded) ? decoded.left : 'accepted'
  }
  const people = [{ name: 'ada', displayName: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace', email: 'ada@example.com' }, { name: 'alan' }]

  it('is optional, and accepts users with optional names and email, and groups of them', () => {
    expect(E.isRight(withStore(undefined))).toBe(true)
    expect(errorOfStore({ id: 'd-90677a2b6f', users: people, groups: [{ name: 'all', description: 'Everyone', members: ['ada', 'alan'] }, { name: 'none', members: [] }] })).toBe('accepted')
    expect(errorOfStore({ id: '0f5e4a3b-1c2d-4e5f-8a9b-0c1d2e3f4a5b', users: [], groups: [] })).toBe('accepted')
  })

  it('refuses what IAM Identity Center would, naming the path', () => {
    expect(errorOfStore({ id: 'd-12', users: [], groups: [] })).toMatch(/accounts\[0\]\.identityStore\.id: expected .*IdentityStoreId like d-1234567890.*got "d-12"/)
    expect(errorOfStore({ id: 'd-1234567890', users: [{ name: '' }], groups: [] })).toMatch(/identityStore\.users\[0\]\.name: expected .*text of 1–128 characters/)
    expect(errorOfStore({ id: 'd-1234567890', users: [...people, { name: 'ada' }], groups: [] })).toMatch(/identityStore\.users\[2\]\.name: expected a UserName not already used in this identity store, got "ada"/)
    expect(errorOfStore({ id: 'd-1234567890', users: people, groups: [{ name: 'g', members: [] }, { name: 'h', members: ['ada', 'nobody'] }] })).toMatch(
      /identityStore\.groups\[1\]\.members\[1\]: expected the name of a user of this identity store, got "nobody"/,
    )
    expect(errorOfStore({ id: 'd-1234567890', users: people, groups: [{ name: 'g', members: ['ada', 'ada'] }] })).toMatch(/groups\[0\]\.members\[1\]: expected a user not already a member of this group/)
    expect(errorOfStore({ id: 'd-1234567890', users: people, groups: [{ name: 'g', members: [] }, { name: 'g', members: [] }] })).toMatch(/groups\[1\]\.name: expected a group DisplayName not already used/)
    expect(errorOfStore({ id: 'd-1234567890', users: people, groups: [{ name: 'g', members: [], description: 5 }] })).toMatch(/groups\[0\]\.description: expected/)
  })

  it('may not be held by two accounts', () => {
    const store = { id: 'd-1234567890', users: [], groups: [] }
    const account = (id: string) => ({ id, roles: [], users: [], groups: [], identityStore: store })
    expect(() => new SandboxState({ principals: [], accounts: [account('111111111111'), account('222222222222')] })).toThrow(
      'seed: accounts 111111111111 and 222222222222 both hold identity store d-1234567890',
    )
  })
})

describe('generateOrganization’s opt-in identity store', () => {
  const options = { accounts: 3, users: 40, groups: 4, members: 15, seed: 9 }

  it('changes nothing unless asked, and nothing else when asked', () => {
    const plain = generateOrganization(options)
    expect(plain.accounts.some((a) => 'identityStore' in a)).toBe(false)
    const rich = generateOrganization({ ...options, identityStore: true })
    expect(rich).toEqual(generateOrganization({ ...options, identityStore: true }))
    expect(rich.accounts.map(({ identityStore: _s, roles: _r, ...rest }) => rest)).toEqual(plain.accounts.map(({ roles: _r, ...rest }) => rest))
    expect(rich.accounts[0]?.roles[0]?.permissionPolicies).toEqual([allowPolicy([...READ_ONLY_ACTIONS, ...IDENTITY_STORE_ACTIONS])])
    expect(rich.accounts[0]?.roles.map(({ permissionPolicies: _p, ...rest }) => rest)).toEqual(plain.accounts[0]?.roles.map(({ permissionPolicies: _p, ...rest }) => rest))
    expect(E.isRight(decodeSeed(rich))).toBe(true)
  })

  it('gives each account its own deterministic store of the asked shape', () => {
    const rich = generateOrganization({ ...options, identityStore: true })
    const stores = rich.accounts.map((a) => a.identityStore)
    expect(new Set(stores.map((s) => s?.id)).size).toBe(3)
    expect(stores.every((s) => /^d-[0-9a-f]{10}$/.test(s?.id ?? ''))).toBe(true)
    expect(generateOrganization({ ...options, seed: 10, identityStore: true }).accounts[0]?.identityStore?.id).not.toBe(stores[0]?.id)
    const first = stores[0]
    expect(first?.users).toHaveLength(40)
    expect(first?.users[0]).toEqual({ name: 'person-000000', displayName: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace', email: 'person-000000@idc.example', createdAt: '2022-02-01T00:00:00.000Z' })
    expect(first?.users.filter((u) => u.disabled === true).map((u) => u.name)).toEqual(['person-000024'])
    expect(first?.users.filter((u) => u.email === undefined)).toHaveLength(4)
    expect(first?.groups.map((g) => [g.name, g.members.length, g.description !== undefined])).toEqual([
      ['team-0000', 15, true],
      ['team-0001', 15, true],
      ['team-0002', 15, false],
      ['team-0003', 15, true],
    ])
    const state = new SandboxState(rich)
    expect([...state.identityStores.values()].map((s) => [s.account, s.users.length, s.groups.length])).toEqual(rich.accounts.map((a) => [a.id, 40, 4]))
  })
})
