/** IAM `ListUsers` entries → canonical users (pure). */
import type { User as IamUser } from '@aws-sdk/client-iam'
import type { User } from '@connectors/core'
import type { EmailRule } from '../config.js'
import { AWS_IAM_LICENSE } from '../manifest.js'
import { emailFor, type EmailEntries } from './email.js'

/** A canonical user with the IAM fields the connector adds. */
export type AwsIamUser = User & { readonly arn: string; readonly path: string }

/** What mapping needs besides the entry itself. */
export interface UserMappingContext {
  readonly accountId: string
  /** Group names by user id, from the memberships; undefined when they could not be listed (roles unknown). */
  readonly groupsByUserId: ReadonlyMap<string, ReadonlyArray<string>> | undefined
  readonly emailRule: EmailRule | undefined
  /** The explicit entries (the rule's map and map file). */
  readonly emailEntries: EmailEntries
}

/** Maps one ListUsers entry. Every listed user is `active`; deletion is decided by the runner from complete syncs. */
export function mapUser(u: IamUser, ctx: UserMappingContext): AwsIamUser {
  const username = u.UserName ?? ''
  const email = emailFor(username, ctx.emailRule, ctx.emailEntries)
  return {
    accountId: ctx.accountId,
    id: u.UserId ?? '',
    username,
    arn: u.Arn ?? '',
    path: u.Path ?? '/',
    status: 'active',
    externalStatus: u.PasswordLastUsed !== undefined ? 'signed-in' : 'no-sign-in-recorded',
    ...(ctx.groupsByUserId !== undefined ? { roles: ctx.groupsByUserId.get(u.UserId ?? '') ?? [] } : {}),
    licenses: [AWS_IAM_LICENSE],
    createdAt: (u.CreateDate ?? new Date(0)).toISOString(),
    ...(u.PasswordLastUsed !== undefined ? { lastUsedAt: u.PasswordLastUsed.toISOString() } : {}),
    ...(email !== undefined ? { email } : {}),
  }
}
