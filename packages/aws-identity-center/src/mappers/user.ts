/** Identity Store users → canonical users (pure). */
import type { Email, User as IdentityStoreUser } from '@aws-sdk/client-identitystore'
import type { User } from '@connectors/core'
import { AWS_IDENTITY_CENTER_LICENSE } from '../manifest.js'

/** A canonical user with the fields Identity Center adds. */
export type AwsIdentityCenterUser = User & { readonly displayName?: string }

/** What mapping needs besides the entry itself. */
export interface UserMappingContext {
  readonly accountId: string
  /** Group names by user id, from the memberships; undefined when they could not be listed (roles unknown, not none). */
  readonly groupsByUserId: ReadonlyMap<string, ReadonlyArray<string>> | undefined
}


/** The address the platform knows the user by: the one marked primary, else the first listed. */
export function primaryEmail(emails: ReadonlyArray<Email> | undefined): string | undefined {
  const usable = (emails ?? []).filter((e) => e.Value !== undefined && e.Value.trim() !== '')
  return (usable.find((e) => e.Primary === true) ?? usable[0])?.Value?.trim()
}

/** A string attribute when it says something. */
const text = (s: string | undefined) => (s !== undefined && s.trim() !== '' ? s : undefined)

/**
 * Maps one ListUsers entry. Every listed user is `active` (a disabled one keeps `DISABLED` as its external status);
 * deletion is decided by the runner from complete syncs.
 */
export function mapUser(u: IdentityStoreUser, ctx: UserMappingContext): AwsIdentityCenterUser {
  const email = primaryEmail(u.Emails)
  const firstName = text(u.Name?.GivenName)
  const lastName = text(u.Name?.FamilyName)
  const displayName = text(u.DisplayName)
  return {
    accountId: ctx.accountId,
    id: u.UserId ?? '',
    username: u.UserName ?? '',
    status: 'active',
    licenses: [AWS_IDENTITY_CENTER_LICENSE],
    ...(u.CreatedAt !== undefined ? { createdAt: u.CreatedAt.toISOString() } : {}),
    ...(ctx.groupsByUserId !== undefined ? { roles: ctx.groupsByUserId.get(u.UserId ?? '') ?? [] } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(firstName !== undefined ? { firstName } : {}),
    ...(lastName !== undefined ? { lastName } : {}),
    ...(displayName !== undefined ? { displayName } : {}),
    ...(u.UserStatus !== undefined ? { externalStatus: u.UserStatus } : {}),
  }
}
