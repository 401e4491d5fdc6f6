/**
 * A deterministic organization generator: the same options give the same accounts, users, groups, members and
 * ids, for tests, the demo and the benchmark.
 */
import type { SeedIdentityStore } from './identity-store.js'
import type { PolicyDocument } from './policy.js'
import { hashToUnit, hexOf, iamId as idOf, seededRandom } from './rng.js'
import type { Faults } from './faults.js'
import type { Seed, SeedAccount, SeedPrincipal, SeedUser } from './seed.js'

/** The sandbox's own delegator principal (fake, sandbox-only keys): the platform identity that assumes roles. */
export const sandboxDelegator: SeedPrincipal = {
  accessKeyId: 'AKIASANDBOXDELEGATOR',
  secretAccessKey: 'sandbox/delegator/secret/key/0000000000',
  arn: 'arn:aws:iam::999999999999:user/connectors-delegator',
}

/**
 * The environment of a platform host using the sandbox's delegator: its base keys as the AWS default provider
 * chain reads them, and no shared config or instance metadata to fall back on.
 */
export function delegatorEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    AWS_ACCESS_KEY_ID: sandboxDelegator.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sandboxDelegator.secretAccessKey,
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...overrides,
  }
}

/** The name of the customer role the generator creates in each account. */
export const DEFAULT_ROLE_NAME = 'ConnectorsReadOnly'

/** The three actions the connector needs. */
export const READ_ONLY_ACTIONS = ['iam:ListUsers', 'iam:ListGroups', 'iam:GetGroup'] as const

/** What reading an account's Identity Center directory takes: Identity Store's three listings, and finding it. */
export const IDENTITY_STORE_ACTIONS = ['identitystore:ListUsers', 'identitystore:ListGroups', 'identitystore:ListGroupMemberships', 'sso:ListInstances'] as const

/** A trust policy allowing `principalArn` to assume the role with `externalId`. */
export function trustPolicy(principalArn: string, externalId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principalArn },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  }
}

/** A permission policy allowing `actions` on every resource. */
export function allowPolicy(actions: ReadonlyArray<string>): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: [...actions], Resource: '*' }] }
}

/** Options for {@link generateOrganization}. */
export interface GenerateOptions {
  readonly accounts: number
  readonly users: number
  readonly groups: number
  /** Members per group (at most `users`). */
  readonly members: number
  readonly seed: number
  /** The ExternalId each account's trust policy requires: default `ext-<seed>`. */
  readonly externalId?: (accountIndex: number) => string
  readonly faults?: Faults
  /** The first account id (12 digits); the others follow. */
  readonly firstAccountId?: number
  /** Give every other user an `email` tag (`<name>@tags.example`), and the role `iam:ListUserTags`. Off by default. */
  readonly userTags?: boolean
  /**
   * Give users credentials for the credential report: console users (those with a PasswordLastUsed, every other
   * one with MFA), API-only users with a recently used access key, and users with neither; and the role
   * `iam:GenerateCredentialReport` and `iam:GetCredentialReport`. Off by default.
   */
  readonly userCredentials?: boolean
  /**
   * Give each account an Identity Store (IAM Identity Center directory) of `users` people and `groups` teams of
   * `members`, its id `d-…` derived from the seed and the account, and the role the three `identitystore:` listings
   * and `sso:ListInstances`. Off by default.
   */
  readonly identityStore?: boolean
}

/** The account id of the n-th generated account. */
export function generatedAccountId(index: number, first = 100_000_000_000): string {
  return String(first + index).padStart(12, '0')
}

const PATHS = ['/', '/engineering/', '/finance/', '/ops/team-a/']
// IAM is global: the report gives no region for it.
const KEY_USES: ReadonlyArray<{ readonly lastUsedService: string; readonly lastUsedRegion?: string }> = [
  { lastUsedService: 's3', lastUsedRegion: 'eu-west-1' },
  { lastUsedService: 'ec2', lastUsedRegion: 'us-west-2' },
  { lastUsedService: 'iam' },
]

/** The opt-in extras of user `u` (tags, credentials), decided by its index alone: the random stream is untouched. */
function userExtras(options: GenerateOptions, u: number, name: string, epoch: number): Pick<SeedUser, 'tags' | 'credentials'> {
  const tags = options.userTags === true && u % 2 === 0 ? { tags: [{ key: 'email', value: `${name}@tags.example` }] } : {}
  if (options.userCredentials !== true) return tags
  const signsIn = u % 3 !== 0
  const apiOnly = u % 6 === 0
  const accessKeys = apiOnly ? [{ active: true, lastUsedDate: new Date(epoch + (1_300 + (u % 30)) * 86_400_000).toISOString(), ...(KEY_USES[(u / 6) % KEY_USES.length] as (typeof KEY_USES)[number]) }] : []
  return { ...tags, credentials: { passwordEnabled: signsIn, mfaActive: signsIn && u % 2 === 1, accessKeys } }
}

