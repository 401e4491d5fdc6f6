/**
 * An account's IAM Identity Center directory (its Identity Store): the seed's form, validated with paths named,
 * and the entities the Identity Store operations list. User, group and membership ids are UUIDs derived from the
 * store id and the names, so the same seed always gives the same ids.
 */
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import type { JsonObject } from './operations/operation.js'
import { hexOf, uuidOf } from './rng.js'

/** Identity Store's id pattern: `d-` and ten hex digits, or a UUID. */
export const IDENTITY_STORE_ID = /^(?:d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/

const IdentityStoreId = t.refinement(t.string, (s) => IDENTITY_STORE_ID.test(s), 'IdentityStoreId like d-1234567890')
const Timestamp = t.refinement(t.string, (v) => !Number.isNaN(Date.parse(v)), 'Timestamp')
const text = (max: number) => t.refinement(t.string, (s) => s.length >= 1 && s.length <= max, `text of 1–${max} characters`)

/** A user of the directory; `name` is its UserName. */
export const SeedIdentityStoreUser = t.intersection([
  t.type({ name: text(128) }),
  t.partial({
    displayName: text(1024),
    givenName: text(1024),
    familyName: text(1024),
    email: text(1024),
    /** When the user was created (ISO 8601): ListUsers' CreatedAt. */
    createdAt: Timestamp,
    /** A user whose sign-in is disabled: ListUsers' UserStatus DISABLED (else ENABLED). */
    disabled: t.boolean,
  }),
])
export type SeedIdentityStoreUser = t.TypeOf<typeof SeedIdentityStoreUser>

const GroupRequired = t.type({ name: text(1024), members: t.array(t.string) })
/** A group of the directory; `name` is its DisplayName, `members` name users of the same directory. */
export const SeedIdentityStoreGroup = t.intersection([GroupRequired, t.partial({ description: text(1024) })])
export type SeedIdentityStoreGroup = t.TypeOf<typeof SeedIdentityStoreGroup>

const StoreShape = t.type({ id: IdentityStoreId, users: t.array(SeedIdentityStoreUser), groups: t.array(SeedIdentityStoreGroup) })

const Items = t.array(t.unknown)

/** Fails at `<context>.<list>[index].<key>` (and `[subIndex]`), saying what was expected there. */
function failAt(c: t.Context, list: 'users' | 'groups', index: number, item: unknown, key: string, value: unknown, expected: string, subIndex?: number): t.Validation<never> {
  const path: t.ContextEntry[] = [...c, { key: list, type: Items, actual: item }, { key: String(index), type: GroupRequired, actual: item }]
  if (subIndex === undefined) path.push({ key, type: t.string, actual: value })
  else path.push({ key, type: Items, actual: value }, { key: String(subIndex), type: t.string, actual: value })
  return t.failure(value, path, expected)
}

/** What IAM Identity Center keeps unique and consistent: user names, group names, and members that exist. */
function crossCheck(store: t.TypeOf<typeof StoreShape>, c: t.Context): t.Validation<t.TypeOf<typeof StoreShape>> {
  const users = new Set<string>()
  for (const [i, u] of store.users.entries()) {
    if (users.has(u.name)) return failAt(c, 'users', i, u, 'name', u.name, 'a UserName not already used in this identity store')
    users.add(u.name)
  }
  const groups = new Set<string>()
  for (const [i, g] of store.groups.entries()) {
    if (groups.has(g.name)) return failAt(c, 'groups', i, g, 'name', g.name, 'a group DisplayName not already used in this identity store')
    groups.add(g.name)
    const unknown = g.members.findIndex((m) => !users.has(m))
    if (unknown >= 0) return failAt(c, 'groups', i, g, 'members', g.members[unknown], 'the name of a user of this identity store', unknown)
    const repeated = g.members.findIndex((m, j) => g.members.indexOf(m) !== j)
    if (repeated >= 0) return failAt(c, 'groups', i, g, 'members', g.members[repeated], 'a user not already a member of this group', repeated)
  }
  return t.success(store)
}

/** An account's Identity Store in the seed: `{ id, users, groups }`. */
export const SeedIdentityStore = new t.Type<t.TypeOf<typeof StoreShape>, t.TypeOf<typeof StoreShape>, unknown>(
  'IdentityStore',
  (u): u is t.TypeOf<typeof StoreShape> => StoreShape.is(u) && E.isRight(crossCheck(u, [])),
  (u, c) => E.chain((store: t.TypeOf<typeof StoreShape>) => crossCheck(store, c))(StoreShape.validate(u, c)),
  t.identity,
)
export type SeedIdentityStore = t.TypeOf<typeof SeedIdentityStore>

/** A group membership as ListGroupMemberships answers it. */
export interface GroupMembershipEntity extends JsonObject {
  readonly IdentityStoreId: string
  readonly MembershipId: string
  readonly GroupId: string
  readonly MemberId: { readonly UserId: string }
}

/** One Identity Store: users and groups as ListUsers and ListGroups answer them, memberships by group id. */
export interface IdentityStoreEntity {
  readonly id: string
  /** The account that holds it (Identity Center's management account). */
  readonly account: string
  /** Its IAM Identity Center instance (SSO Admin's ListInstances). */
  readonly instanceArn: string
  readonly users: ReadonlyArray<JsonObject & { readonly UserId: string; readonly UserName: string }>
  readonly groups: ReadonlyArray<JsonObject & { readonly GroupId: string; readonly DisplayName: string }>
  readonly memberships: ReadonlyMap<string, ReadonlyArray<GroupMembershipEntity>>
}

/** The UserId of user `name` in store `storeId` (and GroupId, MembershipId alike): stable across runs. */
export const identityStoreIds = {
  user: (storeId: string, name: string) => uuidOf(`${storeId}|user|${name}`),
  group: (storeId: string, name: string) => uuidOf(`${storeId}|group|${name}`),
  membership: (groupId: string, userId: string) => uuidOf(`${groupId}|membership|${userId}`),
  instanceArn: (partition: string, storeId: string) => `arn:${partition}:sso:::instance/ssoins-${hexOf(`${storeId}|instance`, 16)}`,
}

/** A user as Identity Store lists it: Name's parts and its one (primary, work) email only when the seed has them. */
function userJson(storeId: string, u: SeedIdentityStoreUser): IdentityStoreEntity['users'][number] {
  const parts = [u.givenName, u.familyName].filter((p): p is string => p !== undefined)
  return {
    UserId: identityStoreIds.user(storeId, u.name),
    IdentityStoreId: storeId,
    UserName: u.name,
    ...(u.displayName !== undefined ? { DisplayName: u.displayName } : {}),
    ...(parts.length > 0
      ? { Name: { ...(u.givenName !== undefined ? { GivenName: u.givenName } : {}), ...(u.familyName !== undefined ? { FamilyName: u.familyName } : {}), Formatted: parts.join(' ') } }
      : {}),
    ...(u.email !== undefined ? { Emails: [{ Value: u.email, Type: 'work', Primary: true }] } : {}),
    UserStatus: u.disabled === true ? 'DISABLED' : 'ENABLED',
    // JSON 1.1 timestamps are epoch seconds.
    ...(u.createdAt !== undefined ? { CreatedAt: Date.parse(u.createdAt) / 1000 } : {}),
  }
}

/** Builds the entities of the seed's store for `account`. */
export function buildIdentityStore(seed: SeedIdentityStore, account: string, partition: string): IdentityStoreEntity {
  const users = seed.users.map((u) => userJson(seed.id, u))
  const userIds = new Map(users.map((u) => [u.UserName, u.UserId]))
  const groups = seed.groups.map((g) => ({
    GroupId: identityStoreIds.group(seed.id, g.name),
    IdentityStoreId: seed.id,
    DisplayName: g.name,
    ...(g.description !== undefined ? { Description: g.description } : {}),
  }))
  const memberships = new Map(
    seed.groups.map((g, i) => {
      const GroupId = (groups[i] as (typeof groups)[number]).GroupId
      return [
        GroupId,
        g.members.map((m): GroupMembershipEntity => {
          const UserId = userIds.get(m) as string
          return { IdentityStoreId: seed.id, MembershipId: identityStoreIds.membership(GroupId, UserId), GroupId, MemberId: { UserId } }
        }),
      ] as const
    }),
  )
  return { id: seed.id, account, instanceArn: identityStoreIds.instanceArn(partition, seed.id), users, groups, memberships }
}
