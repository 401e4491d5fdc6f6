/** IAM `ListUsers` entries → canonical users (pure). */
import type { User as IamUser } from '@aws-sdk/client-iam'
import type { User } from '@connectors/core'
import type { EmailRule } from '../config.js'
import { AWS_IAM_LICENSE } from '../manifest.js'
import { accessOf, type CredentialRow } from './credential-report.js'
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
  /** The credential report's rows by username, when the config asked for it. */
  readonly credentials?: ReadonlyMap<string, CredentialRow> | undefined
}

/** Maps one ListUsers entry. Every listed user is `active`; deletion is decided by the runner from complete syncs. */
export function mapUser(u: IamUser, ctx: UserMappingContext): AwsIamUser {
  const username = u.UserName ?? ''
  const email = emailFor(username, ctx.emailRule, ctx.emailEntries)
  const row = ctx.credentials?.get(username)
  // The report knows access-key use too: an API-only user is not "never used". ListUsers' sign-in may be newer.
  const lastUsedAt = [row?.lastUsedAt, u.PasswordLastUsed?.toISOString()].filter((d): d is string => d !== undefined).sort().at(-1)
  return {
    accountId: ctx.accountId,
    id: u.UserId ?? '',
    username,
    arn: u.Arn ?? '',
    path: u.Path ?? '/',
    status: 'active',
    externalStatus: row !== undefined ? accessOf(row) : u.PasswordLastUsed !== undefined ? 'signed-in' : 'no-sign-in-recorded',
    ...(ctx.groupsByUserId !== undefined ? { roles: ctx.groupsByUserId.get(u.UserId ?? '') ?? [] } : {}),
    licenses: [AWS_IAM_LICENSE],
    ...(u.CreateDate !== undefined ? { createdAt: u.CreateDate.toISOString() } : {}),
    ...(lastUsedAt !== undefined ? { lastUsedAt } : {}),
    ...(email !== undefined ? { email } : {}),
  }
}
