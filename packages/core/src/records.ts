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
      createdAt: IsoDateTime,
    }),
    t.partial({
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
export const Membership = t.type(
  { accountId: t.string, groupId: t.string, groupName: t.string, userId: t.string, username: t.string },
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
