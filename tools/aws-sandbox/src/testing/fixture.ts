/** A small, hand-shaped organization for the sandbox's own tests (and the connector's integration tests). */
import { allowPolicy, sandboxDelegator, trustPolicy, IDENTITY_STORE_ACTIONS, READ_ONLY_ACTIONS } from '../generate.js'
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SeedIdentityStore, SeedIdentityStoreUser } from '../identity-store.js'
import type { Seed, SeedPrincipal, SeedUser } from '../seed.js'

export const ACCOUNT = '123456789012'
export const EXTERNAL_ID = 'org-42:tenant/acme'
export const stranger: SeedPrincipal = {
  accessKeyId: 'AKIASTRANGER00000000',
  secretAccessKey: 'stranger/secret/key/00000000000000000000',
  arn: 'arn:aws:iam::555555555555:user/stranger',
}
export const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`

/**
 * Tags and credentials beyond the defaults: `user0000` has five tags (every tenth user has an `email` tag);
 * `user0001` signs in only with keys (one used, one inactive), `user0002` has a password it never used and MFA.
 */
const FIXTURE_EXTRAS: Readonly<Record<string, Pick<SeedUser, 'tags' | 'credentials'>>> = {
  user0000: {
    tags: ['email:user0000@example.com', 'team:platform', 'cost-center:4711', 'owner:', 'Name:User Zero <0>'].map((t) => ({ key: t.slice(0, t.indexOf(':')), value: t.slice(t.indexOf(':') + 1) })),
  },
  user0001: { credentials: { accessKeys: [{ active: true, lastUsedDate: '2024-05-06T07:08:09Z', lastUsedService: 's3', lastUsedRegion: 'eu-west-1' }, { active: false }] } },
  user0002: { credentials: { passwordEnabled: true, mfaActive: true } },
}

/** 2,500 users; `big` has 1,200 members, `empty` none, `admins` 3; roles for every permission case. */
export function fixtureSeed(): Seed {
  const users = Array.from({ length: 2500 }, (_, i): SeedUser => {
    const name = `user${String(i).padStart(4, '0')}`
    return {
      name,
      path: i % 2 === 0 ? '/' : '/eng/',
      createDate: '2021-03-04T05:06:07Z',
      ...(i % 5 === 0 ? { passwordLastUsed: '2024-02-03T04:05:06Z' } : {}),
      ...(i % 10 === 0 ? { tags: [{ key: 'email', value: `${name}@example.com` }] } : {}),
      ...FIXTURE_EXTRAS[name],
    }
  })
  const trust = trustPolicy(sandboxDelegator.arn, EXTERNAL_ID)
  return {
    principals: [sandboxDelegator, stranger],
    accounts: [
      {
        id: ACCOUNT,
        roles: [
          { name: 'ConnectorsReadOnly', trustPolicy: trust, permissionPolicies: [allowPolicy(READ_ONLY_ACTIONS)] },
          { name: 'Wide', path: '/platform/', trustPolicy: trust, permissionPolicies: [allowPolicy(['iam:*'])] },
          { name: 'NoGetGroup', trustPolicy: trust, permissionPolicies: [allowPolicy(['iam:ListUsers', 'iam:ListGroups'])] },
          {
            name: 'DenyGetGroup',
            trustPolicy: trust,
            permissionPolicies: [allowPolicy(['iam:*']), { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:GetGroup', Resource: '*' }] }],
          },
        ],
        users,
        groups: [
          { name: 'big', members: users.slice(0, 1200).map((u) => u.name) },
          { name: 'empty', members: [] },
          { name: 'admins', path: '/ops/', members: ['user0000', 'user0001', 'user0002'] },
        ],
      },
    ],
  }
}

export const IDENTITY_STORE_ID = 'd-1234567890'

/**
 * 250 people (every seventh without an email, every eleventh with a given name only, every thirteenth without a
 * creation date, every fiftieth disabled, one with quotes, `<>` and accents); groups `all` (every person), `engineering` (120), `admins` (3, described) and `empty`.
 */
export function fixtureIdentityStore(): SeedIdentityStore {
  const users = Array.from({ length: 250 }, (_, i): SeedIdentityStoreUser => {
    const name = `person${String(i).padStart(3, '0')}@example.com`
    if (i === 3) return { name, displayName: `Zoë "Z" O'Brien <ops>`, givenName: 'Zoë', familyName: `O'Brien`, email: name, createdAt: '2023-01-04T05:06:07Z' }
    return {
      name,
      ...(i % 11 === 0 ? { givenName: `Given${i}` } : { displayName: `Given${i} Family${i}`, givenName: `Given${i}`, familyName: `Family${i}` }),
      ...(i % 7 === 0 ? {} : { email: name }),
      ...(i % 13 === 12 ? {} : { createdAt: new Date(Date.UTC(2023, 0, 1) + i * 86_400_000).toISOString() }),
      ...(i % 50 === 49 ? { disabled: true } : {}),
    }
  })
  return {
    id: IDENTITY_STORE_ID,
    users,
    groups: [
      { name: 'all', members: users.map((u) => u.name) },
      { name: 'engineering', description: 'Builds things', members: users.slice(100, 220).map((u) => u.name) },
      { name: 'admins', description: 'Break-glass administrators', members: [users[5], users[3], users[0]].map((u) => (u as SeedIdentityStoreUser).name) },
      { name: 'empty', members: [] },
    ],
  }
}

/**
 * {@link fixtureSeed} with {@link fixtureIdentityStore} in its account, and roles `IdentityReader` (the three
 * `identitystore:` listings and `sso:ListInstances`) and `NoListGroups` (without `identitystore:ListGroups`).
 */
export function identityStoreFixtureSeed(): Seed {
  const seed = fixtureSeed()
  const account = seed.accounts[0] as Seed['accounts'][number]
  const trust = trustPolicy(sandboxDelegator.arn, EXTERNAL_ID)
  const roles = [
    ...account.roles,
    { name: 'IdentityReader', trustPolicy: trust, permissionPolicies: [allowPolicy(IDENTITY_STORE_ACTIONS)] },
    { name: 'NoListGroups', trustPolicy: trust, permissionPolicies: [allowPolicy(IDENTITY_STORE_ACTIONS.filter((a) => a !== 'identitystore:ListGroups'))] },
  ]
  return { ...seed, accounts: [{ ...account, roles, identityStore: fixtureIdentityStore() }] }
}

/** Every byte of every file under `dir` (latin1, so binary survives), for grepping outputs for secrets. */
export async function allBytesUnder(dir: string): Promise<string> {
  if (!existsSync(dir)) return ''
  let text = ''
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    text += entry.isDirectory() ? await allBytesUnder(path) : await readFile(path, 'latin1')
  }
  return text
}
