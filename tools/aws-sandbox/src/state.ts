/**
 * The sandbox's world: accounts with their roles, users and groups, indexed for fast listing; their Identity
 * Stores; the base principals; and the sessions AssumeRole has issued.
 */
import { randomBytes } from 'node:crypto'
import { buildIdentityStore, type IdentityStoreEntity } from './identity-store.js'
import type { PolicyDocument } from './policy.js'
import { iamId, seededRandom } from './rng.js'
import type { Seed, SeedPrincipal } from './seed.js'

/** An IAM user as IAM lists it, with its tags (ListUserTags) and credentials (the credential report). */
export interface UserEntity {
  readonly UserName: string
  readonly UserId: string
  readonly Arn: string
  readonly Path: string
  readonly CreateDate: Date
  readonly PasswordLastUsed?: Date
  readonly Tags: ReadonlyArray<{ readonly Key: string; readonly Value: string }>
  readonly credentials: UserCredentials
}

/** What the credential report says of a user's password, MFA and access keys (defaults applied). */
export interface UserCredentials {
  readonly passwordEnabled: boolean
  readonly mfaActive: boolean
  readonly accessKeys: ReadonlyArray<{ readonly active: boolean; readonly lastUsed?: { readonly date: Date; readonly service?: string; readonly region?: string } }>
}

/** An account's credential report: generation runs from `startedAt` to `readyAt` (epoch ms). */
export interface CredentialReport {
  readonly startedAt: number
  readonly readyAt: number
  /** The CSV, as of the start of generation. */
  readonly csv: string
}

/** An IAM group as IAM lists it, with its members (user names, in order). */
export interface GroupEntity {
  readonly GroupName: string
  readonly GroupId: string
  readonly Arn: string
  readonly Path: string
  readonly CreateDate: Date
  readonly members: ReadonlyArray<UserEntity>
}

/** An assumable role. */
export interface RoleEntity {
  readonly name: string
  readonly id: string
  readonly arn: string
  readonly trustPolicy: PolicyDocument
  readonly permissionPolicies: ReadonlyArray<PolicyDocument>
}

/** One account's data. */
export interface AccountState {
  readonly id: string
  readonly users: ReadonlyArray<UserEntity>
  readonly usersByName: ReadonlyMap<string, UserEntity>
  readonly groups: ReadonlyArray<GroupEntity>
  readonly groupsByName: ReadonlyMap<string, GroupEntity>
  readonly roles: ReadonlyMap<string, RoleEntity>
  /** Its IAM Identity Center directory, when the seed gives it one. */
  readonly identityStore?: IdentityStoreEntity
}

/** Temporary credentials issued by AssumeRole. */
export interface SessionEntity {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
  readonly account: string
  readonly role: RoleEntity
  readonly sessionName: string
  readonly assumedRoleArn: string
  readonly sessionPolicy?: PolicyDocument
  /** Whether the AssumeRole call that issued it presented an ExternalId. */
  readonly externalIdPresented: boolean
  /** When the credentials really stop working (epoch ms). */
  readonly expiresAt: number
}

const NO_TAGS: UserEntity['Tags'] = []

/** The whole sandbox state. */
export class SandboxState {
  readonly partition: string
  readonly accounts = new Map<string, AccountState>()
  readonly principals = new Map<string, SeedPrincipal>()
  readonly sessions = new Map<string, SessionEntity>()
  /** Every account's Identity Store, by IdentityStoreId. */
  readonly identityStores = new Map<string, IdentityStoreEntity>()
  /** The latest credential report of each account, and how many each has generated. */
  readonly credentialReports = new Map<string, CredentialReport & { readonly generation: number }>()
  /** Every secret the sandbox has issued or holds (the reliability suite greps outputs for them). */
  readonly issuedSecrets: string[] = []

