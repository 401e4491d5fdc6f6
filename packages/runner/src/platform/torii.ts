/**
 * The platform's custom-integration users file, as an adapter from the canonical records: its codec is the
 * platform's documented schema (users: id, email, firstName, lastName, status, externalStatus, roles, lastUsedDate;
 * licenses: name and holders with email and licenseStatus). Another platform's format would sit beside this module.
 */
import type { User } from '@connectors/core'
import * as t from 'io-ts'

/** One user in the users file. */
export const ToriiUser = t.intersection([
  t.type({
    id: t.string,
    email: t.string,
    status: t.keyof({ active: null, deleted: null }),
    externalStatus: t.string,
  }),
  // roles: absent when they are unknown (never claimed empty); a deleted user's are cleared.
  t.partial({ roles: t.array(t.string), firstName: t.string, lastName: t.string, lastUsedDate: t.string }),
])
/** One user in the users file. */
export type ToriiUser = t.TypeOf<typeof ToriiUser>

/** A license holder: the user's email, and whether the license is in use. */
export const ToriiLicenseHolder = t.type({ email: t.string, licenseStatus: t.keyof({ active: null, inactive: null, deleted: null }) })
/** A license holder. */
export type ToriiLicenseHolder = t.TypeOf<typeof ToriiLicenseHolder>

/** The users file: users, and licenses with their holders. The platform requires at least one user. */
export const ToriiUsersFile = t.type({
  users: t.array(ToriiUser),
  licenses: t.array(t.type({ name: t.string, users: t.array(ToriiLicenseHolder) })),
})
/** The users file. */
export type ToriiUsersFile = t.TypeOf<typeof ToriiUsersFile>

/** A user as the file states it, or `undefined` without an email. A deleted user's roles are cleared. */
export function toriiUser(user: User): ToriiUser | undefined {
  if (user.email === undefined) return undefined
  const entry: ToriiUser = { id: user.id, email: user.email, status: user.status, externalStatus: user.externalStatus ?? user.status }
  const roles = user.status === 'deleted' ? [] : user.roles
  if (roles !== undefined) entry.roles = [...roles]
  if (user.firstName !== undefined) entry.firstName = user.firstName
  if (user.lastName !== undefined) entry.lastName = user.lastName
  if (user.lastUsedAt !== undefined) entry.lastUsedDate = user.lastUsedAt
  return entry
}

/** A holder of a license: the email the user is stated with, and whether the user is deleted. */
export function toriiHolder(email: string, status: User['status']): ToriiLicenseHolder {
  return { email, licenseStatus: status === 'deleted' ? 'deleted' : 'active' }
}