/** The generated role's actions: the connector's three, and what the opt-in data needs to be read. */
function roleActions(options: GenerateOptions): ReadonlyArray<string> {
  return [
    ...READ_ONLY_ACTIONS,
    ...(options.userTags === true ? ['iam:ListUserTags'] : []),
    ...(options.userCredentials === true ? ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'] : []),
    ...(options.identityStore === true ? IDENTITY_STORE_ACTIONS : []),
  ]
}

const GIVEN = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Tim', 'Radia']
const FAMILY = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Berners-Lee', 'Perlman']

/**
 * Account `index`'s Identity Store, decided by hashes of the seed and indexes alone (the random stream is
 * untouched): people with names and (but every tenth) a work email, teams with (but every third) a description.
 */
function identityStoreOf(options: GenerateOptions, index: number): SeedIdentityStore {
  const key = `${options.seed}|identity-store|${index}`
  const users = Array.from({ length: options.users }, (_, u) => {
    const name = `person-${String(u).padStart(6, '0')}`
    const givenName = GIVEN[u % GIVEN.length] as string
    const familyName = FAMILY[Math.floor(u / GIVEN.length) % FAMILY.length] as string
    const createdAt = new Date(Date.UTC(2021, 0, 1) + Math.floor(hashToUnit(`${key}|created|${u}`) * 1_000) * 86_400_000).toISOString()
    return { name, displayName: `${givenName} ${familyName}`, givenName, familyName, createdAt, ...(u % 25 === 24 ? { disabled: true } : {}), ...(u % 10 === 9 ? {} : { email: `${name}@idc.example` }) }
  })
  const size = Math.min(options.members, options.users)
  const groups = Array.from({ length: options.groups }, (_, g) => {
    const start = Math.floor(hashToUnit(`${key}|group|${g}`) * Math.max(1, options.users))
    const members = Array.from({ length: size }, (_, m) => (users[(start + m) % options.users] as { name: string }).name)
    return { name: `team-${String(g).padStart(4, '0')}`, ...(g % 3 === 2 ? {} : { description: `Generated team ${g}` }), members }
  })
  return { id: `d-${hexOf(key, 10)}`, users, groups }
}

function account(options: GenerateOptions, index: number, random: () => number): SeedAccount {
  const epoch = Date.UTC(2020, 0, 1)
  const users = Array.from({ length: options.users }, (_, u) => {
    const name = `user-${String(u).padStart(6, '0')}`
    return {
      name,
      id: idOf('AIDA', random),
      path: PATHS[u % PATHS.length] as string,
      createDate: new Date(epoch + Math.floor(random() * 1_000) * 86_400_000).toISOString(),
      ...(u % 3 === 0 ? {} : { passwordLastUsed: new Date(epoch + (1_000 + Math.floor(random() * 300)) * 86_400_000).toISOString() }),
      ...userExtras(options, u, name, epoch),
    }
  })
  const groups = Array.from({ length: options.groups }, (_, g) => {
    const size = Math.min(options.members, options.users)
    const start = Math.floor(random() * Math.max(1, options.users))
    const members = Array.from({ length: size }, (_, m) => (users[(start + m) % options.users] as { name: string }).name)
    return { name: `group-${String(g).padStart(4, '0')}`, id: idOf('AGPA', random), path: '/', createDate: new Date(epoch).toISOString(), members }
  })
  const externalId = options.externalId?.(index) ?? `ext-${options.seed}`
  return {
    id: generatedAccountId(index, options.firstAccountId),
    roles: [{ name: DEFAULT_ROLE_NAME, id: idOf('AROA', random), trustPolicy: trustPolicy(sandboxDelegator.arn, externalId), permissionPolicies: [allowPolicy(roleActions(options))] }],
    users,
    groups,
    ...(options.identityStore === true ? { identityStore: identityStoreOf(options, index) } : {}),
  }
}

/** Builds an organization of `accounts` accounts, each with the same shape and its own deterministic data. */
export function generateOrganization(options: GenerateOptions): Seed {
  const random = seededRandom(options.seed)
  return {
    principals: [sandboxDelegator],
    accounts: Array.from({ length: options.accounts }, (_, i) => account(options, i, random)),
    ...(options.faults !== undefined ? { faults: options.faults } : {}),
  }
}