  constructor(seed: Seed) {
    this.partition = seed.partition ?? 'aws'
    const random = seededRandom(0x5eed)
    const id = (prefix: string) => iamId(prefix, random)
    for (const p of seed.principals) {
      this.principals.set(p.accessKeyId, p)
      this.issuedSecrets.push(p.accessKeyId, p.secretAccessKey)
    }
    for (const a of seed.accounts) {
      const arn = (kind: string, path: string | undefined, name: string) => `arn:${this.partition}:iam::${a.id}:${kind}${path ?? '/'}${name}`
      const users = a.users.map(
        (u): UserEntity => ({
          UserName: u.name,
          UserId: u.id ?? id('AIDA'),
          Arn: arn('user', u.path, u.name),
          Path: u.path ?? '/',
          CreateDate: new Date(u.createDate),
          ...(u.passwordLastUsed !== undefined ? { PasswordLastUsed: new Date(u.passwordLastUsed) } : {}),
          Tags: u.tags === undefined ? NO_TAGS : u.tags.map((tag) => ({ Key: tag.key, Value: tag.value })),
          credentials: {
            passwordEnabled: u.credentials?.passwordEnabled ?? u.passwordLastUsed !== undefined,
            mfaActive: u.credentials?.mfaActive ?? false,
            accessKeys: (u.credentials?.accessKeys ?? []).map((k) => ({
              active: k.active,
              ...(k.lastUsedDate !== undefined
                ? { lastUsed: { date: new Date(k.lastUsedDate), ...(k.lastUsedService !== undefined ? { service: k.lastUsedService } : {}), ...(k.lastUsedRegion !== undefined ? { region: k.lastUsedRegion } : {}) } }
                : {}),
            })),
          },
        }),
      )
      const usersByName = new Map(users.map((u) => [u.UserName, u]))
      const groups = a.groups.map(
        (g): GroupEntity => ({
          GroupName: g.name,
          GroupId: g.id ?? id('AGPA'),
          Arn: arn('group', g.path, g.name),
          Path: g.path ?? '/',
          CreateDate: new Date(g.createDate ?? '2020-01-01T00:00:00Z'),
          members: g.members.flatMap((m) => {
            const user = usersByName.get(m)
            if (user === undefined) throw new Error(`seed: account ${a.id} group ${g.name} lists unknown user ${m}`)
            return [user]
          }),
        }),
      )
      const roles = new Map(
        a.roles.map((r): [string, RoleEntity] => [
          r.name,
          { name: r.name, id: r.id ?? id('AROA'), arn: arn('role', r.path, r.name), trustPolicy: r.trustPolicy, permissionPolicies: r.permissionPolicies },
        ]),
      )
      const identityStore = a.identityStore === undefined ? undefined : buildIdentityStore(a.identityStore, a.id, this.partition)
      if (identityStore !== undefined) {
        const holder = this.identityStores.get(identityStore.id)?.account
        if (holder !== undefined) throw new Error(`seed: accounts ${holder} and ${a.id} both hold identity store ${identityStore.id}`)
        this.identityStores.set(identityStore.id, identityStore)
      }
      this.accounts.set(a.id, { id: a.id, users, usersByName, groups, groupsByName: new Map(groups.map((g) => [g.GroupName, g])), roles, ...(identityStore !== undefined ? { identityStore } : {}) })
    }
  }

  /** The role an ARN names, if it exists. */
  roleByArn(arn: string): RoleEntity | undefined {
    const m = /^arn:[\w-]+:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn)
    if (m === null) return undefined
    const role = this.accounts.get(m[1] as string)?.roles.get(m[2] as string)
    return role?.arn === arn ? role : undefined
  }

  /** Issues fresh, unique temporary credentials. */
  issueSession(fields: Omit<SessionEntity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>): SessionEntity {
    const session: SessionEntity = {
      ...fields,
      accessKeyId: `ASIA${randomBytes(10).toString('base64url').replace(/[-_]/g, 'X').toUpperCase().slice(0, 16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(96).toString('base64')}`,
    }
    this.sessions.set(session.accessKeyId, session)
    this.issuedSecrets.push(session.accessKeyId, session.secretAccessKey, session.sessionToken)
    return session
  }
}
