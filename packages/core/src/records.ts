/**
 * The canonical data model every connector maps into (docs/ARCHITECTURE.md). Codecs, so the runner can validate what a
 * connector emits and the types are derived, never written twice.
 * @module
 */
import * as t from 'io-ts'
import { IsoDateTime } from './codecs.js'

/** The entity kinds a connector may produce. */
export const EntityKind = t.keyof({ users: null, groups: null, memberships: null }, 'EntityKind')
/** The entity kinds a connector may produce. */
export type EntityKind = t.TypeOf<typeof EntityKind>
/** Every entity kind, in dependency-friendly order. */
export const entityKinds: ReadonlyArray<EntityKind> = ['groups', 'memberships', 'users']

/** A user's status on the platform: `active` while listed by a complete sync, `deleted` once gone from one. */
export const UserStatus = t.keyof({ active: null, deleted: null }, 'UserStatus')
/** A user's status on the platform. */
export type UserStatus = t.TypeOf<typeof UserStatus>

/** A user of the upstream application, mapped to the platform's model. */
export const User = t.intersection(
  [
    t.type({
      /** The upstream account (tenant) the user belongs to. */
      accountId: t.string,
      /** The upstream's stable id for the user. */
      id: t.string,
      username: t.string,
      status: UserStatus,
      /** License types the user holds. */
      licenses: t.readonlyArray(t.string),
    }),
    t.partial({
      /** When the upstream created the user; absent when it does not say (never a made-up date). */
      createdAt: IsoDateTime,
      /**
       * Role names (for AWS IAM: group names). Absent means unknown — the listing they come from failed — which is
       * not the same as `[]`, no roles.
       */
      roles: t.readonlyArray(t.string),
      email: t.string,
      firstName: t.string,
      lastName: t.string,
      /** The upstream's own status wording, verbatim. */
      externalStatus: t.string,
      lastUsedAt: IsoDateTime,
    }),
  ],
  'User',
)
/** A user of the upstream application. */
export type User = t.TypeOf<typeof User>

/** A group (role container) of the upstream application. */
export const Group = t.intersection(
  [
    t.type({ accountId: t.string, id: t.string, name: t.string }),
    t.partial({ createdAt: IsoDateTime }),
  ],
  'Group',
)
/** A group of the upstream application. */
export type Group = t.TypeOf<typeof Group>

/** A user's membership in a group. */
export const Membership = t.intersection(
  [
    t.type({ accountId: t.string, groupId: t.string, groupName: t.string, userId: t.string }),
    // Absent when the upstream names members by id alone (Identity Store's ListGroupMemberships): the user record has it.
    t.partial({ username: t.string }),
  ],
  'Membership',
)
/** A user's membership in a group. */
export type Membership = t.TypeOf<typeof Membership>

/** The record type of each entity kind. */
export interface RecordOf {
  readonly users: User
  readonly groups: Group
  readonly memberships: Membership
}

/** The codec of each entity kind's records. */
export const recordCodecs: { readonly [K in EntityKind]: t.Type<RecordOf[K], unknown> } = {
  users: User as t.Type<User, unknown>,
  groups: Group as t.Type<Group, unknown>,
  memberships: Membership,
}

/**
 * Group names by user id, from memberships: a fetcher that `uses` the memberships fills each user's `roles` with it
 * (a user in no group gets `[]`; without the memberships, `roles` stays absent).
 */
export function groupsByUserId(memberships: ReadonlyArray<Pick<Membership, 'userId' | 'groupName'>>): Map<string, string[]> {
  const index = new Map<string, string[]>()
  for (const m of memberships) {
    const list = index.get(m.userId)
    if (list === undefined) index.set(m.userId, [m.groupName])
    else list.push(m.groupName)
  }
  return index
}
